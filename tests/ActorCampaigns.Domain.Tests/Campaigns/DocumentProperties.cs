using System.Text.Json.Nodes;
using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;
using CsCheck;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>
/// Random text, and the contract's example with random parts replaced, removed or doubled: validation never throws,
/// and every problem it reports has a JSON path and a message.
/// </summary>
public sealed class DocumentProperties
{
    private const int Cases = 2_000;

    private static readonly ProfileSchema Schema = ProfileSchema.Core;

    private static readonly Gen<string> Texts = Gen.OneOf(
        Gen.String,
        Gen.OneOf("{{ firstName }}", "{% for i in (1..5) %}x{% endfor %}", "{% include 'a' %}", "{{", "%}", "country = 'FR'", "opened('mail')",
            "P3D", "PT-1S", "2026-13-01T00:00:00Z", "0 9 * * MON", "\ud800", "", " ", "a-b", "../../etc/passwd", "'; drop table profiles; --"));

    /// <summary>Any JSON value, nested a few levels.</summary>
    private static readonly Gen<JsonNode?> Values = Gen.Recursive<JsonNode?>((depth, value) => depth >= 3
        ? Gen.OneOf(Texts.Select(t => (JsonNode?)JsonValue.Create(t)), Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n)),
            Gen.Double.Select(d => double.IsFinite(d) ? (JsonNode?)JsonValue.Create(d) : null), Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)), Gen.Bool.Select(_ => (JsonNode?)null))
        : Gen.Frequency(
            (4, Texts.Select(t => (JsonNode?)JsonValue.Create(t))),
            (2, Gen.Long.Select(n => (JsonNode?)JsonValue.Create(n))),
            (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
            (1, Gen.Bool.Select(_ => (JsonNode?)null)),
            (1, value.Array[0, 3].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))),
            (1, Gen.Select(Gen.OneOf("id", "type", "from", "to", "port", "filter", "x"), value, (k, v) => (JsonNode?)new JsonObject { [k] = v?.DeepClone() }))));

    private enum Change { Replace, Remove, Double }

    [Fact]
    public void Random_text_is_validated_without_an_exception() =>
        Gen.OneOf(Gen.String, Texts).Sample(text => Validate(text), iter: Cases, threads: 1);

    [Fact]
    public void The_example_with_random_parts_changed_is_validated_without_an_exception_and_every_problem_is_located() =>
        Gen.Select(Gen.Int[0, int.MaxValue].Array[1, 4], Gen.Enum<Change>(), Values).Sample((picks, change, value) =>
        {
            var document = JsonNode.Parse(Documents.WinterSale)!.AsObject();
            var (parent, key) = Pick(document, picks);
            var json = Apply(document, parent, key, change, value);
            foreach (var error in Validate(json))
            {
                Assert.StartsWith("$", error.Path);
                Assert.False(string.IsNullOrWhiteSpace(error.Message), $"{error.Path} has no message");
            }
        }, iter: Cases, threads: 1);

    private static IReadOnlyList<ValidationError> Validate(string json) => CampaignValidator.Validate(json, Schema).Errors;

    /// <summary>A node of the document, found by walking from the root with <paramref name="picks"/>: its parent and its key or index.</summary>
    private static (JsonNode Parent, object Key) Pick(JsonObject root, int[] picks)
    {
        JsonNode parent = root;
        object key = "name";
        foreach (var pick in picks)
        {
            var next = parent switch
            {
                JsonObject o when o.Count > 0 => o.ElementAt(pick % o.Count) is var p ? (p.Value, (object)p.Key) : default,
                JsonArray a when a.Count > 0 => (a[pick % a.Count], (object)(pick % a.Count)),
                _ => default,
            };
            if (next.Item2 is null)
                break;
            key = next.Item2;
            if (next.Item1 is not (JsonObject or JsonArray))
                break;
            parent = next.Item1;
        }
        return (parent, key);
    }

    private static string Apply(JsonObject root, JsonNode parent, object key, Change change, JsonNode? value)
    {
        if (parent == root && key is "name" && change == Change.Double)
            return root.ToJsonString().Replace("\"name\":", "\"name\":1,\"name\":");
        switch (parent, key, change)
        {
            case (JsonObject o, string name, Change.Remove):
                o.Remove(name);
                break;
            case (JsonArray a, int index, Change.Remove):
                a.RemoveAt(index);
                break;
            case (JsonArray a, int index, Change.Double):
                a.Add(a[index]?.DeepClone());
                break;
            case (JsonObject o, string name, _):
                o[name] = value?.DeepClone();
                break;
            case (JsonArray a, int index, _):
                a[index] = value?.DeepClone();
                break;
        }
        return root.ToJsonString();
    }
}
