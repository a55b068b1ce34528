using ActorCampaigns.Node.Reports;

namespace ActorCampaigns.Node.Tests;

/// <summary>
/// The lift over the global control group and its 95 % interval (Katz's log rate ratio), against figures computed
/// apart (Python's math module: exp(ln(rr) ± 1.96 · sqrt(1/a - 1/n1 + 1/c - 1/n2)) - 1).
/// </summary>
public class ControlComparisonTests
{
    private static ChannelMetrics Sent(long sent, long converted) => ChannelMetrics.None with { Sent = sent, Converted = converted };

    [Theory]
    // 80 of 400 sent converted, 10 of 100 held back: a rate twice the control's.
    [InlineData(400, 80, 100, 10, 0.1, 1.0, 0.0761, 2.7171)]
    // 30 of 1,000 against 3 of 250: a lift of 150 % whose interval still holds 0.
    [InlineData(1000, 30, 250, 3, 0.012, 1.5, -0.2308, 7.1255)]
    public void The_lift_and_its_interval_are_the_log_rate_ratio_method(long sent, long converted, long held, long heldConverted, double rate,
        double lift, double low, double high)
    {
        var control = ControlComparison.Of(Sent(sent, converted), held, heldConverted);
        Assert.Equal((held, heldConverted, rate, lift, low, high),
            (control.Held, control.Converted, control.ConversionRate, control.Lift!.Value, control.LiftLow!.Value, control.LiftHigh!.Value));
    }

    [Fact]
    public void Without_a_conversion_on_either_side_there_is_no_lift()
    {
        Assert.Null(ControlComparison.Of(Sent(400, 80), 100, 0).Lift);
        Assert.Null(ControlComparison.Of(Sent(400, 0), 100, 10).Lift);
        Assert.Equal(0.1, ControlComparison.Of(Sent(400, 0), 100, 10).ConversionRate);
    }
}
