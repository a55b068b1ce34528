using Akka.Configuration;

namespace ActorCampaigns.Engine.Serialization;

/// <summary>The serializer bindings of the engine, as HOCON for the actor system.</summary>
public static class SerializationConfig
{
    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers {
            campaign = "{{typeof(CampaignMessageSerializer).AssemblyQualifiedName}}"
            unregistered = "{{typeof(UnregisteredTypeSerializer).AssemblyQualifiedName}}"
          }
          serialization-bindings {
            "System.Object" = unregistered
            "{{typeof(Campaigns.ICampaignCommand).AssemblyQualifiedName}}" = campaign
            "{{typeof(Campaigns.ICampaignEvent).AssemblyQualifiedName}}" = campaign
            "{{typeof(Campaigns.CampaignState).AssemblyQualifiedName}}" = campaign
            "{{typeof(Campaigns.CampaignReplies.Accepted).AssemblyQualifiedName}}" = campaign
            "{{typeof(Campaigns.CampaignReplies.Rejected).AssemblyQualifiedName}}" = campaign
            "{{typeof(Campaigns.CampaignQueries.GetState).AssemblyQualifiedName}}" = campaign
            "{{typeof(Campaigns.CampaignQueries.Watch).AssemblyQualifiedName}}" = campaign
            "{{typeof(Campaigns.CampaignQueries.FeedbackArrived).AssemblyQualifiedName}}" = campaign
            "{{typeof(Partitions.IPartitionMessage).AssemblyQualifiedName}}" = campaign
            "{{typeof(Partitions.PartitionMessages.Report).AssemblyQualifiedName}}" = campaign
          }
        }
        """);
}
