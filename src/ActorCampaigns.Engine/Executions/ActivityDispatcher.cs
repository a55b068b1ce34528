using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;

namespace ActorCampaigns.Engine.Executions;

/// <summary>
/// Activities run on threads of their own: a stage reads and writes the data store synchronously for seconds at a
/// time, which on the shared pool delayed the cluster's heartbeats (seen at 10M profiles on two cores). One thread
/// per core: with twice as many, idle threads spun and switched (the benchmark canvas at 1M took 9.5-10.1 s with
/// four threads on two cores, 8.6-8.9 s with two).
/// </summary>
public static class ActivityDispatcher
{
    public const string Id = "actorcampaigns.activity-dispatcher";

    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        {{Id}} {
          type = ForkJoinDispatcher
          throughput = 100
          dedicated-thread-pool {
            thread-count = {{Math.Max(2, Environment.ProcessorCount)}}
            threadtype = background
          }
        }
        """);

    /// <summary>A materializer whose stream stages run on the activity threads, stopped with <paramref name="context"/>.</summary>
    public static IMaterializer Materializer(IActorRefFactory context, ActorSystem system) =>
        context.Materializer(ActorMaterializerSettings.Create(system).WithDispatcher(Id));
}
