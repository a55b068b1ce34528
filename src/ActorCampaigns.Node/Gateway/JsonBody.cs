using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// A JSON request body, or the 400 that says where it is malformed: not JSON (the path, line and position where the
/// parser stopped), too deep, a key given twice in one object, or text that is not Unicode (a lone surrogate).
/// </summary>
public static class JsonBody
{
    private const int MaxDepth = 32;

    public static async Task<(JsonDocument? Body, IResult? Problem)> ReadAsync(HttpRequest request, string what, CancellationToken cancel)
    {
        // Bodies read here are small (their size is bounded by the node's request limit): held whole, so a malformed
        // one can be read again to find where it breaks.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancel);
        ReadOnlyMemory<byte> bytes = buffer.ToArray();
        JsonDocument body;
        try
        {
            body = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            return (null, Problems.Invalid($"the {what} is not JSON", [new { path = JsonErrorPath.Of(bytes.Span, MaxDepth), message = JsonErrorPath.Describe(e) }]));
        }
        var errors = new List<ValidationError>();
        JsonWellFormed.Check(body.RootElement, errors);
        if (errors.Count == 0)
            return (body, null);
        body.Dispose();
        return (null, Problems.Invalid($"the {what} is not well-formed", errors.Select(e => (object)new { path = e.Path, message = e.Message })));
    }
}
