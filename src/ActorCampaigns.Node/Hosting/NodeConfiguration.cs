namespace ActorCampaigns.Node.Hosting;

public static class NodeConfiguration
{
    /// <summary>
    /// The node's settings: appsettings.json beside its binaries, a settings file given with <c>--config</c> (a part of
    /// a cluster), the environment and the command line, in that order; the web server's limits and address from them.
    /// </summary>
    public static NodeOptions AddNodeOptions(this WebApplicationBuilder builder, string[] args)
    {
        if (builder.Configuration["config"] is { } configFile)
        {
            // A settings file (cluster-config/*.json) gives a node its part; the environment and the command line still
            // override any of its settings (a container sets its host name and connection string there).
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false);
            builder.Configuration.AddEnvironmentVariables();
            builder.Configuration.AddCommandLine(NodeCommandLine.Normalize(args));
        }
        var node = builder.Configuration.GetSection(NodeOptions.Section).Get<NodeOptions>() ?? new NodeOptions();
        // A member's sessions carry a name of this process's own, also given as a cluster role, so the cluster can end
        // them once it downs the member.
        if (node.Postgres is { } postgres && node.Cluster.Seeds.Count > 0)
        {
            node.SessionName = ActorCampaigns.Data.PostgresDatabase.NewSessionName();
            node.Postgres = ActorCampaigns.Data.PostgresDatabase.ForMember(postgres, node.SessionName);
        }
        builder.Configuration[$"{NodeOptions.Section}:DataDir"] ??= node.DataDir;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = node.MaxRequestBytes;
            kestrel.AddServerHeader = false;
        });
        if (builder.Configuration["urls"] is null)
            builder.WebHost.UseUrls(DefaultUrl);
        builder.Services.AddSingleton(node);
        return node;
    }

    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Where tracked links point: the configured public base URL, else the node's first address.</summary>
    public static Uri PublicBaseUrl(this WebApplicationBuilder builder, NodeOptions node) =>
        new(node.Tracking.PublicBaseUrl ?? (builder.Configuration["urls"] ?? DefaultUrl).Split(';')[0]);
}
