using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Data.Profiles;

/// <summary>
/// Where a <see cref="ProfileStore"/> keeps its rows: the profiles, or the rows of an entity a campaign can target
/// (bookings, subscriptions), each table with the catalogue of the columns imports declared and the record of its
/// import runs. An entity's rows have an id and the columns of their imports, one of which links each to a profile.
/// </summary>
/// <param name="Link">An entity's column holding each row's profile id (null for profiles, or before the entity is declared).</param>
public sealed record StoredTable(string Name, string Columns, string Imports, ProfileSchema Core, string? Link = null)
{
    public static readonly StoredTable Profiles = new("profiles", "profile_attributes", "profile_imports", ProfileSchema.Core);

    /// <summary>
    /// An entity's tables; <paramref name="entity"/> is a name <see cref="ProfileSchema.IsEntityName"/> accepts. The rows'
    /// table is <c>entity_{name}</c>, its catalogues <c>entitycolumns_{name}</c> and <c>entityimports_{name}</c>: no
    /// entity's name makes another's table name (an entity called <c>x_columns</c> next to <c>x</c> would, with suffixes).
    /// </summary>
    public static StoredTable Entity(string entity, string? link = null) => ProfileSchema.IsEntityName(entity)
        ? new($"entity_{entity}", $"entitycolumns_{entity}", $"entityimports_{entity}", ProfileSchema.EntityCore, link)
        : throw new ArgumentException($"'{entity}' is not an entity name", nameof(entity));

    public bool IsProfiles => Name == Profiles.Name;

    /// <summary>What one row is called in messages: "profiles", "bookings".</summary>
    public string Rows => IsProfiles ? "profiles" : Name["entity_".Length..];
}
