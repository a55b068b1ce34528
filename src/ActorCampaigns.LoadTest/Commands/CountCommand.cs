using System.Diagnostics;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;

namespace ActorCampaigns.LoadTest.Commands;

/// <summary><c>count --filter EXPRESSION [--data-dir DIR | --postgres CONNECTION]</c>: streams the audience and counts it.</summary>
public static class CountCommand
{
    public static async Task<int> RunAsync(Arguments args, TextWriter output, CancellationToken cancellationToken)
    {
        var filter = args.Text("filter") ?? "";
        var store = await Stores.OpenAsync(args, cancellationToken);
        args.RejectUnknown();
        var result = await CountAsync(store, filter, cancellationToken);
        output.WriteLine($"{result.Count:N0} profiles match \"{filter}\" (streamed in {result.Batches:N0} batches in {result.Elapsed.TotalSeconds:F2} s)");
        return 0;
    }

    public sealed record Audience(long Count, int Batches, TimeSpan Elapsed);

    /// <summary>Streams every matching id in batches, as a buildAudience activity will, and counts them.</summary>
    public static async Task<Audience> CountAsync(ProfileStore store, string filter, CancellationToken cancellationToken)
    {
        var (bound, error) = Expression.CheckFilter(filter, BindingScope.ForProfiles(await store.GetSchemaAsync(cancellationToken)));
        if (error is not null)
            throw new UsageException($"filter \"{filter}\": {error}");
        var clock = Stopwatch.StartNew();
        long count = 0;
        var batches = 0;
        await foreach (var batch in store.StreamAsync(new ProfileQuery(bound, EvaluationContext.At(DateTime.UtcNow), []), cancellationToken))
        {
            count += batch.Count;
            batches++;
        }
        return new Audience(count, batches, clock.Elapsed);
    }
}
