using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Populations;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

namespace ActorCampaigns.Channels.Templates;

/// <summary>
/// The Liquid templates of one channel activity, parsed once and rendered per profile over its attributes,
/// <c>vars.*</c> and <c>campaign.name</c>. A template that fails for one profile fails only that message, and so does
/// one that passes its <see cref="RenderLimits"/>. One instance renders for one stream, a profile at a time, each in a
/// context of its own (nothing a template assigns for one profile is seen by the next) with one reused writer. Values
/// written into an email's html are HTML-encoded (a profile attribute cannot inject markup); other fields (subject,
/// text, SMS, push) get them as they are.
/// </summary>
public sealed class MessageTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly TextEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);
    private readonly IReadOnlyList<(string Field, IFluidTemplate Template)> _templates;
    private readonly TemplateOptions _options;
    private readonly RenderBudget _budget;
    private readonly StringWriter _text = new();
    private readonly BudgetWriter _writer;
    private readonly Dictionary<string, object?> _variables;
    private readonly Dictionary<string, object?> _campaign;

    public MessageTemplates(ChannelActivity activity, string campaignName, IReadOnlyDictionary<string, object?> variables, RenderLimits? limits = null)
    {
        _templates = activity.Templates
            .Select(t => (t.Field, Parser.TryParse(t.Template, out var parsed, out var error)
                ? BoundedLiquid.Bound(parsed)
                : throw new InvalidOperationException($"template {t.Field} of '{activity.Id}' does not parse: {error}")))
            .ToList();
        _budget = new RenderBudget(limits ?? RenderLimits.Default);
        _options = BoundedLiquid.Options(_budget.Limits);
        _writer = new BudgetWriter(_text, _budget);
        _variables = variables.ToDictionary(v => v.Key, v => v.Value);
        _campaign = new Dictionary<string, object?> { ["name"] = campaignName };
    }

    /// <summary>The rendered fields for the profile at <paramref name="row"/> of <paramref name="batch"/>, or the reason rendering failed.</summary>
    /// <exception cref="OperationCanceledException">The activity stopped while the message rendered.</exception>
    public (IReadOnlyList<KeyValuePair<string, string>>? Content, string? Error) Render(ProfileBatch batch, int row, CancellationToken cancellationToken = default)
    {
        _budget.Start(cancellationToken);
        var context = BoundedLiquid.Context(_options, _budget);
        context.SetValue("vars", _variables);
        context.SetValue("campaign", _campaign);
        try
        {
            for (var c = 0; c < batch.Columns.Count; c++)
                context.SetValue(batch.Columns[c].Name, batch.Columns[c].Values[row]);
            var content = new KeyValuePair<string, string>[_templates.Count];
            for (var i = 0; i < content.Length; i++)
            {
                var text = _text.GetStringBuilder().Clear();
                // Templates call no asynchronous filter, so rendering completes synchronously.
                _templates[i].Template.RenderAsync(_writer, _templates[i].Field == "html" ? Html : NullEncoder.Default, context).GetAwaiter().GetResult();
                content[i] = new KeyValuePair<string, string>(_templates[i].Field, text.ToString());
            }
            return (content, null);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("The maximum", StringComparison.Ordinal))
        {
            // Fluid names its step limit "the maximum level of recursion"; a message template has no recursion (no include).
            return (null, $"the template ran more than {_budget.Limits.MaxSteps:N0} steps (tags and loop iterations)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever one profile's values make a template do (divide by zero, overflow a number, pass a limit) fails
            // that message only; Fluid throws many kinds for them.
            return (null, e.Message);
        }
        finally
        {
            _text.GetStringBuilder().Clear();
        }
    }
}
