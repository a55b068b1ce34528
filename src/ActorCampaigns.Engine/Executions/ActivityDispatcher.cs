using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Activities run on threads of their own: a stage reads and writes the data store synchronously for seconds at a
/// time, which on the shared pool delayed the cluster's heartbeats (seen at 10M profiles on two cores). Two threads
/// per core, at least four, so a stage blocked in a query does not hold up the others (one per core measured no
/// different within the noise of this machine: the canvas at 1M in 8.6-9.4 s with four threads, 9.1-11.2 s with two).
/// </summary>
public static class ActivityDispatcher
{
    public const string Id = "actorcampaigns.activity-dispatcher";

    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        {{Id}} {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool {
            thread-count = {{Math.Max(4, 2 * Environment.ProcessorCount)}}
            threadtype = background
          }
        }
        """);

    /// <summary>A materializer whose stream stages run on the activity threads, stopped with <paramref name="context"/>.</summary>
    public static IMaterializer Materializer(IActorRefFactory context, ActorSystem system) =>
        context.Materializer(ActorMaterializerSettings.Create(system).WithDispatcher(Id));
}
