using Akka.Actor;
using Akka.Serialization;

namespace ActorCampaigns.Engine.Serialization;

/// <summary>
/// Bound to <c>System.Object</c> in place of the default JSON serializer: a message or event type without an
/// explicit binding fails loudly instead of crossing the wire or reaching the journal in an unversioned form.
/// </summary>
public sealed class UnregisteredTypeSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public override int Identifier => 4_700;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) => throw new System.Runtime.Serialization.SerializationException(
        $"{obj.GetType().FullName} has no serializer binding; give it an explicit SerializerWithStringManifest");

    public override object FromBinary(byte[] bytes, Type type) => throw new System.Runtime.Serialization.SerializationException(
        $"cannot read {type?.FullName ?? "a message"}: no serializer binding for it");
}
