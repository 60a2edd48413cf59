using VlmForge.Abstractions.Sampling;
using VlmForge.Engine.Plugins;
using VlmForge.Plugins.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Sampling;

/// <summary>
/// The <c>standard</c> sampler against the page's worked examples. Distribution checks draw one token for each of many
/// identical rows in one call, so they are exact in which tokens can appear and statistical (±0.02) in how often.
/// </summary>
[Collection(BuiltInPluginsCollection.Name)]
public class StandardSamplerTests(BuiltInPlugins builtIns)
{
    private const int Rows = 20000;
    private static readonly SamplingOptions Sampling = new(DoSample: true, Temperature: 1.0, TopK: 0, TopP: 1.0, RepetitionPenalty: 1.0, Seed: 1234);
    private static readonly SamplingOptions Greedy = Sampling with { DoSample = false };

    private ISampler Create(SamplingOptions options) => builtIns.Catalog.Sampler("standard").Create(options);

    [Fact]
    public void Greedy_decoding_picks_the_arg_max_of_each_row()
    {
        using var sampler = Create(Greedy with { Temperature = 0.1, TopK = 1 });
        using var logits = tensor(new[,] { { 0.1f, 3f, 2f }, { 5f, 1f, 0f } });
        using var next = sampler.Next(logits, empty(2, 0, ScalarType.Int64));
        Assert.Equal(ScalarType.Int64, next.dtype);
        Assert.Equal([1L, 0L], next.data<long>().ToArray());
    }

    [Theory]
    // A positive logit is divided: 2.0 / 1.2 = 1.667 falls below 1.8, 2.0 / 1.1 = 1.818 does not.
    [InlineData(2.0f, 1.8f, 1.2, 1L)]
    [InlineData(2.0f, 1.8f, 1.1, 0L)]
    // A negative logit is multiplied: -1.0 · 1.2 = -1.2 falls below -1.1, -1.0 · 1.05 = -1.05 does not.
    [InlineData(-1.0f, -1.1f, 1.2, 1L)]
    [InlineData(-1.0f, -1.1f, 1.05, 0L)]
    public void The_repetition_penalty_divides_positive_logits_and_multiplies_negative_ones(float repeated, float other, double penalty, long expected)
    {
        using var sampler = Create(Greedy with { RepetitionPenalty = penalty });
        using var logits = tensor(new[,] { { repeated, other } });
        using var next = sampler.Next(logits, tensor(new long[,] { { 0 } }));
        Assert.Equal(expected, next.item<long>());
    }

    [Fact]
    public void A_token_repeated_several_times_is_penalized_once_as_in_Hugging_Face()
    {
        // Penalizing three times would give 2.0 / 1.1³ = 1.50 < 1.8; once gives 1.818 > 1.8.
        using var sampler = Create(Greedy with { RepetitionPenalty = 1.1 });
        using var logits = tensor(new[,] { { 2.0f, 1.8f } });
        using var next = sampler.Next(logits, tensor(new long[,] { { 0, 0, 0 } }));
        Assert.Equal(0L, next.item<long>());
    }

    [Fact]
    public void Top_p_0_9_over_the_pages_example_keeps_exactly_A_to_D()
    {
        // A 40%, B 30%, C 15%, D 10%, and 5% spread over five other tokens: A..D reach 95% >= 90%, the rest is cut.
        var frequencies = Draw(Sampling with { TopP = 0.9 }, [0.40, 0.30, 0.15, 0.10, 0.01, 0.01, 0.01, 0.01, 0.01]);

        Assert.Equal([0, 1, 2, 3], frequencies.Keys.Order());
        // What is left is renormalized: 0.40 / 0.95, ...
        AssertNear(0.40 / 0.95, frequencies[0]);
        AssertNear(0.30 / 0.95, frequencies[1]);
        AssertNear(0.15 / 0.95, frequencies[2]);
        AssertNear(0.10 / 0.95, frequencies[3]);
    }

    [Fact]
    public void Top_p_over_a_large_vocabulary_keeps_A_to_D_when_the_rest_is_a_long_tail()
    {
        // The page's example with the 5 % spread over 4996 tokens: the nucleus is found among the 256 most probable.
        var probabilities = new double[5000];
        double[] head = [0.40, 0.30, 0.15, 0.10];
        for (var i = 0; i < probabilities.Length; i++)
            probabilities[i] = i < 4 ? head[i] : 0.05 / 4996;

        var frequencies = Draw(Sampling with { TopP = 0.9 }, probabilities, rows: 4000);

        Assert.Equal([0, 1, 2, 3], frequencies.Keys.Order());
        AssertNear(0.40 / 0.95, frequencies[0]);
    }

