namespace ActorCampaigns.Domain.Campaigns;

/// <summary>
/// Where an alert goes (the <c>alert</c> activity, a campaign's error notifications): a webhook URL and/or an email
/// address, checked alike wherever a document names them. Each check answers what is wrong, or null.
/// </summary>
public static class AlertTargets
{
    /// <summary>An absolute http(s) URL without credentials, of at most 2,048 characters, with no space or control character.</summary>
    public static string? WebhookError(string webhook) =>
        webhook.Length <= 2048 && Uri.TryCreate(webhook, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length == 0
            && !webhook.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? null
            : $"'{Shorten(webhook)}' is not an absolute http or https URL without credentials (up to 2,048 characters)";

    /// <summary>One address, on one line (a line break would let it add headers to the email).</summary>
    public static string? AddressError(string address) =>
        address.Length <= 254 && System.Net.Mail.MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && !address.Any(char.IsControl)
            ? null
            : $"'{Shorten(address)}' is not an email address";

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
