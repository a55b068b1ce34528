namespace ActorCampaigns.Node;

/// <summary>Settings of a node (section <c>ActorCampaigns</c>; <c>--data-dir</c>, <c>ActorCampaigns__DataDir</c>...).</summary>
public sealed class NodeOptions
{
    public const string Section = "ActorCampaigns";

    /// <summary>SQLite files, outbox and logs of a one-node cluster.</summary>
    public string DataDir { get; set; } = "./data";

    /// <summary>
    /// A PostgreSQL connection string: journal, snapshots, profiles, worktables, ledger, feedback and the outbox go
    /// there, shared by the nodes of a cluster. None: SQLite files under <see cref="DataDir"/> (one node).
    /// </summary>
    public string? Postgres { get; set; }

    /// <summary>The name of this process's database sessions on a cluster's PostgreSQL, new at each start; never configured.</summary>
    public string? SessionName { get; set; }

    /// <summary>How this node finds and joins its cluster.</summary>
    public ClusterSettings Cluster { get; set; } = new();

    /// <summary>
    /// Executions this node runs at once; more wait their turn. Each holds database connections while its activities
    /// stream (PostgreSQL: see <see cref="ConnectionsPerExecution"/>).
    /// </summary>
    public int MaxRunningExecutions { get; set; } = 8;

    /// <summary>
    /// Connections a running execution holds at its peak: one per audience being read, two per activity reading
    /// profile attributes (deduplicate, enrich, each channel: the next batch is read while this one is worked on), one
    /// per batch being written (worktables, ledger, outbox rows). Measured, not a ceiling: ten campaigns of the benchmark
    /// canvas at once on one node (eight running) held 69 connections to PostgreSQL (`bench cluster --nodes 1`, counting
    /// the server's client backends), one alone 14; a canvas with more channels streaming at once holds more.
    /// </summary>
    public const int ConnectionsPerExecution = 8;

    /// <summary>Connections the node holds besides its executions: journal, feedback writer, index, requests, retention (its lock and a statement).</summary>
    public const int ConnectionsOfTheNode = 8;

    /// <summary>Why <see cref="Postgres"/>'s pool cannot serve <see cref="MaxRunningExecutions"/> executions at once, or null.</summary>
    public string? WhyPoolTooSmall()
    {
        if (Postgres is null || !Cluster.RolesTaken.Contains("campaign"))
            return null;
        var pool = new Npgsql.NpgsqlConnectionStringBuilder(Postgres).MaxPoolSize;
        var needed = ConnectionsPerExecution * MaxRunningExecutions + ConnectionsOfTheNode;
        return pool >= needed ? null
            : $"ActorCampaigns:Postgres allows {pool} connections (Maximum Pool Size), and a node running {MaxRunningExecutions} executions at once " +
              $"(ActorCampaigns:MaxRunningExecutions) needs {needed}: each execution holds up to {ConnectionsPerExecution} at its peak (one per audience " +
              $"being read, two per activity reading profile attributes, one per batch being written) and the node {ConnectionsOfTheNode} more; " +
              "raise the pool or lower MaxRunningExecutions";
    }

    /// <summary>Profiles per batch as populations flow between activities.</summary>
    public int BatchSize { get; set; } = 10_000;

    /// <summary>Largest request body accepted, in bytes (CSV imports included).</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bearer keys accepted on /api/*; none configured means the API is open (one machine, loopback).</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Bearer keys accepted on /operator/* (acctl) and on /api/*. None configured: the operator endpoint answers
    /// requests from this machine only (loopback).
    /// </summary>
    public List<string> OperatorKeys { get; set; } = [];

    /// <summary>With <c>--demo</c> on an empty data dir, how many sample profiles are generated.</summary>
    public long DemoProfiles { get; set; } = 200_000;

    /// <summary>Lets <c>POST /testing/clock/advance</c> move this node's time forward (end-to-end tests; never in production).</summary>
    public bool ClockControl { get; set; }

