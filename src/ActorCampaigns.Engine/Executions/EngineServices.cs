using ActorCampaigns.Data.Entities;
using ActorCampaigns.Channels.Outbox;
using ActorCampaigns.Channels;
using ActorCampaigns.Channels.Templates;
using ActorCampaigns.Engine.Activities.Channel;
using ActorCampaigns.Channels.Tracking;
using ActorCampaigns.Data.Conversions;
using ActorCampaigns.Data.Experiments;
using ActorCampaigns.Data.Files;
using ActorCampaigns.Data.Feedback;
using ActorCampaigns.Data;
using ActorCampaigns.Data.Audiences;
using ActorCampaigns.Data.Campaigns;
using ActorCampaigns.Data.Deliveries;
using ActorCampaigns.Data.Populations;
using ActorCampaigns.Data.Profiles;

using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// What activities run against on this node: the stores, the outbox, the clock, the batch size, and the tracking
/// emails get (none: their links stay as written, without an open pixel) and the providers that send one by one, by
/// channel (SMTP for email, webhooks for SMS and push; a channel without one goes to the outbox).
/// </summary>
public sealed record EngineServices(
    ProfileStore Profiles,
    Worktables Worktables,
    Ledger Ledger,
    AudienceStore Audiences,
    FeedbackStore Feedback,
    OutboxProvider Outbox,
    TimeProvider Clock,
    int BatchSize = 10_000,
    LinkTracking? Tracking = null,
    IReadOnlyDictionary<string, IMessageSender>? Senders = null,
    FrequencyCap? Cap = null,
    ExecutionSlots.Settings? Slots = null,
    RenderLimits? Rendering = null,
    CampaignIndex? Index = null)
{
    public UnrecordedFailures Unrecorded { get; init; } = new();

    /// <summary>The node's quiet hours by channel (<c>email</c>, <c>sms</c>, <c>push</c>), for marketing messages.</summary>
    public IReadOnlyDictionary<string, QuietWindow> QuietHours { get; init; } = new Dictionary<string, QuietWindow>();

    /// <summary>The providers' quotas by channel (<c>email</c>, <c>sms</c>, <c>push</c>), shared by every campaign and member.</summary>
    public IReadOnlyDictionary<string, ProviderQuota> Quotas { get; init; } = new Dictionary<string, ProviderQuota>();

    /// <summary>Where the quotas are counted: the database every member shares.</summary>
    public ProviderQuotas QuotaCounter => _quotaCounter ??= new ProviderQuotas(Profiles.Database);

    private ProviderQuotas? _quotaCounter;

    /// <summary>The node's time zone: a channel's <c>sendAt</c> reads it for recipients whose <c>timezone</c> is empty or unknown.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>The profiles kept from every marketing message (excluded as <c>globalControl</c>); none: no such group.</summary>
    public GlobalControlGroup? GlobalControl { get; init; }

    /// <summary>Conversion events (what profiles did: purchases, sign-ups), in the profiles' database.</summary>
    public ConversionStore Conversions => _conversions ??= new ConversionStore(Profiles.Database);

    private ConversionStore? _conversions;

    /// <summary>The entities besides profiles (bookings…) campaigns can target, in the profiles' database.</summary>
    public EntityCatalog Entities => _entities ??= new EntityCatalog(Profiles.Database);

    private EntityCatalog? _entities;

    /// <summary>What incremental queries output before, in the profiles' database.</summary>
    public IncrementalRows Incremental => _incremental ??= new IncrementalRows(Profiles.Database);

    private IncrementalRows? _incremental;

    /// <summary>Files attached to campaigns, in the profiles' database (every member reads them).</summary>
    public CampaignFiles Files => _files ??= new CampaignFiles(Profiles.Database);

    private CampaignFiles? _files;

    /// <summary>The rows loadFile activities loaded, per execution, in the profiles' database.</summary>
    public LoadedFiles Loaded => _loaded ??= new LoadedFiles(Profiles.Database);

    private LoadedFiles? _loaded;

    /// <summary>What reconciliations matched, per execution, in the profiles' database.</summary>
    public Reconciliations Reconciliations => _reconciliations ??= new Reconciliations(Profiles.Database);

    private Reconciliations? _reconciliations;

    /// <summary>What changes of an entity's rows to profiles computed, per execution, in the profiles' database.</summary>
    public DimensionChanges Changes => _changes ??= new DimensionChanges(Profiles.Database);

    private DimensionChanges? _changes;

    /// <summary>Where loadFile activities read a <c>path</c> from; null: nowhere (such an activity fails, saying so).</summary>
    public string? FilesFolder { get; init; }

    /// <summary>What experiments measure (sends, feedback, conversions), in the profiles' database.</summary>
    public ExperimentOutcomes Experiments => _experiments ??= new ExperimentOutcomes(Profiles.Database);

    private ExperimentOutcomes? _experiments;

    /// <summary>When passivated campaigns are next due; none: a campaign with an occurrence ahead never passivates.</summary>
    public CampaignWakeups? Wakeups { get; init; }

    /// <summary>Opens every store on <paramref name="database"/>, creating the tables that are missing.</summary>
    public static async Task<EngineServices> OpenAsync(Database database, string outboxFolder, TimeProvider clock, int batchSize = 10_000,
        CancellationToken cancellationToken = default, LinkTracking? tracking = null,
        IReadOnlyDictionary<string, IMessageSender>? senders = null)
    {
        var profiles = ProfileStore.Open(database);
        var wakeups = new CampaignWakeups(database);
        var services = new EngineServices(profiles, new Worktables(database), new Ledger(database), new AudienceStore(database),
            new FeedbackStore(database), new OutboxProvider(outboxFolder), clock, batchSize, tracking, senders) { Wakeups = wakeups };
        await services.Profiles.InitializeAsync(cancellationToken);
        await services.Worktables.InitializeAsync(cancellationToken);
        await services.Ledger.InitializeAsync(cancellationToken);
        await services.QuotaCounter.InitializeAsync(cancellationToken);
        await services.Audiences.InitializeAsync(cancellationToken);
        await services.Feedback.InitializeAsync(cancellationToken);
        await services.Conversions.InitializeAsync(cancellationToken);
        await services.Entities.InitializeAsync(cancellationToken);
        await services.Incremental.InitializeAsync(cancellationToken);
        await services.Files.InitializeAsync(cancellationToken);
        await services.Loaded.InitializeAsync(cancellationToken);
        await services.Reconciliations.InitializeAsync(cancellationToken);
        await services.Changes.InitializeAsync(cancellationToken);
        await wakeups.InitializeAsync(cancellationToken);
        return services;
    }
}
