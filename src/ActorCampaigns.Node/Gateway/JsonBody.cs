using System.Text;
using System.Text.Json;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// A JSON request body, or the 400 that says where it is malformed: not JSON (the path, line and position where the
/// parser stopped), too deep, a key given twice in one object, or text that is not Unicode (a lone surrogate).
/// </summary>
public static class JsonBody
{
    private const int MaxDepth = CampaignLimits.MaxJsonDepth;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The body as text of at most <paramref name="maxBytes"/> bytes of UTF-8, or the answer refusing it: too large
    /// (read no further than the limit), or not UTF-8 (a replacement character would silently change what was sent).
    /// </summary>
    public static async Task<(string? Text, IResult? Problem)> ReadTextAsync(HttpRequest request, string what, int maxBytes, CancellationToken cancel)
    {
        var buffer = new byte[maxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancel)) > 0)
            length += read;
        if (length > maxBytes)
            return (null, Results.Problem(title: $"the {what} is larger than {maxBytes:N0} bytes", statusCode: StatusCodes.Status413PayloadTooLarge,
                extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { path = "$", message = $"larger than {maxBytes:N0} bytes" } } }));
        try
        {
            return (StrictUtf8.GetString(buffer, 0, length), null);
        }
        catch (DecoderFallbackException e)
        {
            return (null, Problems.Invalid($"the {what} is not UTF-8 text",
                [new { path = "$", message = $"not valid UTF-8 (byte 0x{e.BytesUnknown?.FirstOrDefault():X2} at byte offset {e.Index})" }]));
        }
    }

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