    [Fact]
    public void Top_p_over_a_flat_distribution_cuts_where_the_cumulative_probability_reaches_P()
    {
        // 10000 tokens with slowly falling scores: the nucleus of P = 0.5 holds thousands of tokens, more than the
        // 4096 searched first, so the whole vocabulary is sorted.
        var scores = Enumerable.Range(0, 10000).Select(i => -i * 2e-5).ToArray();
        var probabilities = scores.Select(Math.Exp).ToArray();
        var total = probabilities.Sum();
        var (before, cut) = (0.0, 0);
        while (before / total < 0.5)
            before += probabilities[cut++];

        var frequencies = Draw(Sampling with { TopP = 0.5 }, [.. probabilities.Select(p => p / total)], rows: 500);

        Assert.InRange(frequencies.Keys.Max(), cut - 100, cut + 1);
        Assert.True(cut > 4096, $"the nucleus should be larger than the searched prefix, was {cut}");
    }

    [Fact]
    public void Top_k_5_keeps_the_five_most_probable_tokens()
    {
        var frequencies = Draw(Sampling with { TopK = 5 }, [0.05, 0.20, 0.02, 0.15, 0.12, 0.03, 0.18, 0.10, 0.09, 0.06]);
        Assert.Equal([1, 3, 4, 6, 7], frequencies.Keys.Order());
    }

    [Theory]
    // The page's example, 40/30/20/10 %. Temperature T turns p into p^(1/T), renormalized:
    // T = 0.5: 16/30 = 53.3 %, 30 %, 13.3 %, 3.3 % (the page rounds this to "60/25/10/5": sharper, as shown);
    // T = 1.5: 35.1 %, 28.9 %, 22.1 %, 13.9 % (the page: A 35 %, C 22 %).
    [InlineData(0.5, new[] { 0.16 / 0.30, 0.09 / 0.30, 0.04 / 0.30, 0.01 / 0.30 })]
    [InlineData(1.5, new[] { 0.35061, 0.28936, 0.22082, 0.13911 })]
    public void Temperature_sharpens_below_1_and_flattens_above_1(double temperature, double[] expected)
    {
        var frequencies = Draw(Sampling with { Temperature = temperature }, [0.4, 0.3, 0.2, 0.1]);
        for (var token = 0; token < 4; token++)
            AssertNear(expected[token], frequencies[token]);
    }

    [Fact]
    public void Temperature_comes_before_top_p()
    {
        // 40/30/20/10 at T = 0.5 becomes 53/30/13/3; top-p 0.8 then keeps A and B. Top-p on the original
        // distribution would have kept C too (A + B = 70 % < 80 %).
        var frequencies = Draw(Sampling with { Temperature = 0.5, TopP = 0.8 }, [0.4, 0.3, 0.2, 0.1]);
        Assert.Equal([0, 1], frequencies.Keys.Order());
    }

    [Fact]
    public void Top_k_comes_before_top_p_which_sees_the_renormalized_survivors()
    {
        // Top-k 2 leaves A 57 %, B 43 %; top-p 0.5 then keeps only A. Top-p first would have kept A and B.
        var frequencies = Draw(Sampling with { TopK = 2, TopP = 0.5 }, [0.4, 0.3, 0.2, 0.1]);
        Assert.Equal([0], frequencies.Keys);
    }

    [Fact]
    public void The_same_seed_draws_the_same_tokens_and_another_seed_others()
    {
        var first = Sequence(seed: 7);
        Assert.Equal(first, Sequence(seed: 7));
        Assert.NotEqual(first, Sequence(seed: 8));

        long[] Sequence(long seed)
        {
            using var sampler = Create(Sampling with { Seed = seed, TopK = 50, TopP = 0.95 });
            using var logits = randn([1, 1000], generator: new Generator(1));
            return [.. Enumerable.Range(0, 40).Select(_ =>
            {
                using var next = sampler.Next(logits, empty(1, 0, ScalarType.Int64));
                return next.item<long>();
            })];
        }
    }

    [Fact]
    public void A_temperature_of_zero_while_sampling_is_refused()
    {
        var error = Assert.Throws<PluginRuntimeException>(() => Create(Sampling with { Temperature = 0 }));
        Assert.Contains("The temperature must be positive when sampling", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Draws one token for each of <paramref name="rows"/> identical rows; the frequency of each token drawn.</summary>
    private Dictionary<int, double> Draw(SamplingOptions options, double[] probabilities, int rows = Rows)
    {
        using var sampler = Create(options);
        using var row = tensor(probabilities.Select(p => (float)Math.Log(p)).ToArray());
        using var logits = row.unsqueeze(0).expand(rows, probabilities.Length).contiguous();
        using var next = sampler.Next(logits, empty(rows, 0, ScalarType.Int64));
        return next.data<long>().ToArray().GroupBy(t => (int)t).ToDictionary(g => g.Key, g => g.Count() / (double)rows);
    }

    private static void AssertNear(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) < 0.02, $"expected {expected:F4}, drew {actual:F4}");
}