    /// <summary>Akka.Remote port of this node; 0 takes a free one (a one-node cluster only: seeds need a known port).</summary>
    public int RemotingPort { get; set; }

    /// <summary>Where emails go: <c>outbox</c> (a JSON line each under the data dir) or <c>smtp</c> (the relay of <see cref="Smtp"/>).</summary>
    public string EmailProvider { get; set; } = "outbox";

    public ActorCampaigns.Channels.Smtp.SmtpOptions Smtp { get; set; } = new();

    /// <summary>Where SMS go: <c>outbox</c>, or <c>webhook</c> (posted to <see cref="SmsWebhook"/>).</summary>
    public string SmsProvider { get; set; } = "outbox";

    public ActorCampaigns.Channels.Webhook.WebhookOptions SmsWebhook { get; set; } = new();

    /// <summary>Where push notifications go: <c>outbox</c>, or <c>webhook</c> (posted to <see cref="PushWebhook"/>).</summary>
    public string PushProvider { get; set; } = "outbox";

    public ActorCampaigns.Channels.Webhook.WebhookOptions PushWebhook { get; set; } = new();

    /// <summary>
    /// Where webhook alerts go (the alert activity's, a campaign's error notifications): <c>outbox</c> (a line of the alert
    /// channel for a relay to post), or <c>webhook</c>: the node posts each to its URL, with <see cref="AlertWebhook"/>'s retries.
    /// </summary>
    public string AlertProvider { get; set; } = "outbox";

    /// <summary>How alerts are posted (attempts, timeouts, outage); the URL is each alert's own.</summary>
    /// <remarks>No outage wait by default, two tries of at most 5 s: an alert its URL's host does not take is noted soon, holding little.</remarks>
    public ActorCampaigns.Channels.Webhook.WebhookOptions AlertWebhook { get; set; } = new() { OutageSeconds = 0, Attempts = 2, TimeoutSeconds = 5 };

    /// <summary>
    /// The hosts the node posts alerts to (<c>hooks.slack.com</c>...), required with <see cref="AlertProvider"/>
    /// <c>webhook</c>: a campaign's author names the URL, and the node would post wherever they say, its own network included.
    /// </summary>
    public string[] AlertHosts { get; set; } = [];

    /// <summary>At most this many marketing messages per profile per channel within <see cref="FrequencyCapDays"/>; none: no cap.</summary>
    public int? FrequencyCapMessages { get; set; }

    public int FrequencyCapDays { get; set; } = 7;

    /// <summary>
    /// The share of all profiles kept from every marketing message (section <c>ActorCampaigns:GlobalControlGroup</c>):
    /// <c>Percent</c> (0: none) and the <c>Seed</c> of the hash that picks them. Every node of a cluster needs the same.
    /// </summary>
    public GlobalControlGroupOptions GlobalControlGroup { get; set; } = new();

    /// <summary>Proofs (section <c>ActorCampaigns:Proofs</c>).</summary>
    public ProofOptions Proofs { get; set; } = new();

    /// <summary>Approvals of large publishes (section <c>ActorCampaigns:Approvals</c>).</summary>
    public ApprovalOptions Approvals { get; set; } = new();

