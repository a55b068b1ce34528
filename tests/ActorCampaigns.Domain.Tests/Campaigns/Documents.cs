using System.Text.Json.Nodes;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>The example of contract section 2, and a way to change one part of it per test.</summary>
internal static class Documents
{
    public const string WinterSale = """
    {
      "name": "Winter sale",
      "description": "optional text",
      "schedule": { "type": "asap" },
      "variables": { "discount": "20" },
      "activities": [
        { "id": "fr",      "type": "buildAudience", "filter": "country = 'FR' and emailOptIn" },
        { "id": "vip",     "type": "readAudience",  "audience": "vip" },
        { "id": "all",     "type": "combine",       "mode": "union" },
        { "id": "dedup",   "type": "deduplicate",   "keys": ["email"], "method": "lowest", "by": "id" },
        { "id": "split",   "type": "split",
          "subsets": [ { "name": "control", "limit": { "percent": 10 }, "order": "random" },
                       { "name": "young",   "filter": "birthDate > date('2000-01-01')" } ],
          "complement": true },
        { "id": "mail",    "type": "email",
          "content": { "from": "news@example.com", "subject": "Hi {{ firstName }}",
                       "html": "<p>Hello {{ firstName | default: 'there' }}</p><a href=\"https://example.com/sale\">Shop</a>" } },
        { "id": "wait",    "type": "wait", "duration": "P3D" },
        { "id": "engaged", "type": "split", "subsets": [ { "name": "opened", "filter": "opened('mail')" } ], "complement": true },
        { "id": "nudge",   "type": "sms",  "content": { "text": "{{ firstName }}, {{ vars.discount }}% off ends tonight" } },
        { "id": "end",     "type": "end" }
      ],
      "transitions": [
        { "from": "fr", "to": "all" }, { "from": "vip", "to": "all" },
        { "from": "all", "to": "dedup" }, { "from": "dedup", "to": "split" },
        { "from": "split", "port": "young", "to": "mail" },
        { "from": "split", "port": "complement", "to": "mail" },
        { "from": "mail", "to": "wait" }, { "from": "wait", "to": "engaged" },
        { "from": "engaged", "port": "complement", "to": "nudge" },
        { "from": "nudge", "to": "end" }
      ]
    }
    """;

    public static string WinterSaleWith(Action<JsonObject> change)
    {
        var document = JsonNode.Parse(WinterSale)!.AsObject();
        change(document);
        return document.ToJsonString();
    }

    public static JsonObject Activity(this JsonObject document, string id) =>
        document["activities"]!.AsArray().Select(a => a!.AsObject()).Single(a => (string)a["id"]! == id);

    public static JsonArray Transitions(this JsonObject document) => document["transitions"]!.AsArray();

    public static JsonArray Activities(this JsonObject document) => document["activities"]!.AsArray();
}
