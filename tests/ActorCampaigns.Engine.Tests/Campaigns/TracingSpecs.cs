using System.Diagnostics;
using Activity = System.Diagnostics.Activity;
using ActorCampaigns.Data;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using ActorCampaigns.Engine.Campaigns;
using ActorCampaigns.Engine.Executions;
using ActorCampaigns.Engine.Hosting;
using ActorCampaigns.Engine.Telemetry;
using Akka.Actor;
using Akka.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;
using static ActorCampaigns.Engine.Campaigns.CampaignCommands;

namespace ActorCampaigns.Engine.Tests.Campaigns;

/// <summary>
/// Issue 22, point 2: one execution as a trace, built with OpenTelemetry's in-memory exporter: the execution's span under
/// the request that published it, a span per activity run with its counts, a span per email batch with the provider's
/// call. The execution runs in two partitions, as over two members: each partition's run joins the trace through the
/// message that assigns it.
/// </summary>
public sealed class TracingSpecs(ITestOutputHelper output) : Akka.Hosting.TestKit.TestKit(nameof(TracingSpecs), output), IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("actorcampaigns-traces-").FullName;
    private readonly List<Activity> _spans = [];
    private TracerProvider? _tracing;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private EngineServices CreateServices()
    {
        var services = EngineServices.OpenAsync(new SqliteDatabase(Path.Combine(_folder, "data.db")), Path.Combine(_folder, "outbox"), TimeProvider.System,
            batchSize: 7).GetAwaiter().GetResult();
        var csv = "id,email,country,emailOptIn\n" + string.Join("\n", Enumerable.Range(1, 60).Select(i =>
            $"{i * 3 + 100},{(i % 5 == 0 ? "" : $"p{i}@example.com")},{(i % 2 == 0 ? "FR" : "DE")},{i % 3 != 0}"));
        services.Profiles.ImportCsvAsync(new StringReader(csv)).GetAwaiter().GetResult();
        return services;
    }

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource(CampaignTracing.SourceName).AddInMemoryExporter(_spans).Build();
        builder.AddOneNodeCluster()
            .AddCampaignJournalOnSqlite(Path.Combine(_folder, "journal.db"))
            .AddCampaignEngine(new CampaignEngineOptions { TickInterval = TimeSpan.FromMilliseconds(50), Partitions = 2 }, CreateServices());
    }

    [Fact]
    public async Task An_execution_is_a_trace_of_its_activities_with_their_counts_and_of_its_email_batches_with_their_provider_calls()
    {
        var region = await ActorRegistry.GetAsync<CampaignRegion>(Cancel);
        var id = new CampaignId("c-traced");
        var document = CampaignValidator.Validate("""
            { "name": "Traced", "activities": [
                { "id": "fr", "type": "buildAudience", "filter": "country = 'FR'" },
                { "id": "split", "type": "split", "subsets": [ { "name": "first", "limit": { "count": 20 } } ], "complement": true },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Hi", "html": "<p>Hi</p>" } },
                { "id": "done", "type": "end" } ],
              "transitions": [ { "from": "fr", "to": "split" }, { "from": "split", "port": "first", "to": "mail" },
                               { "from": "split", "port": "complement", "to": "done" }, { "from": "mail", "to": "done" } ] }
            """, ProfileSchema.Core).Document!;
        await region.Ask<CampaignReplies.Accepted>(new Create(id, document), Timeout, Cancel);
        // The request that publishes: its span is the trace's root.
        var (trace, request) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        await region.Ask<CampaignReplies.Accepted>(new Publish(id, Trace: $"00-{trace.ToHexString()}-{request.ToHexString()}-01"), Timeout, Cancel);
        var done = await this.AwaitStateAsync(region, id, s => s.Status == CampaignStatus.Completed, Timeout, Cancel);
        _tracing!.ForceFlush();

        var spans = _spans.ToList().Where(s => s.TraceId == trace).ToList();
        var execution = Assert.Single(spans, s => s.OperationName == "campaign.execution");
        Assert.Equal((request, "c-traced", "e-1", "completed"), (execution.ParentSpanId, Tag(execution, "actorcampaigns.campaign.id"),
            Tag(execution, "actorcampaigns.execution.id"), Tag(execution, "actorcampaigns.execution.state")));
        Assert.Equal(done.Executions[0].Trace, execution.Id);

        // A span per activity run under the execution's (one per partition for those that run per partition), their
        // counts adding up to the campaign's.
        var runs = spans.Where(s => s.OperationName.StartsWith("campaign.activity ", StringComparison.Ordinal))
            .GroupBy(s => Tag(s, "actorcampaigns.activity.id")!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["done", "fr", "mail", "split"], runs.Keys.Order());
        foreach (var (activity, activitySpans) in runs)
        {
            var counts = done.Executions[0].Activities[activity].Counts;
            Assert.All(activitySpans, span => Assert.Equal((execution.SpanId, "completed"), (span.ParentSpanId, Tag(span, "actorcampaigns.activity.outcome"))));
            Assert.All(activitySpans, span => Assert.True(span.StartTimeUtc >= execution.StartTimeUtc
                && span.StartTimeUtc + span.Duration <= execution.StartTimeUtc + execution.Duration));
            Assert.Equal(counts.In, activitySpans.Sum(s => (long)s.GetTagItem("actorcampaigns.activity.in")!));
            foreach (var (port, count) in counts.Out)
                Assert.Equal(count, activitySpans.Sum(s => (long?)s.GetTagItem($"actorcampaigns.activity.out.{port}") ?? 0));
        }
        Assert.Equal(["0", "1"], runs["mail"].Select(s => Tag(s, "actorcampaigns.partition")).Order());
        Assert.Equal("campaign.activity split", runs["split"][0].OperationName);
        Assert.Equal(20, runs["split"].Sum(s => (long?)s.GetTagItem("actorcampaigns.activity.out.first") ?? 0));

        // The email's batches (7 profiles each) under its runs' spans, every message in one; each with its call to the outbox.
        var mails = runs["mail"].Select(s => s.SpanId).ToHashSet();
        var batches = spans.Where(s => s.OperationName == "campaign.batch" && mails.Contains(s.ParentSpanId)).ToList();
        var sent = done.Executions[0].Activities["mail"].Counts.Out["out"];
        Assert.True(sent > 7, $"{sent} emails: more than one batch");
        Assert.Equal(sent, batches.Sum(b => (long)(int)b.GetTagItem("actorcampaigns.batch.sent")!));
        Assert.All(batches, batch => Assert.Single(spans, s => s.OperationName == "campaign.provider.send" && s.ParentSpanId == batch.SpanId
            && Tag(s, "actorcampaigns.provider") == "outbox"));
    }

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await base.DisposeAsync();
        _tracing?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