    /// <summary>
    /// The providers' quotas by channel (section <c>ActorCampaigns:Providers:Email</c>, <c>:Sms</c>, <c>:Push</c>):
    /// <c>Quota=50000/PT1H</c>, at most that many messages within any hour, counted in the database for every campaign
    /// and every member. Every node of a cluster needs the same.
    /// </summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The node's time zone (IANA, default UTC): a channel's <c>sendAt</c> reads each recipient's local time in their
    /// <c>timezone</c> attribute, and in this zone when it is empty or names no zone. Every node of a cluster needs the same.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Quiet hours by channel (section <c>ActorCampaigns:QuietHours:Sms</c>, <c>:Email</c>, <c>:Push</c>): <c>From</c>
    /// and <c>To</c> (HH:mm, past midnight when From is later), <c>Action</c> (<c>hold</c>: marketing messages wait for
    /// them to end; <c>drop</c>: they are excluded as <c>quietHours</c>) and <c>TimeZone</c> (IANA, default UTC).
    /// Transactional messages pass; an activity may set its own.
    /// </summary>
    public Dictionary<string, QuietHoursOptions> QuietHours { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tracking of opens, clicks and unsubscribes in emails.</summary>
    public TrackingOptions Tracking { get; set; } = new();

    /// <summary>What rendering one message may cost (section <c>ActorCampaigns:Rendering</c>).</summary>
    public ActorCampaigns.Channels.Templates.RenderLimits Rendering { get; set; } = new();

    /// <summary>How long what ended executions leave behind is kept (section <c>ActorCampaigns:Retention</c>).</summary>
    public Retention.RetentionOptions Retention { get; set; } = new();

    /// <summary>Files loadFile activities read (section <c>ActorCampaigns:Files</c>).</summary>
    public CampaignFileOptions Files { get; set; } = new();

    /// <summary>
    /// Whether the node keeps metrics: its instruments, ASP.NET Core's, HTTP clients' and the runtime's, served at
    /// <c>/metrics</c> (Prometheus text; guarded as <c>/operator</c> is) and exported by OTLP when <see cref="Otlp"/> names an endpoint.
    /// </summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Where metrics are pushed by OTLP besides <c>/metrics</c> (section <c>ActorCampaigns:Otlp</c>).</summary>
    public OtlpOptions Otlp { get; set; } = new();
}

/// <summary>An OpenTelemetry collector to export to (section <c>ActorCampaigns:Otlp</c>).</summary>
public sealed class OtlpOptions
{
    /// <summary>The collector's OTLP endpoint, such as <c>http://collector:4317</c> (gRPC) or <c>http://collector:4318</c> with <c>Protocol</c> http; none: no export.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (the default) or <c>http</c> (HTTP/protobuf).</summary>
    public string Protocol { get; set; } = "grpc";
}

/// <summary>Settings of the files campaigns load (section <c>ActorCampaigns:Files</c>).</summary>
public sealed class CampaignFileOptions
{
    /// <summary>Where a loadFile's <c>path</c> is read from; default <c>files</c> under the data dir. Nothing outside it is read.</summary>
    public string? Folder { get; set; }

    /// <summary>The largest file a campaign may have attached (<c>PUT /api/campaigns/{id}/files/{name}</c>), in bytes.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>Settings of tracking (section <c>ActorCampaigns:Tracking</c>).</summary>
public sealed class TrackingOptions
{
    /// <summary>Where people's mail clients reach this node's <c>/t/*</c> endpoints; by default the first of its URLs.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Signing keys by id, base64, 32 bytes or more. Rotate by adding a key and making it current; remove the old one
    /// once its tokens may expire. None: the node generates one, kept in its database (shared by a cluster).
    /// </summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The key new tokens are signed with (required when several keys are given).</summary>
    public string? CurrentKey { get; set; }

    /// <summary>How long after sending a tracking URL still works.</summary>
    public int TokenLifetimeDays { get; set; } = 365;

    /// <summary>An open this soon after its message was sent is a machine's (a gateway or proxy fetching the pixel on receipt); 0 turns this off.</summary>
    public double MachineOpenSeconds { get; set; } = 2;

