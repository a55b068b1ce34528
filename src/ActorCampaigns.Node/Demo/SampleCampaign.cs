namespace ActorCampaigns.Node.Demo;

/// <summary>The demo's campaign: targeting, combine, deduplicate, split and three channels over the sample profiles.</summary>
public static class SampleCampaign
{
    public const string Document = """
        {
          "name": "Winter sale (demo)",
          "description": "Opted-in or recent profiles, outside blocked countries, one per email, split across three channels.",
          "schedule": { "type": "asap" },
          "variables": { "discount": "20" },
          "activities": [
            { "id": "optin",   "type": "buildAudience", "filter": "emailOptIn or smsOptIn or pushOptIn" },
            { "id": "recent",  "type": "buildAudience", "filter": "createdAt > timestamp('2024-01-01T00:00:00Z')" },
            { "id": "blocked", "type": "buildAudience", "filter": "country in ('KP', 'IR', 'SY')" },
            { "id": "base",    "type": "combine", "mode": "union" },
            { "id": "allowed", "type": "combine", "mode": "exclusion", "primary": "base" },
            { "id": "dedup",   "type": "deduplicate", "keys": ["email"], "method": "lowest", "by": "id" },
            { "id": "split",   "type": "split", "complement": true,
              "subsets": [ { "name": "control", "limit": { "percent": 5 }, "order": "random" },
                           { "name": "email",   "filter": "emailOptIn and email is not null" },
                           { "name": "sms",     "filter": "smsOptIn and phone is not null" } ] },
            { "id": "mail",    "type": "email", "content": { "from": "news@example.com", "subject": "{{ firstName | default: 'Hello' }}, {{ vars.discount }}% off",
                                                           "html": "<p>Hi {{ firstName | default: 'there' }}</p><a href=\"https://example.com/sale\">Shop</a>" } },
            { "id": "text",    "type": "sms",   "content": { "text": "{{ firstName }}: {{ vars.discount }}% off this week" } },
            { "id": "notify",  "type": "push",  "content": { "title": "Winter sale", "body": "{{ vars.discount }}% off, {{ firstName }}" } },
            { "id": "end",     "type": "end" }
          ],
          "transitions": [
            { "from": "optin", "to": "base" }, { "from": "recent", "to": "base" },
            { "from": "base", "to": "allowed" }, { "from": "blocked", "to": "allowed" },
            { "from": "allowed", "to": "dedup" }, { "from": "dedup", "to": "split" },
            { "from": "split", "port": "email", "to": "mail" }, { "from": "split", "port": "sms", "to": "text" },
            { "from": "split", "port": "complement", "to": "notify" },
            { "from": "mail", "to": "end" }, { "from": "text", "to": "end" }, { "from": "notify", "to": "end" }
          ]
        }
        """;
}
