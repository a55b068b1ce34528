using ActorCampaigns.Channels.Tracking;
using ActorCampaigns.Data;

namespace ActorCampaigns.Node.Hosting;

/// <summary>The keys tracking tokens are signed with: configured ones, or a key the node makes once and keeps in its database.</summary>
public static class TrackingKeys
{
    public static async Task<TrackingTokens> TokensAsync(TrackingOptions options, Database database, TimeProvider clock)
    {
        var lifetime = TimeSpan.FromDays(options.TokenLifetimeDays);
        if (options.Keys.Count == 0)
            return new TrackingTokens(new Dictionary<string, byte[]> { ["node"] = await new NodeSecrets(database).GetOrCreateAsync("tracking-key", 32) },
                "node", lifetime, clock);
        var keys = options.Keys.ToDictionary(k => k.Key, k => Base64Key(k.Key, k.Value));
        var current = options.CurrentKey ?? (keys.Count == 1 ? keys.Keys.Single()
            : throw new InvalidOperationException("several tracking keys are configured: name the one to sign with in ActorCampaigns:Tracking:CurrentKey"));
        return new TrackingTokens(keys, current, lifetime, clock);
    }

    private static byte[] Base64Key(string id, string value)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"tracking key '{id}' (ActorCampaigns:Tracking:Keys:{id}) is not base64");
        }
    }
}
