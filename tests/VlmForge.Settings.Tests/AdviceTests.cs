using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Tests;

/// <summary>The page's advice, with the page's numbers; advice is a warning naming its rule, never an error.</summary>
public class AdviceTests
{
    private static List<SettingsDiagnostic> Advice(string toml, string rule)
    {
        var result = TestConfig.Load(toml);
        Assert.Empty(result.Errors);
        return result.Warnings.Where(w => w.Rule == rule).ToList();
    }

    [Theory]
    [InlineData("small", "lora", 0.0001)]
    [InlineData("small", "full", 0.00005)]
    [InlineData("medium", "lora", 0.0001)]
    [InlineData("medium", "full", 0.00003)]
    [InlineData("large", "lora", 0.00005)]
    [InlineData("large", "full", 0.00001)]
    [InlineData("medium", "lora", 0.0002)]   // the page's own tuning step (0.0001 -> 0.0002) is not "far"
    public void The_pages_learning_rate_table_draws_no_advice(string size, string mode, double rate)
    {
        var quantization = mode == "full" ? "none" : "nf4";
        Assert.Empty(Advice($"[model]\nsize = \"{size}\"\ntraining_mode = \"{mode}\"\nquantization = \"{quantization}\"\n[training]\nlearning_rate = {rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n", "learning-rate"));
    }

    [Fact]
    public void A_learning_rate_10x_the_table_is_flagged_with_the_ratio_and_the_fix()
    {
        var advice = Assert.Single(Advice("[model]\nsize = \"medium\"\n[training]\nlearning_rate = 0.001\n", "learning-rate"));

        Assert.Equal("vlmforge.toml:4:17: warning VLMA0001: training.learning_rate: 0.001 is 10x the recommended starting value 0.0001 for a medium model with LoRA training. Too high a rate makes training unstable: the loss spikes or becomes NaN. Reduce it 2-5x, or start from the recommended value. [learning-rate]",
            advice.ToString());
        Assert.Equal(DiagnosticSeverity.Warning, advice.Severity);
    }

