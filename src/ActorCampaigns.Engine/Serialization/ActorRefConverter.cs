using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;

namespace ActorCampaigns.Engine.Serialization;

/// <summary>An actor reference as its full path, which any node of the cluster resolves back to the actor.</summary>
public sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
{
    public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        system.Provider.ResolveActorRef(reader.GetString() ?? throw new JsonException("an actor reference is a path string"));

    public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Akka.Serialization.Serialization.SerializedActorPath(value));
}
