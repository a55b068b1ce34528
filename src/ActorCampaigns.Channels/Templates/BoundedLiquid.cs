using System.Text.Encodings.Web;
using ActorCampaigns.Domain.Templates;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace ActorCampaigns.Channels.Templates;

/// <summary>
/// Liquid held to a <see cref="RenderBudget"/>. Fluid counts steps but lets a range <c>(1..100000000)</c> become an
/// array before the first step, a capture write into a buffer of its own, and a filter such as <c>append</c> double a
/// string at each step: templates are rewritten so ranges check their size and captures spend from the budget, and
/// every filter spends the length of what it returns.
/// </summary>
internal static class BoundedLiquid
{
    private const string BudgetKey = "ActorCampaigns.RenderBudget";

    /// <summary>Options whose filters spend from the budget of the context they run in.</summary>
    public static TemplateOptions Options(RenderLimits limits)
    {
        var options = new TemplateOptions { MaxSteps = limits.MaxSteps };
        foreach (var (name, filter) in options.Filters.ToList())
            options.Filters.AddFilter(name, (input, arguments, context) =>
            {
                var result = filter(input, arguments, context);
                return result.IsCompletedSuccessfully ? new ValueTask<FluidValue>(Spent(result.Result, context)) : SpentAsync(result, context);
            });
        return options;
    }

    private static FluidValue Spent(FluidValue result, TemplateContext context)
    {
        BudgetOf(context).Spend(result switch
        {
            StringValue text => text.ToStringValue().Length,
            ArrayValue array => array.Values.Count,
            _ => 0,
        });
        return result;
    }

    private static async ValueTask<FluidValue> SpentAsync(ValueTask<FluidValue> result, TemplateContext context) => Spent(await result, context);

    /// <summary>A context for one message, spending from <paramref name="budget"/>.</summary>
    public static TemplateContext Context(TemplateOptions options, RenderBudget budget)
    {
        var context = new TemplateContext(options);
        context.AmbientValues[BudgetKey] = budget;
        return context;
    }

    /// <summary><paramref name="template"/> with its ranges and captures bounded.</summary>
    public static IFluidTemplate Bound(IFluidTemplate template) => new Rewriter().VisitTemplate(template);

    private static RenderBudget BudgetOf(TemplateContext context) => (RenderBudget)context.AmbientValues[BudgetKey];

    private sealed class Rewriter : AstRewriter
    {
        protected override Expression VisitRangeExpression(RangeExpression range) => new BoundedRange((RangeExpression)base.VisitRangeExpression(range));

        protected override Statement VisitCaptureStatement(CaptureStatement capture)
        {
            var visited = (CaptureStatement)base.VisitCaptureStatement(capture);
            return new CaptureStatement(visited.Identifier, visited.Statements.Select(s => (Statement)new Spending(s)).ToList());
        }
    }

    /// <summary>A range that refuses to hold more than <see cref="TemplateLimits.MaxRangeItems"/> items.</summary>
    private sealed class BoundedRange(RangeExpression range) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var (from, to) = ((await range.From.EvaluateAsync(context)).ToNumberValue(), (await range.To.EvaluateAsync(context)).ToNumberValue());
            if (to - from + 1 > TemplateLimits.MaxRangeItems)
                throw new RenderLimitExceeded($"the range ({from}..{to}) has more than {TemplateLimits.MaxRangeItems:N0} items");
            BudgetOf(context).Check();
            return await range.EvaluateAsync(context);
        }
    }

    /// <summary>A statement inside a capture, whose writes spend from the budget like the message's own.</summary>
    private sealed class Spending(Statement statement) : Statement
    {
        public override ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context) =>
            statement.WriteToAsync(new BudgetWriter(writer, BudgetOf(context)), encoder, context);
    }
}