    /// <summary>
    /// User agents whose opens are a machine's (<c>*</c> for any characters, "" for none sent); none given:
    /// <see cref="Channels.Tracking.MachineAgents.Known"/>. Giving a list replaces those.
    /// </summary>
    public List<string>? MachineUserAgents { get; set; }
}

/// <summary>Settings of cluster membership (section <c>ActorCampaigns:Cluster</c>).</summary>
public sealed class ClusterSettings
{
    /// <summary>The address other nodes reach this one at (Akka.Remote), with <see cref="NodeOptions.RemotingPort"/>.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>
    /// Seed nodes, as <c>akka.tcp://actorcampaigns@host:port</c>; the first seed starts the cluster, the others join
    /// the first they reach. None: a one-node cluster that joins itself.
    /// </summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>
    /// This node's roles: <c>campaign</c> hosts campaign shards, <c>gateway</c> serves HTTP through a region proxy.
    /// A node with both does both; none given means both. (Empty by default: configuration binding adds to a list.)
    /// </summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>The roles this node takes: those given, or both.</summary>
    public IReadOnlyList<string> RolesTaken => Roles.Count > 0 ? Roles : ["campaign", "gateway"];

    /// <summary>
    /// How long the cluster's view must stay unchanged, with a member unreachable, before the split-brain resolver
    /// downs the minority side (keep-majority) and its campaigns move to the others.
    /// </summary>
    public int DownUnreachableAfterSeconds { get; set; } = 20;
}

public sealed class ProofOptions
{
    /// <summary>
    /// The addresses proofs may go to (<c>qa@example.com</c>) or their domains (<c>@example.com</c>); none: any address
    /// an API key names.
    /// </summary>
    public List<string> Seeds { get; set; } = [];
}

public sealed class ApprovalOptions
{
    /// <summary>
    /// Above this many estimated messages, publishing a one-shot campaign needs an approval by another API key than
    /// the one publishing (<c>POST /api/campaigns/{id}/approve</c>); none: no approvals.
    /// </summary>
    public long? AudienceThreshold { get; set; }
}

public sealed class ProviderOptions
{
    /// <summary>At most so many messages within a rolling window: <c>50000/PT1H</c>; none: no quota.</summary>
    public string? Quota { get; set; }
}

public sealed class QuietHoursOptions
{
    public string? From { get; set; }

    public string? To { get; set; }

    public string Action { get; set; } = "hold";

    public string TimeZone { get; set; } = "UTC";

    /// <summary>The quiet hours of channel <paramref name="channel"/>, or the setting that is wrong and why.</summary>
    public Engine.Activities.Channel.QuietWindow Window(string channel)
    {
        var at = $"ActorCampaigns:QuietHours:{channel}";
        if (!Domain.Time.QuietHours.TryParseTime(From ?? "", out var from, out var fromError))
            throw new InvalidOperationException($"{at}:From: {fromError}");
        if (!Domain.Time.QuietHours.TryParseTime(To ?? "", out var to, out var toError))
            throw new InvalidOperationException($"{at}:To: {toError}");
        if (Domain.Time.QuietHours.Problem(from, to) is { } problem)
            throw new InvalidOperationException($"{at}: {problem}");
        var action = Action.ToLowerInvariant() switch
        {
            "hold" => Domain.Time.QuietAction.Hold,
            "drop" => Domain.Time.QuietAction.Drop,
            _ => throw new InvalidOperationException($"{at}:Action: '{Action}' is not hold or drop"),
        };
        return new Engine.Activities.Channel.QuietWindow(new Domain.Time.QuietHours(from, to, action), Zone($"{at}:TimeZone", TimeZone));
    }

    /// <summary>The time zone a setting at <paramref name="at"/> names, or the setting that is wrong.</summary>
    public static TimeZoneInfo Zone(string at, string name) => TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone
        : throw new InvalidOperationException($"{at}: '{name}' is not a known IANA time zone such as Europe/Paris");
}

public sealed class GlobalControlGroupOptions
{
    /// <summary>Percent of all profiles in the group, 0 to 50; 0: no group.</summary>
    public double Percent { get; set; }

    /// <summary>The key of the hash that picks the group: change it and the group is another one.</summary>
    public int Seed { get; set; } = 1_964_117;
}
