using System.Runtime.CompilerServices;
using ActorCampaigns.Data.Entities;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// An entity's rows as a channel sends them, one message per row: each batch of rows is read with its link and the
/// columns the templates name, then the profiles it links to (each once, in one read), and comes out as the rows'
/// ids with their profile's attributes, the row's columns as one value, <see cref="Row"/> (<c>entity.amount</c> in a
/// template), and the profile's id, <see cref="Profile"/>. A row linking to no profile (or to one not imported) has no values: it has no address.
/// </summary>
public static class EntityRecipients
{
    /// <summary>The column of each row's profile id (null when it links to none).</summary>
    public const string Profile = "@profile";

    /// <summary>The column of each row's own columns, by name: what templates read as <c>entity.*</c>.</summary>
    public const string Row = "entity";

    public static async IAsyncEnumerable<ProfileBatch> ReadAsync(ProfileStore profiles, Entity entity, IAsyncEnumerable<long[]> rows,
        IReadOnlyList<string> profileColumns, IReadOnlyList<string> rowColumns, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in entity.Rows.ReadColumnsAsync(rows, rowColumns.Append(entity.Link).Distinct().ToList(), cancellationToken))
        {
            var links = batch.ValuesOf(entity.Link);
            var linked = links.OfType<long>().Distinct().Order().ToArray();
            ProfileBatch? read = null;
            if (linked.Length > 0)
            {
                // One batch of ids in, the same ids out, in order.
                await foreach (var part in profiles.ReadColumnsAsync(One(linked), profileColumns, cancellationToken))
                    read = part;
            }
            var at = links.Select(link => link is long profile ? Array.BinarySearch(linked, profile) : -1).ToArray();
            var columns = profileColumns.Select(name => read?.Column(name) is { } column
                ? column with { Values = at.Select(i => i >= 0 ? column.Values[i] : null).ToArray() }
                : new PopulationColumn(name, ExprType.Null, new object?[batch.Count])).ToList();
            columns.Add(new PopulationColumn(Profile, ExprType.Int, links.Select(link => link as long? is { } profile ? (object)profile : null).ToArray()));
            var own = rowColumns.Select(batch.ValuesOf).ToArray();
            columns.Add(new PopulationColumn(Row, ExprType.Null, Enumerable.Range(0, batch.Count)
                .Select(row => (object?)rowColumns.Select((name, c) => KeyValuePair.Create(name, own[c][row])).ToDictionary()).ToArray()));
            yield return new ProfileBatch(batch.Ids, columns);
        }
    }

    private static async IAsyncEnumerable<long[]> One(long[] ids)
    {
        await Task.CompletedTask;
        yield return ids;
    }
}
