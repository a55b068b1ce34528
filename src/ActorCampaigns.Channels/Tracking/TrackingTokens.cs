using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ActorCampaigns.Channels.Tracking;

/// <summary>
/// What a token is for: the open pixel and unsubscribe of a message; one of its links (the tokens of emails sent
/// before click tokens were made of two parts); a link of a channel activity's messages, which a click token pairs
/// with the message's click token; the message's click token, which opens no pixel and unsubscribes no one, so a
/// link a recipient shares gives nobody their unsubscribe.
/// </summary>
public enum TrackingPurpose : byte { Message = 1, Link = 2, ActivityLink = 3, MessageClick = 4 }

/// <summary>
/// What a tracking token names: one message (campaign, execution, activity, profile) and, for a click, the link that
/// was in it. Tokens carry their end of validity; a message's tokens, how many links it held (<see cref="Links"/>: 0
/// in tokens signed before they said), so clicks on every one of them within a second tell a link scanner.
/// </summary>
public sealed record TrackingClaim(string Campaign, string Execution, string Activity, long Profile, TrackingPurpose Purpose, string? Link,
    DateTimeOffset ExpiresAt, int Links = 0);

/// <summary>
/// Compact signed tokens for tracking URLs: the claim in a few bytes (varints and short strings), then an
/// HMAC-SHA256 of it truncated to 128 bits, base64url. The key id travels in the token, so keys rotate: new
/// tokens are signed with the current key, older ones verify as long as their key is still configured.
/// A token that does not parse, names an unknown key, fails its signature or has expired is refused (null);
/// nothing in it is trusted before its signature is.
/// A click token is the message's click token and the token of the link for the activity, joined by a dot (outside
/// the base64url alphabet). Both must verify and name the same campaign, execution and activity, so a click still
/// leads only to a link of that activity's messages. A message is signed once for its pixel, unsubscribe and clicks
/// (signing was a sixth of a node's work for tracked emails), and a link once per activity: the message token keeps
/// the first half of the HMAC and the click token, the same claim with its own purpose, the second half, each an
/// independent 128-bit tag, so one cannot be made from the other.
/// </summary>
public sealed class TrackingTokens
{
    /// <summary>Version 2 adds a message's number of links after its profile; version 1 tokens still verify.</summary>
    private const byte Version = 2;
    private const int MacLength = 16;

    /// <summary>Longer tokens are refused before decoding: a link and the ids fit in far less.</summary>
    public const int MaxLength = 4096;

    private readonly IReadOnlyDictionary<string, byte[]> _keys;
    private readonly string _current;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;

    /// <summary>An HMAC with the current key per thread: a message is signed twice or more, the key is set up once.</summary>
    private readonly ThreadLocal<IncrementalHash> _signer;

    /// <summary>An HMAC per key and thread for verifying: a node verifies thousands of tokens a second.</summary>
    private readonly ThreadLocal<Dictionary<string, IncrementalHash>> _verifiers = new(() => []);

