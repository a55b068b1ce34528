using ActorCampaigns.Domain.Campaigns;
using Fluid;

namespace ActorCampaigns.Channels.Templates;

/// <summary>
/// The Liquid templates of one channel activity, parsed once and rendered per profile over its attributes,
/// <c>vars.*</c> and <c>campaign.name</c>. A template that fails for one profile fails only that message.
/// </summary>
public sealed class MessageTemplates
{
    private static readonly FluidParser Parser = new();
    private readonly IReadOnlyList<(string Field, IFluidTemplate Template)> _templates;
    private readonly Dictionary<string, object?> _vars;
    private readonly Dictionary<string, object?> _campaign;

    public MessageTemplates(ChannelActivity activity, string campaignName, IReadOnlyDictionary<string, object?> variables)
    {
        _templates = activity.Templates
            .Select(t => (t.Field, Parser.TryParse(t.Template, out var parsed, out var error)
                ? parsed
                : throw new InvalidOperationException($"template {t.Field} of '{activity.Id}' does not parse: {error}")))
            .ToList();
        _vars = variables.ToDictionary(v => v.Key, v => v.Value);
        _campaign = new Dictionary<string, object?> { ["name"] = campaignName };
    }

    /// <summary>The rendered fields, or the reason rendering failed.</summary>
    public (IReadOnlyList<KeyValuePair<string, string>>? Content, string? Error) Render(IReadOnlyDictionary<string, object?> profile)
    {
        var context = new TemplateContext();
        foreach (var (name, value) in profile)
            context.SetValue(name, value);
        context.SetValue("vars", _vars);
        context.SetValue("campaign", _campaign);
        try
        {
            return (_templates.Select(t => new KeyValuePair<string, string>(t.Field, t.Template.Render(context))).ToList(), null);
        }
        catch (Exception e) when (e is FluidException or InvalidOperationException or ArgumentException)
        {
            return (null, e.Message);
        }
    }
}
