using System.Text.Json.Serialization;

namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// A node of the canvas, of one of the kinds of <see cref="ActivityKinds"/> (which writes and reads its <c>type</c>).
/// <see cref="OutputPorts"/> are the ports transitions may leave from.
/// </summary>
public abstract record Activity(string Id)
{
    public static readonly IReadOnlyList<string> Out = [Transition.DefaultPort];

    [JsonIgnore]
    public virtual IReadOnlyList<string> OutputPorts => Out;

    /// <summary>Targeting sources start a population; they take no inbound transition.</summary>
    [JsonIgnore]
    public bool IsSource => ActivityKinds.Of(this).IsSource;
}
