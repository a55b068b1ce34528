using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Populations;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

namespace ActorCampaigns.Channels.Templates;

/// <summary>
/// The Liquid templates of one channel activity, parsed once and rendered per profile over its attributes,
/// <c>vars.*</c> and <c>campaign.name</c>. A template that fails for one profile fails only that message.
/// One instance renders for one stream, a profile at a time: it reuses one template context and one writer. Templates
/// with tags (<c>{% assign %}</c>, loops…) give each profile a scope of its own, so nothing a template assigns for one
/// profile is seen by the next; templates of output only (<c>{{ … }}</c>) cannot assign, and set every column again
/// for each profile in one scope. Values written into an email's html are HTML-encoded (a profile attribute cannot
/// inject markup); other fields (subject, text, SMS, push) get them as they are.
/// </summary>
public sealed class MessageTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly TextEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly IReadOnlyList<(string Field, IFluidTemplate Template)> _templates;
    private readonly TemplateContext _context = new();
    private readonly StringWriter _writer = new();
    private readonly bool _scoped;

    public MessageTemplates(ChannelActivity activity, string campaignName, IReadOnlyDictionary<string, object?> variables)
    {
        _templates = activity.Templates
            .Select(t => (t.Field, Parser.TryParse(t.Template, out var parsed, out var error)
                ? parsed
                : throw new InvalidOperationException($"template {t.Field} of '{activity.Id}' does not parse: {error}")))
            .ToList();
        _scoped = activity.Templates.Any(t => t.Template.Contains("{%", StringComparison.Ordinal));
        _context.SetValue("vars", variables.ToDictionary(v => v.Key, v => v.Value));
        _context.SetValue("campaign", new Dictionary<string, object?> { ["name"] = campaignName });
    }

    /// <summary>The rendered fields for the profile at <paramref name="row"/> of <paramref name="batch"/>, or the reason rendering failed.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>>? Content, string? Error) Render(ProfileBatch batch, int row)
    {
        if (_scoped)
            _context.EnterChildScope();
        try
        {
            for (var c = 0; c < batch.Columns.Count; c++)
                _context.SetValue(batch.Columns[c].Name, batch.Columns[c].Values[row]);
            var content = new KeyValuePair<string, string>[_templates.Count];
            for (var i = 0; i < content.Length; i++)
            {
                var text = _writer.GetStringBuilder().Clear();
                // Templates call no asynchronous filter, so rendering completes synchronously.
                _templates[i].Template.RenderAsync(_writer, _templates[i].Field == "html" ? Html : NullEncoder.Default, _context).GetAwaiter().GetResult();
                content[i] = new KeyValuePair<string, string>(_templates[i].Field, text.ToString());
            }
            return (content, null);
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or ArgumentException)
        {
            return (null, e.Message);
        }
        finally
        {
            if (_scoped)
                _context.ReleaseScope();
        }
    }
}