    /// <param name="keys">Signing keys by id (1-16 ASCII letters or digits), each at least 32 bytes.</param>
    /// <param name="current">The id of the key new tokens are signed with.</param>
    /// <param name="lifetime">How long a token stays valid after the message was rendered.</param>
    public TrackingTokens(IReadOnlyDictionary<string, byte[]> keys, string current, TimeSpan lifetime, TimeProvider clock)
    {
        foreach (var (id, key) in keys)
        {
            if (id.Length is 0 or > 16 || !id.All(char.IsAsciiLetterOrDigit))
                throw new ArgumentException($"tracking key id '{id}' must be 1-16 ASCII letters or digits", nameof(keys));
            if (key.Length < 32)
                throw new ArgumentException($"tracking key '{id}' has {key.Length} bytes; at least 32 are needed", nameof(keys));
        }
        if (!keys.ContainsKey(current))
            throw new ArgumentException($"the current tracking key '{current}' is not among the keys", nameof(current));
        (_keys, _current, _lifetime, _clock) = (keys, current, lifetime, clock);
        _signer = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _keys[_current]));
    }

    /// <summary>How long a thread reuses the token of an activity's link before it signs it again (with a later expiry).</summary>
    private static readonly TimeSpan ActivityLinkReuse = TimeSpan.FromMinutes(1);

    /// <summary>Bounds the tokens of activity links a thread keeps: links personalised per profile would otherwise pile up.</summary>
    private const int ActivityLinksKept = 256;

    [ThreadStatic]
    private static Dictionary<(TrackingTokens, string, string, string, string), (string Token, DateTimeOffset SignedAt)>? t_activityLinks;

    /// <summary>A message's token (pixel, unsubscribe) and its click token, from one signature.</summary>
    /// <param name="links">How many tracked links the message holds.</param>
    public (string Message, string Click) IssueMessage(string campaign, string execution, string activity, long profile, int links)
    {
        string? click = null;
        var message = Issue(campaign, execution, activity, profile, TrackingPurpose.Message, null, links, (payload, purposeAt, mac) =>
        {
            var clickToken = payload.ToArray();
            clickToken[purposeAt] = (byte)TrackingPurpose.MessageClick;
            click = Base64Url.EncodeToString([.. clickToken, .. mac[MacLength..(2 * MacLength)]]);
        });
        return (message, click!);
    }

    /// <param name="profile">The message's profile; none (0) for an activity's link.</param>
    public string Issue(string campaign, string execution, string activity, long profile, TrackingPurpose purpose, string? link = null) =>
        purpose == TrackingPurpose.MessageClick
            ? throw new ArgumentException("a message's click token comes with its message token: IssueMessage", nameof(purpose))
            : Issue(campaign, execution, activity, profile, purpose, link, 0, null);

    private delegate void AlsoSigned(ReadOnlySpan<byte> payload, int purposeAt, ReadOnlySpan<byte> mac);

    private string Issue(string campaign, string execution, string activity, long profile, TrackingPurpose purpose, string? link, int links,
        AlsoSigned? also)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(profile);
        ArgumentOutOfRangeException.ThrowIfNegative(links);
        if ((purpose is not (TrackingPurpose.Message or TrackingPurpose.MessageClick)) != (link is not null))
            throw new ArgumentException("a link token names its link, a message token none", nameof(link));
        // Fixed bytes and varints take under 64; a UTF-16 char takes at most 3 bytes of UTF-8.
        var most = 64 + 3 * (_current.Length + campaign.Length + execution.Length + activity.Length + (link?.Length ?? 0)) + MacLength;
        var rented = most > 1024 ? ArrayPool<byte>.Shared.Rent(most) : null;
        try
        {
            var token = new Writer(rented ?? stackalloc byte[1024]);
            token.Byte(Version);
            token.Text(_current);
            var purposeAt = token.Written.Length;
            token.Byte((byte)purpose);
            token.Number((ulong)(_clock.GetUtcNow() + _lifetime).ToUnixTimeSeconds());
            token.Text(campaign);
            token.Text(execution);
            token.Text(activity);
            token.Number((ulong)profile);
            if (link is not null)
                token.Text(link);
            else
                token.Number((ulong)links);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var signer = _signer.Value!;
            signer.AppendData(token.Written);
            signer.GetHashAndReset(mac);
            also?.Invoke(token.Written, purposeAt, mac);
            token.Bytes(mac[..MacLength]);
            return Base64Url.EncodeToString(token.Written);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The click token of a message's link: the message's <paramref name="clickToken"/> (<see cref="IssueMessage"/>), a dot, the activity's token for the link.</summary>
    public string Click(string clickToken, string campaign, string execution, string activity, string link)
    {
        var links = t_activityLinks ??= [];
        var key = (this, campaign, execution, activity, link);
        var now = _clock.GetUtcNow();
        if (!links.TryGetValue(key, out var signed) || now - signed.SignedAt > ActivityLinkReuse)
        {
            if (links.Count >= ActivityLinksKept)
                links.Clear();
            links[key] = signed = (Issue(campaign, execution, activity, 0, TrackingPurpose.ActivityLink, link), now);
        }
        return $"{clickToken}.{signed.Token}";
    }

    /// <summary>
    /// The claim of a valid click token (<see cref="Click"/>, or a single link token of an email sent before): the
    /// message's profile and the link; null if either part fails or they name different activities.
    /// </summary>
    public TrackingClaim? VerifyClick(string token)
    {
        if (token.Length > 2 * MaxLength)
            return null;
        var dot = token.IndexOf('.');
        if (dot < 0)
            return Verify(token, TrackingPurpose.Link);
        if (Verify(token[..dot], TrackingPurpose.MessageClick) is not { } message || Verify(token[(dot + 1)..], TrackingPurpose.ActivityLink) is not { } link
            || (message.Campaign, message.Execution, message.Activity) != (link.Campaign, link.Execution, link.Activity))
            return null;
        return message with { Purpose = TrackingPurpose.Link, Link = link.Link, ExpiresAt = message.ExpiresAt < link.ExpiresAt ? message.ExpiresAt : link.ExpiresAt };
    }

    /// <summary>The claim of a valid token issued for <paramref name="purpose"/>, or null.</summary>
    public TrackingClaim? Verify(string token, TrackingPurpose purpose)
    {
        if (token.Length is 0 or > MaxLength || !Base64Url.IsValid(token))
            return null;
        var bytes = Base64Url.DecodeFromChars(token);
        if (bytes.Length <= MacLength + 1 || bytes[0] is not (1 or Version))
            return null;
        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        var reader = new Reader(payload[1..]);
        if (!reader.Text(out var keyId) || !_keys.TryGetValue(keyId, out var key))
            return null;
        // A message's click token is signed as its message token is; it holds the second half of that signature.
        var purposeAt = payload.Length - reader.Left;
        var clickHalf = purposeAt < payload.Length && payload[purposeAt] == (byte)TrackingPurpose.MessageClick;
        if (clickHalf)
            payload[purposeAt] = (byte)TrackingPurpose.Message;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var verifier = _verifiers.Value!.TryGetValue(keyId, out var known) ? known : _verifiers.Value[keyId] = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        verifier.AppendData(payload);
        verifier.GetHashAndReset(mac);
        if (clickHalf)
            payload[purposeAt] = (byte)TrackingPurpose.MessageClick;
        if (!CryptographicOperations.FixedTimeEquals(clickHalf ? mac[MacLength..(2 * MacLength)] : mac[..MacLength], bytes.AsSpan(bytes.Length - MacLength)))
            return null;
        if (!reader.Byte(out var kind) || (TrackingPurpose)kind != purpose
            || !reader.Number(out var expires) || !reader.Text(out var campaign) || !reader.Text(out var execution)
            || !reader.Text(out var activity) || !reader.Number(out var profile) || profile > long.MaxValue)
            return null;
        string? link = null;
        ulong links = 0;
        if (purpose is not (TrackingPurpose.Message or TrackingPurpose.MessageClick) ? !reader.Text(out link)
            : bytes[0] == Version && (!reader.Number(out links) || links > int.MaxValue))
            return null;
        if (!reader.AtEnd || expires > (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return null;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)expires);
        return expiresAt < _clock.GetUtcNow() ? null : new TrackingClaim(campaign, execution, activity, (long)profile, purpose, link, expiresAt, (int)links);
    }

    /// <summary>Writes a token into a buffer large enough for it.</summary>
    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _length;

        public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

        public void Byte(byte value) => _buffer[_length++] = value;

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[_length..]);
            _length += bytes.Length;
        }

        public void Number(ulong value)
        {
            while (value >= 0x80)
            {
                Byte((byte)(value | 0x80));
                value >>= 7;
            }
            Byte((byte)value);
        }

        public void Text(string text)
        {
            Number((ulong)Encoding.UTF8.GetByteCount(text));
            _length += Encoding.UTF8.GetBytes(text, _buffer[_length..]);
        }
    }

    /// <summary>Reads what <see cref="Issue"/> wrote, refusing anything that runs past the end.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly bool AtEnd => _data.IsEmpty;

        /// <summary>Bytes not read yet.</summary>
        public readonly int Left => _data.Length;

        public bool Byte(out byte value)
        {
            value = 0;
            if (_data.IsEmpty)
                return false;
            value = _data[0];
            _data = _data[1..];
            return true;
        }

        public bool Number(out ulong value)
        {
            value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (!Byte(out var b))
                    return false;
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                    return true;
            }
            return false;
        }

        public bool Text(out string text)
        {
            text = "";
            if (!Number(out var length) || length > (ulong)_data.Length)
                return false;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(_data[..(int)length]);
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
            _data = _data[(int)length..];
            return true;
        }
    }
}
