namespace ActorCampaigns.Node.Tests;

/// <summary>A delivery setting written wrong stops the node at start, naming the setting and why, before it takes any work.</summary>
public sealed class DeliverySettingsTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorcampaigns-settings-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Theory]
    [InlineData("Providers__Email__Quota", "0/PT1H", "ActorCampaigns:Providers:Email:Quota: a quota of 0 messages sends nothing")]
    [InlineData("Providers__Sms__Quota", "1000 an hour", "ActorCampaigns:Providers:Sms:Quota: '1000 an hour' is not a quota written messages/duration")]
    [InlineData("Providers__Fax__Quota", "10/PT1H", "ActorCampaigns:Providers:Fax: 'Fax' is not a channel")]
    [InlineData("QuietHours__Sms__From", "25:00", "ActorCampaigns:QuietHours:Sms:From: '25:00' is not a time of day")]
    [InlineData("TimeZone", "Mars/Olympus", "ActorCampaigns:TimeZone: 'Mars/Olympus' is not a known IANA time zone")]
    [InlineData("Approvals__AudienceThreshold", "1000", "ActorCampaigns:Approvals:AudienceThreshold: approvals need ApiKeys")]
    [InlineData("Tracking__MachineOpenSeconds", "-1", "ActorCampaigns:Tracking:MachineOpenSeconds is -1: give the seconds after a send")]
    public async Task A_wrong_delivery_setting_stops_the_node_with_its_path_and_why(string name, string value, string message)
    {
        var settings = name.StartsWith("QuietHours", StringComparison.Ordinal)
            ? new[] { (name, value), ("QuietHours__Sms__To", "08:00") }
            : [(name, value)];
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeProcess.StartAsync(_dataDir, settings));
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }
}
