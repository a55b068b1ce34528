using ActorCampaigns.Engine.Activities;
using CsCheck;

namespace ActorCampaigns.Engine.Tests.Activities;

/// <summary>
/// The experiment's decision rule against an independent method: for two arms, P(B > A) has a closed form (a finite
/// sum of Beta functions, Evan Miller, "Formulas for Bayesian A/B Testing", 2015), computed here with a log-gamma of
/// our own (Lanczos); the numerical integral must agree to 3 decimals.
/// </summary>
public sealed class BetaPosteriorsTests
{
    [Theory]
    // 2,000 profiles each, 5 % against 6.5 % clicks; 200 each at 10 % against 12 %; equal arms; tiny arms.
    [InlineData(100, 2000, 130, 2000)]
    [InlineData(20, 200, 24, 200)]
    [InlineData(50, 1000, 50, 1000)]
    [InlineData(0, 10, 3, 10)]
    [InlineData(1, 1, 0, 1)]
    [InlineData(1500, 100000, 1600, 100000)]
    public void Two_arms_match_the_closed_form_to_3_decimals(long successesA, long trialsA, long successesB, long trialsB)
    {
        var posteriors = BetaPosteriors.Of([(successesA, trialsA), (successesB, trialsB)]);
        var closed = ProbabilityBBeatsA(1 + successesA, 1 + trialsA - successesA, 1 + successesB, 1 + trialsB - successesB);
        Assert.Equal(closed, posteriors[1].ProbabilityToBeBest, 3);
        Assert.Equal(1 - closed, posteriors[0].ProbabilityToBeBest, 3);
    }

    [Fact]
    public void A_figure_worked_by_hand()
    {
        // A: 1 success of 2, Beta(2, 2); B: 2 of 2, Beta(3, 1). By the closed form, P(B > A) = 6 (B(2,3) + B(3,3) + B(4,3))
        // = 6 (1/12 + 1/30 + 1/60) = 1/2 + 1/5 + 1/10 = 0.8.
        Assert.Equal(0.8, ProbabilityBBeatsA(2, 2, 3, 1), 12);
        Assert.Equal(0.8, BetaPosteriors.Of([(1, 2), (2, 2)])[1].ProbabilityToBeBest, 3);
    }

    [Fact]
    public void Probabilities_of_any_arms_add_up_to_one_and_follow_the_rates()
    {
        Gen.Int[1, 4].SelectMany(k => Gen.Int[0, 500].SelectMany(n => Gen.Int[0, n].Select(s => ((long)s, (long)n))).Array[k + 1])
            .Sample(arms =>
            {
                var posteriors = BetaPosteriors.Of(arms);
                Assert.Equal(1, posteriors.Sum(p => p.ProbabilityToBeBest), 6);
                foreach (var (posterior, (successes, trials)) in posteriors.Zip(arms))
                    Assert.InRange((successes + 1.0) / (trials + 2), posterior.Low, posterior.High);
            }, iter: 300);
    }

    [Fact]
    public void Three_equal_arms_are_each_best_a_third_of_the_time()
    {
        var posteriors = BetaPosteriors.Of([(40, 400), (40, 400), (40, 400)]);
        Assert.All(posteriors, p => Assert.Equal(1.0 / 3, p.ProbabilityToBeBest, 3));
    }

    /// <summary>P(X_B > X_A) for X_A ~ Beta(a, b), X_B ~ Beta(c, d), c a whole number: Σ_{i<c} B(a+i, b+d) / ((d+i) B(1+i, d) B(a, b)).</summary>
    private static double ProbabilityBBeatsA(double a, double b, double c, double d)
    {
        var total = 0.0;
        for (var i = 0; i < c; i++)
            total += Math.Exp(LogBeta(a + i, b + d) - Math.Log(d + i) - LogBeta(1 + i, d) - LogBeta(a, b));
        return total;
    }

    private static double LogBeta(double x, double y) => LogGamma(x) + LogGamma(y) - LogGamma(x + y);

    /// <summary>Lanczos' approximation (g = 7, 9 coefficients), good to 15 digits for x > 0.5.</summary>
    private static double LogGamma(double x)
    {
        double[] c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = c[0];
        for (var i = 1; i < 9; i++)
            sum += c[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
