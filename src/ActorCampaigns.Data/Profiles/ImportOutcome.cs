namespace ActorCampaigns.Data.Profiles;

/// <summary>What happened to one row written by an import.</summary>
public enum ImportOutcome
{
    Inserted,
    Updated,

    /// <summary>The same id was already written earlier in this same file.</summary>
    DuplicateInFile,
}

/// <summary>Writes the rows of one import run, a batch per transaction.</summary>
public interface IImportWriter : IAsyncDisposable
{
    Task<ImportOutcome[]> WriteAsync(IReadOnlyList<ProfileRow> rows, CancellationToken cancellationToken);
}
