namespace ActorCampaigns.TestSupport;

/// <summary>
/// An experiment's arms in plain SQL (SQLite), written apart from the engine's code from the formula documented in
/// docs/decisions.md: a profile's place ((id × 2654435761 mod 2^32) xor key) × 2146121005 mod 2^32, the arms taking
/// consecutive shares of 2^32 by their percents, the rest held back. SQLite has no xor: x xor k = (x | k) − (x &amp; k).
/// Ids must stay below 3.4e9 here, where the first product still fits in 63 bits.
/// </summary>
public static class ExperimentArmsSql
{
    /// <param name="key">The experiment's key for the execution (the engine's ExperimentArms.KeyOf).</param>
    /// <returns>A CASE expression over the column <c>id</c> giving the arm's name or <c>holdback</c>.</returns>
    public static string Arm(int key, params (string Name, double Percent)[] arms)
    {
        var k = (long)(uint)key;
        const string product = "((id * 2654435761) & 4294967295)";
        var place = $"(((({product} | {k}) - ({product} & {k})) * 2146121005) & 4294967295)";
        var cumulative = 0.0;
        var cases = arms.Select(a => $"WHEN {place} < {(long)Math.Round((cumulative += a.Percent) / 100 * (1L << 32))} THEN '{a.Name}'");
        return $"CASE {string.Join(" ", cases)} ELSE 'holdback' END";
    }
}
