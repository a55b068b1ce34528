using Akka.Actor;

namespace ActorCampaigns.Node.Gateway;

/// <summary>
/// A campaign that does not answer in time (restarting after its journal failed, moving to another node) is a 503
/// problem with <c>Retry-After</c>, which a client can act on, not an unhandled 500.
/// </summary>
public static class UnansweredAsks
{
    public static void UseUnansweredAsks(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (AskTimeoutException) when (!context.Response.HasStarted)
            {
                const string what = "the campaign did not answer in time: it may be restarting or moving to another node; try again";
                context.Response.Headers.RetryAfter = "5";
                await Results.Problem(title: what, statusCode: StatusCodes.Status503ServiceUnavailable,
                    extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { message = what } } }).ExecuteAsync(context);
            }
        });
}
