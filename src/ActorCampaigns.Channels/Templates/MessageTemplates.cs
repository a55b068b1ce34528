using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Populations;
using Fluid;

namespace ActorCampaigns.Channels.Templates;

/// <summary>
/// The Liquid templates of one channel activity, parsed once and rendered per profile over its attributes,
/// <c>vars.*</c> and <c>campaign.name</c>. A template that fails for one profile fails only that message.
/// One instance renders for one stream, a profile at a time: it reuses one template context, giving each profile a
/// scope of its own, so nothing a template assigns for one profile is seen by the next.
/// </summary>
public sealed class MessageTemplates
{
    private static readonly FluidParser Parser = new();
    private readonly IReadOnlyList<(string Field, IFluidTemplate Template)> _templates;
    private readonly TemplateContext _context = new();

    public MessageTemplates(ChannelActivity activity, string campaignName, IReadOnlyDictionary<string, object?> variables)
    {
        _templates = activity.Templates
            .Select(t => (t.Field, Parser.TryParse(t.Template, out var parsed, out var error)
                ? parsed
                : throw new InvalidOperationException($"template {t.Field} of '{activity.Id}' does not parse: {error}")))
            .ToList();
        _context.SetValue("vars", variables.ToDictionary(v => v.Key, v => v.Value));
        _context.SetValue("campaign", new Dictionary<string, object?> { ["name"] = campaignName });
    }

    /// <summary>The rendered fields for the profile at <paramref name="row"/> of <paramref name="batch"/>, or the reason rendering failed.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>>? Content, string? Error) Render(ProfileBatch batch, int row)
    {
        _context.EnterChildScope();
        try
        {
            foreach (var column in batch.Columns)
                _context.SetValue(column.Name, column.Values[row]);
            var content = new KeyValuePair<string, string>[_templates.Count];
            for (var i = 0; i < content.Length; i++)
                content[i] = new KeyValuePair<string, string>(_templates[i].Field, _templates[i].Template.Render(_context));
            return (content, null);
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or ArgumentException)
        {
            return (null, e.Message);
        }
        finally
        {
            _context.ReleaseScope();
        }
    }
}
