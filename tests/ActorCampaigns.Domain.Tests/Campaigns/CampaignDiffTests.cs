using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Domain.Profiles;

namespace ActorCampaigns.Domain.Tests.Campaigns;

/// <summary>The structural difference between two versions of a document, in each of the ways they can differ.</summary>
public class CampaignDiffTests
{
    private const string Base = """
        { "name": "Winter sale", "schedule": { "type": "once", "at": "2026-12-24T09:00:00Z" }, "activities": [
            { "id": "optin", "type": "buildAudience", "filter": "emailOptIn" },
            { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Sale", "html": "<p>Hi</p>" } },
            { "id": "done", "type": "end" } ],
          "transitions": [ { "from": "optin", "to": "mail" }, { "from": "mail", "to": "done" } ] }
        """;

    private static CampaignDocument Read(string json)
    {
        var result = CampaignValidator.Validate(json, ProfileSchema.Core);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return result.Document!;
    }

    [Fact]
    public void The_same_document_has_no_difference()
    {
        Assert.True(CampaignDiff.Between(Read(Base), Read(Base)).IsEmpty);
    }

    [Fact]
    public void Activities_added_removed_and_changed_field_by_field_transitions_and_schedule_are_told_apart()
    {
        var after = Read("""
            { "name": "Winter sale, last days", "schedule": { "type": "once", "at": "2026-12-26T09:00:00Z" }, "activities": [
                { "id": "optin", "type": "buildAudience", "filter": "emailOptIn and country = 'FR'" },
                { "id": "mail", "type": "email", "content": { "from": "a@example.com", "subject": "Last days", "html": "<p>Hi</p>" } },
                { "id": "text", "type": "sms", "content": { "text": "Last days" } } ],
              "transitions": [ { "from": "optin", "to": "mail" }, { "from": "optin", "to": "text" } ] }
            """);
        var diff = CampaignDiff.Between(Read(Base), after);
        Assert.Equal(["text"], diff.ActivitiesAdded);
        Assert.Equal(["done"], diff.ActivitiesRemoved);
        Assert.Equal([("optin", "buildAudience", "filter"), ("mail", "email", "content")],
            diff.ActivitiesChanged.SelectMany(c => c.Fields.Select(f => (c.Id, c.Type, f.Field))));
        var filter = diff.ActivitiesChanged[0].Fields[0];
        Assert.Equal(("emailOptIn", "emailOptIn and country = 'FR'"), ((string?)filter.Before, (string?)filter.After));
        Assert.Equal([new Transition("optin", "out", "text")], diff.TransitionsAdded);
        Assert.Equal([new Transition("mail", "out", "done")], diff.TransitionsRemoved);
        Assert.Equal(["name", "schedule"], diff.Document.Select(f => f.Field));
        Assert.StartsWith("2026-12-26T09:00:00", (string?)diff.Document[1].After!["at"]);
        Assert.False(diff.IsEmpty);
    }

    [Fact]
    public void An_activity_replaced_by_one_of_another_kind_under_the_same_id_is_a_change_of_its_type()
    {
        var after = Read(Base.Replace("""{ "id": "done", "type": "end" }""", """{ "id": "done", "type": "wait", "duration": "P1D" }"""));
        var change = Assert.Single(CampaignDiff.Between(Read(Base), after).ActivitiesChanged);
        Assert.Equal("done", change.Id);
        Assert.Contains(change.Fields, f => f.Field == "type" && (string?)f.Before == "end" && (string?)f.After == "wait");
    }
}
