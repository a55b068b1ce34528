namespace ActorCampaigns.Channels.Smtp;

/// <summary>How a node reaches its SMTP relay (section <c>ActorCampaigns:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 25;

    /// <summary><c>None</c>, <c>StartTls</c> (required), <c>StartTlsWhenAvailable</c>, <c>SslOnConnect</c> or <c>Auto</c>.</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";

    /// <summary>Authenticates when given.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Connections kept open and used in parallel.</summary>
    public int Connections { get; set; } = 4;

    /// <summary>
    /// Sends MAIL FROM and RCPT TO without waiting for each reply (ESMTP PIPELINING) when the relay offers it. Off by
    /// default: it saves round trips only on slow links, and a relay that writes its pipelined replies apart without
    /// TCP_NODELAY stalls each message some 40 ms (measured: 180 messages/s instead of 3,100 on 8 connections).
    /// </summary>
    public bool Pipelining { get; set; }

    /// <summary>Tries per message, the first included, when the relay cannot be reached or drops the connection (or answers 421).</summary>
    public int Attempts { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled at each one, with jitter.</summary>
    public int RetryDelayMilliseconds { get; set; } = 250;

    /// <summary>The circuit opens when at least half of the last 20 or more tries in 10 s failed, for this long: messages then wait without trying.</summary>
    public int BreakSeconds { get; set; } = 5;

    /// <summary>
    /// How long a batch waits for an unreachable relay, trying its waiting messages again every second, while none goes
    /// through; then its activity fails, and resume sends what is left.
    /// </summary>
    public int OutageSeconds { get; set; } = 600;

    /// <summary>The domain of Message-ID headers (<c>&lt;messageId@domain&gt;</c>).</summary>
    public string MessageIdDomain { get; set; } = "actorcampaigns.local";
}
