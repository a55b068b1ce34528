using Fluid;
using Fluid.Ast;

namespace ActorCampaigns.Domain.Templates;

/// <summary>A name a Liquid template reads from outside: <c>firstName</c>, or <c>vars.code</c> (root and member).</summary>
public readonly record struct TemplateName(string Root, string? Member)
{
    public override string ToString() => Member is null ? Root : $"{Root}.{Member}";
}

/// <summary>
/// The names a Liquid template reads that it does not define itself (by assign, capture, a loop or a counter):
/// what validation checks against the profile schema, and what a channel reads of each profile.
/// </summary>
public static class TemplateNames
{
    private static readonly FluidParser Parser = new();

    /// <summary>The template parsed, or why it does not parse.</summary>
    public static bool TryParse(string template, out IFluidTemplate parsed, out string error) =>
        Parser.TryParse(template, out parsed, out error);

    /// <summary>Every name <paramref name="template"/> reads from outside, in order of first use.</summary>
    public static IReadOnlyList<TemplateName> Free(IFluidTemplate template)
    {
        var collector = new Collector();
        collector.VisitTemplate(template);
        return collector.Read.Where(name => !collector.Defined.Contains(name.Root)).Distinct().ToList();
    }

    /// <summary>Every name the templates read from outside; a template that does not parse reads nothing.</summary>
    public static IReadOnlySet<string> Roots(IEnumerable<string> templates) =>
        templates.SelectMany(t => TryParse(t, out var parsed, out _) ? Free(parsed) : []).Select(n => n.Root).ToHashSet(StringComparer.Ordinal);

    /// <summary>The members the templates read of <paramref name="root"/> (<c>amount</c> of <c>entity.amount</c>), each once.</summary>
    public static IReadOnlyList<string> Members(IEnumerable<string> templates, string root) =>
        templates.SelectMany(t => TryParse(t, out var parsed, out _) ? Free(parsed) : []).Where(n => n.Root == root && n.Member is not null)
            .Select(n => n.Member!).Distinct().ToList();

    private sealed class Collector : AstVisitor
    {
        public List<TemplateName> Read { get; } = [];

        public HashSet<string> Defined { get; } = new(StringComparer.Ordinal) { "forloop", "tablerowloop" };

        protected override Expression VisitMemberExpression(MemberExpression member)
        {
            if (member.Segments is [IdentifierSegment root, ..])
                Read.Add(new TemplateName(root.Identifier, member.Segments.Count > 1 && member.Segments[1] is IdentifierSegment next ? next.Identifier : null));
            return base.VisitMemberExpression(member);
        }

        protected override Statement VisitAssignStatement(AssignStatement assign) => Define(assign.Identifier, base.VisitAssignStatement(assign));

        protected override Statement VisitCaptureStatement(CaptureStatement capture) => Define(capture.Identifier, base.VisitCaptureStatement(capture));

        protected override Statement VisitForStatement(ForStatement loop) => Define(loop.Identifier, base.VisitForStatement(loop));

        protected override Statement VisitTableRowStatement(TableRowStatement loop) => Define(loop.Identifier, base.VisitTableRowStatement(loop));

        protected override Statement VisitIncrementStatement(IncrementStatement counter) => Define(counter.Identifier, base.VisitIncrementStatement(counter));

        protected override Statement VisitDecrementStatement(DecrementStatement counter) => Define(counter.Identifier, base.VisitDecrementStatement(counter));

        private Statement Define(string name, Statement statement)
        {
            Defined.Add(name);
            return statement;
        }
    }
}
