using ActorCampaigns.Domain.Campaigns;
using ActorCampaigns.Engine.Campaigns;

namespace ActorCampaigns.Node.Gateway;

/// <summary>Errors as <c>application/problem+json</c> with an <c>errors</c> list (contract section 5).</summary>
public static class Problems
{
    public static IResult Invalid(string title, IEnumerable<object> errors) =>
        Results.Problem(title: title, statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["errors"] = errors.ToList() });

    public static IResult Validation(IReadOnlyList<ValidationError> errors) =>
        Invalid($"the campaign document has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}",
            errors.Select(e => (object)new { path = e.Path, message = e.Message }));

    public static IResult Rejected(CampaignReplies.Rejected rejected) => Results.Problem(
        title: rejected.Reason,
        statusCode: rejected.Kind switch
        {
            RejectionKind.NotFound => StatusCodes.Status404NotFound,
            RejectionKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { message = rejected.Reason } } });

    /// <summary>507 Insufficient Storage: the node's disk is full; the same request succeeds once there is space.</summary>
    public static IResult DiskFull(string what, Dictionary<string, object?> extensions)
    {
        extensions["errors"] = new[] { new { message = what } };
        return Results.Problem(title: what, statusCode: StatusCodes.Status507InsufficientStorage, extensions: extensions);
    }

    /// <summary>409: the request cannot go on in the state things are in, said in <paramref name="what"/>.</summary>
    public static IResult Conflict(string what) => Results.Problem(title: what, statusCode: StatusCodes.Status409Conflict,
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { message = what } } });

    /// <summary>403: the caller may not do <paramref name="what"/>, for the rule in <paramref name="rule"/>.</summary>
    public static IResult Forbidden(string what, string rule) => Results.Problem(title: what, statusCode: StatusCodes.Status403Forbidden,
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { message = rule } } });

    public static IResult NotFound(string what) => Results.Problem(title: what, statusCode: StatusCodes.Status404NotFound,
        extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { message = what } } });
}
