namespace ActorCampaigns.Data.Profiles;

/// <summary>A line of a CSV file that was not imported, and why.</summary>
public sealed record RejectedLine(long Line, string Reason);

/// <summary>
/// The outcome of an import. <see cref="Errors"/> keeps the first <see cref="ProfileImport.MaxReportedErrors"/>
/// rejected lines; <see cref="Rejected"/> counts them all.
/// </summary>
public sealed record ImportSummary(long Imported, long Updated, long Rejected, IReadOnlyList<RejectedLine> Errors, TimeSpan Elapsed)
{
    public long Accepted => Imported + Updated;
}

/// <summary>Progress of a running import, reported every batch.</summary>
public sealed record ImportProgress(long Lines, long Imported, long Updated, long Rejected, TimeSpan Elapsed);

/// <summary>The whole file was refused before any row was written, e.g. for a bad header.</summary>
public sealed class ImportRefusedException(string message) : Exception(message);

/// <summary>
/// A write failed part-way (the disk filled up, say): the batches in <see cref="Committed"/> are stored, the one being
/// written and those after it are not. Importing the file again completes it, updating what was committed.
/// </summary>
public sealed class ImportInterruptedException(ImportSummary committed, Exception cause)
    : Exception($"the import stopped after {committed.Accepted} profiles: {cause.Message}", cause)
{
    public ImportSummary Committed { get; } = committed;
}