    [Fact]
    public void A_learning_rate_far_below_the_table_is_flagged()
    {
        var advice = Assert.Single(Advice("[model]\nsize = \"large\"\ntraining_mode = \"full\"\nquantization = \"none\"\n[training]\nlearning_rate = 0.000001\n", "learning-rate"));

        Assert.StartsWith("1e-6 is 10x below the recommended starting value 1e-5 for a large model with full fine-tuning.", advice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tiny_model_has_no_learning_rate_table()
    {
        Assert.Empty(Advice("[model]\nfamily = \"tiny\"\nsize = \"tiny\"\n[training]\nlearning_rate = 0.01\n", "learning-rate"));
    }

    [Theory]
    [InlineData(50, 150, null)]       // <100 images: 100-300
    [InlineData(50, 99, "99 epochs for 50 training images")]
    [InlineData(999, 20, "20 epochs for 999 training images")]
    [InlineData(300, 50, null)]       // 100-1000 images: 50-150
    [InlineData(300, 200, "200 epochs for 300 training images")]
    [InlineData(300, 40, "40 epochs for 300 training images")]
    [InlineData(1000, 20, null)]      // 1000+ images: 20-100
    [InlineData(5000, 150, "150 epochs for 5000 training images")]
    public void Epochs_are_checked_against_the_dataset_size(int images, int epochs, string? expected)
    {
        var folder = Directory.CreateTempSubdirectory("vlmforge-epochs-").FullName;
        File.WriteAllLines(Path.Combine(folder, "train.jsonl"), Enumerable.Range(0, images).Select(i => $"{{\"image\": \"{i}.png\"}}").Append(""));
        File.WriteAllText(Path.Combine(folder, "vlmforge.toml"), $"[training]\nepochs = {epochs}\n[dataset]\npath = \".\"\n");

        var result = Loading.WorkflowLoader.LoadFile(Path.Combine(folder, "vlmforge.toml"));
        var advice = result.Warnings.Where(w => w.Rule == "epochs-for-dataset-size").ToList();

        if (expected is null) Assert.Empty(advice);
        else Assert.StartsWith(expected, Assert.Single(advice).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Epochs_for_a_synthetic_dataset_use_its_count_and_give_the_pages_reasoning()
    {
        var advice = Assert.Single(Advice("[training]\nepochs = 10\n[dataset]\nsynthetic = \"shapes\"\nsynthetic_count = 1000\n", "epochs-for-dataset-size"));

        Assert.Equal("10 epochs for 1000 training images (dataset.synthetic_count = 1000); the recommended range for large datasets (1000+ images) is 20-100: fewer passes are needed with abundant data; returns diminish after 50-75 epochs. Train longer while validation still improves.",
            advice.Message);
    }

    [Theory]
    [InlineData(2, 4, false)]
    [InlineData(4, 2, false)]
    [InlineData(8, 1, false)]
    [InlineData(16, 1, false)]
    [InlineData(4, 1, true)]     // the page's starting default: 4 x 1 = 4
    [InlineData(8, 4, true)]
    public void The_effective_batch_should_be_8_to_16(int batch, int accumulation, bool warns)
    {
        var advice = Advice($"[training]\nbatch_size = {batch}\ngradient_accumulation = {accumulation}\n", "effective-batch");

        Assert.Equal(warns ? 1 : 0, advice.Count);
        if (warns) Assert.Contains($"{batch} x {accumulation} = {batch * accumulation}", advice[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("medium", true)]
    [InlineData("large", true)]
    [InlineData("small", false)]
    public void Fp16_on_7b_and_larger_suggests_bf16(string size, bool warns)
    {
        var advice = Advice($"[model]\nsize = \"{size}\"\nprecision = \"fp16\"\n", "fp16-on-large-models");

        Assert.Equal(warns ? 1 : 0, advice.Count);
        if (warns) Assert.Contains("use precision = \"bf16\"", advice[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fp4_suggests_nf4()
    {
        var advice = Assert.Single(Advice("[model]\nquantization = \"fp4\"\n", "fp4-quantization"));

        Assert.StartsWith("vlmforge.toml:2:16: warning VLMA0005: model.quantization: ", advice.ToString(), StringComparison.Ordinal);
        Assert.EndsWith(" [fp4-quantization]", advice.ToString(), StringComparison.Ordinal);
        Assert.Contains("NF4 is preferred to FP4", advice.Message, StringComparison.Ordinal);
        Assert.Empty(Advice("[model]\nquantization = \"nf4\"\n", "fp4-quantization"));
    }

    [Theory]
    [InlineData(1.3, false)]
    [InlineData(1.31, true)]
    [InlineData(1.5, true)]
    public void Repetition_penalty_above_1_3_is_flagged(double penalty, bool warns) =>
        Assert.Equal(warns ? 1 : 0, Advice($"[evaluation]\nrepetition_penalty = {penalty.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n", "repetition-penalty").Count);

    [Theory]
    [InlineData(1.5, true, false)]
    [InlineData(1.6, true, true)]
    [InlineData(1.6, false, false)]   // greedy decoding ignores the temperature
    public void Temperature_above_1_5_is_flagged(double temperature, bool sample, bool warns) =>
        Assert.Equal(warns ? 1 : 0, Advice($"[evaluation]\ntemperature = {temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)}\ndo_sample = {(sample ? "true" : "false")}\n", "temperature").Count);

    [Theory]
    [InlineData("grounding", 512, false)]
    [InlineData("grounding", 128, true)]
    [InlineData("vqa", 256, false)]
    [InlineData("vqa", 1024, true)]
    public void Max_new_tokens_is_checked_against_the_task(string task, int tokens, bool warns) =>
        Assert.Equal(warns ? 1 : 0, Advice($"[dataset]\ntask = \"{task}\"\n[evaluation]\nmax_new_tokens = {tokens}\n", "max-new-tokens").Count);

    [Fact]
    public void Advice_is_only_given_for_configs_without_errors()
    {
        var result = TestConfig.Load("[training]\nlearning_rate = 0.5\nepochs = 0\n");

        Assert.Single(result.Errors);
        Assert.DoesNotContain(result.Warnings, w => w.Rule is not null);
    }
}
