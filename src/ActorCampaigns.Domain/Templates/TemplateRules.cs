using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace ActorCampaigns.Domain.Templates;

/// <summary>
/// What a parsed template may not do, found before it runs: read other files (<c>include</c>, <c>render</c>: a message
/// template stands alone, and a node has no template folder) or loop over a range longer than
/// <see cref="TemplateLimits.MaxRangeItems"/> written with numbers.
/// </summary>
public static class TemplateRules
{
    /// <summary>Every rule <paramref name="template"/> breaks, each a sentence.</summary>
    public static IReadOnlyList<string> Broken(IFluidTemplate template)
    {
        var visitor = new Visitor();
        visitor.VisitTemplate(template);
        return visitor.Broken;
    }

    private sealed class Visitor : AstVisitor
    {
        public List<string> Broken { get; } = [];

        protected override Statement VisitIncludeStatement(IncludeStatement include) =>
            Refuse("include", include);

        protected override Statement VisitRenderStatement(RenderStatement render) =>
            Refuse("render", render);

        protected override Expression VisitRangeExpression(RangeExpression range)
        {
            if (range is { From: LiteralExpression { Value: NumberValue from }, To: LiteralExpression { Value: NumberValue to } }
                && to.ToNumberValue() - from.ToNumberValue() + 1 > TemplateLimits.MaxRangeItems)
                Broken.Add($"the range ({from.ToNumberValue()}..{to.ToNumberValue()}) has more than {TemplateLimits.MaxRangeItems:N0} items");
            return base.VisitRangeExpression(range);
        }

        private Statement Refuse(string tag, Statement statement)
        {
            Broken.Add($"'{{% {tag} %}}' is not supported: a message template cannot read other files");
            return statement;
        }
    }
}
