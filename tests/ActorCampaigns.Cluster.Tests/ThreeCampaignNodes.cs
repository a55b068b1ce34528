namespace ActorCampaigns.Cluster.Tests;

/// <summary>
/// Three Node processes that all host campaigns, on a PostgreSQL of their own: a campaign's executions are split into
/// six partitions (two per member) that run on all three. Batches of 2,000, as a large campaign's are.
/// </summary>
public sealed class ThreeCampaignNodes() : ThreeNodeCluster(campaignNodes: 3, batchSize: 2_000);
