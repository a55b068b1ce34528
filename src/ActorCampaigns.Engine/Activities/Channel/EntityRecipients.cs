using System.Runtime.CompilerServices;
using ActorCampaigns.Data.Entities;
using ActorCampaigns.Data.Profiles;
using ActorCampaigns.Domain.Expressions;
using ActorCampaigns.Domain.Populations;

namespace ActorCampaigns.Engine.Activities.Channel;

/// <summary>
/// An entity's rows as a channel sends them, one message per row: each batch of rows is read with its link and the
/// columns the templates name, then the profiles it links to (each once), and comes out as the rows' ids with their
/// profile's attributes, the row's columns as one value, <see cref="Row"/> (<c>entity.amount</c> in a template), and
/// the profile's id, <see cref="Profile"/>. The profiles of all batches are read as one population, so the profile
/// store decides once how to read them (by list: a batch of bookings links to profiles all over the base) and reads
/// the next batch's while this one is rendered. A row linking to no profile (or to one not imported) has no values:
/// it has no address.
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
        // The batches of rows read so far, each with the profiles it links to (ascending, each once), in order: the
        // profile store hands back one batch of profiles per batch asked, in the same order. A batch linking to no
        // profile asks for an id no profile has, so that every batch of rows has its batch of profiles.
        var pending = new Queue<(ProfileBatch Rows, long[] Linked)>();
        async IAsyncEnumerable<long[]> Linked()
        {
            await foreach (var batch in entity.Rows.ReadColumnsAsync(rows, rowColumns.Append(entity.Link).Distinct().ToList(), cancellationToken))
            {
                var linked = batch.ValuesOf(entity.Link).OfType<long>().Distinct().Order().ToArray();
                pending.Enqueue((batch, linked));
                yield return linked.Length > 0 ? linked : NoProfile;
            }
        }
        await foreach (var read in profiles.ReadColumnsAsync(Linked(), profileColumns, cancellationToken))
            yield return Combine(pending.Dequeue(), read, profileColumns, rowColumns, entity.Link);
    }

    /// <summary>An id no profile has (the lowest number there is): what a batch of rows linking to none asks for.</summary>
    private static readonly long[] NoProfile = [long.MinValue];

    private static ProfileBatch Combine((ProfileBatch Rows, long[] Linked) batch, ProfileBatch read, IReadOnlyList<string> profileColumns,
        IReadOnlyList<string> rowColumns, string link)
    {
        var (rows, linked) = batch;
        var links = rows.ValuesOf(link);
        var at = links.Select(l => l is long profile ? Array.BinarySearch(linked, profile) : -1).ToArray();
        var columns = profileColumns.Select(name => read.Column(name)!).Select(column =>
            column with { Values = at.Select(i => i >= 0 ? column.Values[i] : null).ToArray() }).ToList();
        columns.Add(new PopulationColumn(Profile, ExprType.Int, links));
        var own = rowColumns.Select(rows.ValuesOf).ToArray();
        columns.Add(new PopulationColumn(Row, ExprType.Null, Enumerable.Range(0, rows.Count)
            .Select(row => (object?)rowColumns.Select((name, c) => KeyValuePair.Create(name, own[c][row])).ToDictionary()).ToArray()));
        return new ProfileBatch(rows.Ids, columns);
    }
}
