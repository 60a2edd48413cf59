using VlmForge.Cli;

namespace VlmForge.Cli.Tests;

/// <summary>
/// Defaults a user meets through check, plan and init: the tiny family's own defaults and where they came from,
/// size = "tiny" implying the family, and init's output that its own check has no advice about.
/// </summary>
public class ConfigDefaultsCommandsTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string Config(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("vlmforge-defaults-").FullName, "vlmforge.toml");
        File.WriteAllText(path, text);
        return path;
    }

    private const string TinyValues = "model.training_mode = \"full\", model.quantization = \"none\", model.precision = \"fp32\", " +
        "training.learning_rate = 0.001, training.batch_size = 16, dataset.image_size = 64, evaluation.max_new_tokens = 96";

    [Fact]
    public void Check_and_plan_of_a_family_only_config_use_and_name_the_tiny_familys_cpu_defaults()
    {
        var path = Config("[model]\nfamily = \"tiny\"\n");

        var check = Run("check", "--config", path);
        Assert.Equal(0, check.Exit);
        Assert.Contains($"{path}:2:10: note: family = \"tiny\" sets what the file leaves out to the tiny family's values: model.size = \"tiny\", {TinyValues}. " +
                        "Write a key to choose another value.", check.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("VLMA", check.Output, StringComparison.Ordinal);

        var plan = Run("plan", "--config", path);
        Assert.True(plan.Exit == 0, plan.Error);
        Assert.Contains($"{path}:2:10: note: family = \"tiny\" sets", plan.Output, StringComparison.Ordinal);
        Assert.Contains("training  full fine-tuning: ", plan.Output, StringComparison.Ordinal);
        Assert.Contains("; quantization none; fp32; adamw", plan.Output, StringComparison.Ordinal);
        Assert.Contains("batch     16 x 1 accumulation = effective batch 16", plan.Output, StringComparison.Ordinal);
        Assert.Contains("dataset.image_size = 64", plan.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_the_user_writes_win_over_the_tiny_defaults_and_check_advises_when_they_cannot_work_well()
    {
        var path = Config("[model]\nfamily = \"tiny\"\nquantization = \"nf4\"\ntraining_mode = \"lora\"\n");

        var check = Run("check", "--config", path);

        Assert.Equal(0, check.Exit);
        Assert.Contains($"{path}:3:16: warning VLMA0102: model.quantization: quantization = \"nf4\" stores the tiny model's frozen base in 4 bits", check.Output, StringComparison.Ordinal);
        Assert.Contains($"{path}:4:17: warning VLMA0102: model.training_mode: training_mode = \"lora\"", check.Output, StringComparison.Ordinal);
        // The note lists only what the family filled in.
        Assert.Contains("values: model.size = \"tiny\", model.precision = \"fp32\", training.learning_rate", check.Output, StringComparison.Ordinal);
        var plan = Run("plan", "--config", path);
        Assert.Contains("training  LoRA", plan.Output, StringComparison.Ordinal);
        Assert.Contains("quantization NF4", plan.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_tiny_without_a_family_implies_the_tiny_family()
    {
        var path = Config("[model]\nsize = \"tiny\"\n");

        var check = Run("check", "--config", path);

        Assert.True(check.Exit == 0, check.Error);
        Assert.Contains($"{path}:2:8: note: size = \"tiny\" sets what the file leaves out to the tiny family's values: model.family = \"tiny\", {TinyValues}.",
            check.Output, StringComparison.Ordinal);
        Assert.Contains("model     tiny", Run("plan", "--config", path).Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("family = \"smolvlm\"\nsize = \"tiny\"\n", "2:10: error VLMF0108: model.family: family = \"smolvlm\" does not come in size = \"tiny\": that size is the tiny family's")]
    [InlineData("family = \"tiny\"\nsize = \"small\"\n", "3:8: error VLMF0108: model.size: size = \"small\" is not a size of the tiny family, which comes in \"tiny\"")]
    public void A_real_family_with_the_tiny_size_stays_an_error_at_its_line_and_column(string model, string expected)
    {
        var path = Config("[model]\n" + model);

        var check = Run("check", "--config", path);

        Assert.Equal(1, check.Exit);
        Assert.Contains($"{path}:{expected}", check.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", check.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grounding")]
    [InlineData("vqa")]
    public void Init_writes_an_effective_batch_its_own_check_has_no_advice_about(string task)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("vlmforge-init-").FullName, "vlmforge.toml");
        Assert.Equal(0, Run("init", "--task", task, "--out", path).Exit);
        var text = File.ReadAllText(path);
        Assert.Contains("\nbatch_size = 4\n", text, StringComparison.Ordinal);
        Assert.Contains("\ngradient_accumulation = 2\n", text, StringComparison.Ordinal);

        var check = Run("check", "--config", path);

        Assert.Equal(0, check.Exit);
        Assert.DoesNotContain("VLMA0003", check.Output, StringComparison.Ordinal);
        // The only advice left: a real family needs a snapshot folder, which init cannot know.
        var advice = check.Output.Split('\n').Where(l => l.Contains(": warning VLMA", StringComparison.Ordinal)).ToList();
        Assert.All(advice, line => Assert.Contains("warning VLMA0101: model.path", line, StringComparison.Ordinal));
    }
}
