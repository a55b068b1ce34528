namespace ActorCampaigns.Node;

/// <summary>
/// The node's command line (contract section 7) in .NET configuration terms: <c>--data-dir DIR</c> becomes
/// <c>ActorCampaigns:DataDir</c>, <c>--demo</c> a flag; <c>--urls</c> and <c>--config</c> pass through.
/// </summary>
public static class NodeCommandLine
{
    public static string[] Normalize(string[] args) => args.Select(arg => arg switch
    {
        "--data-dir" => $"--{NodeOptions.Section}:DataDir",
        "--demo" => "--demo=true",
        _ => arg,
    }).ToArray();
}
