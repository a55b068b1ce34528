using System.Text;

namespace ActorCampaigns.Channels.Templates;

/// <summary>A writer that spends from the message's <see cref="RenderBudget"/> for each character written to <paramref name="inner"/>.</summary>
internal sealed class BudgetWriter(TextWriter inner, RenderBudget budget) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        budget.Spend(1);
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        budget.Spend(value?.Length ?? 0);
        inner.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        budget.Spend(count);
        inner.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        budget.Spend(buffer.Length);
        inner.Write(buffer);
    }

    // Rendering writes synchronously into memory: the asynchronous forms need no thread of their own.
    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }
}
