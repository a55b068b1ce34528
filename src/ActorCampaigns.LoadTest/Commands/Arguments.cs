using System.Globalization;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary>Options as <c>--name value</c> or <c>--flag</c>, and the positional words around them.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = [];

    public Arguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].StartsWith("--", StringComparison.Ordinal))
            {
                var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
                _options[list[i][2..]] = hasValue ? list[++i] : null;
            }
            else
            {
                Positional.Add(list[i]);
            }
        }
    }

    public List<string> Positional { get; } = [];

    public string? Text(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var value) ? value ?? throw new UsageException($"--{name} needs a value") : null;
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _options.ContainsKey(name);
    }

    public long Count(string name, long fallback)
    {
        var text = Text(name);
        if (text is null)
            return fallback;
        var factor = text.EndsWith('M') ? 1_000_000 : text.EndsWith('k') || text.EndsWith('K') ? 1_000 : 1;
        var digits = factor == 1 ? text : text[..^1];
        return long.TryParse(digits.Replace("_", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value * factor
            : throw new UsageException($"--{name} must be a positive whole number (1000, 100k, 10M), not '{text}'");
    }

    /// <summary>Refuses options no command asked for, so a typo is not silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}

/// <summary>A command line that cannot be run; reported as one line, with the usage.</summary>
public sealed class UsageException(string message) : Exception(message);
