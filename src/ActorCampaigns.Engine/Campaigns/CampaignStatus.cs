namespace ActorCampaigns.Engine.Campaigns;

/// <summary>The lifecycle of contract section 4. <see cref="None"/> is a campaign not created yet.</summary>
public enum CampaignStatus { None, Draft, Scheduled, Live, Paused, Completed, Stopped, Failed }

public enum ExecutionMode { Test, Live }

public enum ExecutionState { Running, Waiting, Paused, Completed, Stopped, Failed }
