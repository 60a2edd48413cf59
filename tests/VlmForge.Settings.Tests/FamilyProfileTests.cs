using VlmForge.Settings.Loading;

namespace VlmForge.Settings.Tests;

/// <summary>
/// A family's profile, handed to the loader by the engine, decides its defaults, its sizes and its advice: the settings
/// layer names no family. These tests register families of their own (<see cref="TestFamilies"/>).
/// </summary>
public class FamilyProfileTests
{
    private static WorkflowLoadResult Load(string toml) => TestConfig.Load(toml, FakePlugins.WithFamilies);

    private static string Single(string toml) => Assert.Single(Load(toml).Errors).ToString();

    [Fact]
    public void A_familys_defaults_fill_only_what_the_file_leaves_out_and_the_note_says_which()
    {
        var result = Load("[model]\nfamily = \"scratch\"\nquantization = \"none\"\n\n[dataset]\nimage_size = 48\n");

        Assert.Empty(result.Errors);
        var settings = result.Settings!;
        Assert.Equal((ModelSize.Tiny, TrainingMode.Full, 0.002, 48), (settings.Model.Size, settings.Model.TrainingMode, settings.Training.LearningRate, settings.Dataset.ImageSize));
        Assert.Equal(["model.size", "model.training_mode", "training.learning_rate"], result.FamilyDefaults.Select(d => d.KeyPath));
        Assert.Equal("vlmforge.toml:2:10: note: family = \"scratch\" sets what the file leaves out to the scratch family's values: model.size = \"tiny\", " +
                     "model.training_mode = \"full\", training.learning_rate = 0.002. Write a key to choose another value.", result.FamilyDefaultsNote);
    }

    [Fact]
    public void A_family_without_defaults_gets_the_schemas_and_no_note()
    {
        var real = Load("[model]\nfamily = \"smolvlm\"\nsize = \"small\"\n");

        Assert.Equal((TrainingMode.Lora, "nf4", 448), (real.Settings!.Model.TrainingMode, real.Settings.Model.Quantization, real.Settings.Dataset.ImageSize));
        Assert.Empty(real.FamilyDefaults);
        Assert.Null(real.FamilyDefaultsNote);
    }

    [Fact]
    public void A_size_one_family_owns_chooses_it_and_the_family_alone_chooses_its_size()
    {
        var bySize = Load("[model]\nsize = \"tiny\"\n");
        Assert.Empty(bySize.Errors);
        Assert.Equal("scratch", bySize.Settings!.Model.Family);
        Assert.Equal(new Abstractions.Settings.SourceLocation("vlmforge.toml", 2, 8), bySize.FamilyDefaults[0].Because);
        Assert.Equal(("model.family", "\"scratch\""), (bySize.FamilyDefaults[0].KeyPath, bySize.FamilyDefaults[0].Value));

        var byFamily = Load("[model]\nfamily = \"scratch\"\n");
        Assert.Equal(ModelSize.Tiny, byFamily.Settings!.Model.Size);
        Assert.Equal((byFamily.Settings.Model, byFamily.Settings.Training, byFamily.Settings.Dataset),
            (bySize.Settings.Model, bySize.Settings.Training, bySize.Settings.Dataset));
    }

    [Fact]
    public void A_size_the_family_does_not_come_in_is_an_error_at_the_size_and_another_familys_size_at_the_family()
    {
        Assert.Equal("vlmforge.toml:2:8: error VLMF0108: model.size: size = \"medium\" is not a size of the scratch family, which comes in \"tiny\": " +
                     "remove size (the scratch family fills it in) or set size = \"tiny\".",
            Single("[model]\nsize = \"medium\"\nfamily = \"scratch\"\n"));
        Assert.Equal("vlmforge.toml:2:10: error VLMF0108: model.family: family = \"qwen2_5_vl\" does not come in size = \"tiny\": that size is the scratch " +
                     "family's (a model trained from scratch). Remove family (size = \"tiny\" alone chooses the scratch family), or pick another size for qwen2_5_vl.",
            Single("[model]\nfamily = \"qwen2_5_vl\"\nsize = \"tiny\"\n"));
    }

    [Fact]
    public void Without_the_engines_families_no_family_is_known_so_none_fills_in_or_checks_anything()
    {
        var result = TestConfig.Load("[model]\nfamily = \"scratch\"\nsize = \"medium\"\n");

        Assert.Empty(result.Errors);
        Assert.Empty(result.FamilyDefaults);
        Assert.Equal(TrainingMode.Lora, result.Settings!.Model.TrainingMode);
        Assert.DoesNotContain(result.Warnings, w => w.Rule is "model-path" or "scratch-precision");
    }

    [Fact]
    public void A_familys_own_advice_runs_for_its_workflows_only_and_a_waived_rule_not_at_all()
    {
        // 1024 new tokens would be too many for VQA answers in a real family's tokens; scratch waives that rule.
        const string Written = "precision = \"fp32\"\n\n[dataset]\ntask = \"vqa\"\n\n[evaluation]\nmax_new_tokens = 1024\n";
        var scratch = Load("[model]\nfamily = \"scratch\"\n" + Written);
        var real = Load("[model]\nfamily = \"smolvlm\"\nsize = \"small\"\n" + Written);

        var own = Assert.Single(scratch.Warnings, w => w.Rule == "scratch-precision");
        Assert.Equal("vlmforge.toml:3:13", own.Location.ToString());
        Assert.DoesNotContain(scratch.Warnings, w => w.Rule == "max-new-tokens");
        Assert.DoesNotContain(real.Warnings, w => w.Rule == "scratch-precision");
        Assert.Contains(real.Warnings, w => w.Rule == "max-new-tokens");
    }

    [Fact]
    public void A_snapshot_family_without_a_snapshot_folder_is_warned_about_and_told_of_the_families_that_need_none()
    {
        var advice = Assert.Single(Load("[model]\nfamily = \"smolvlm\"\nsize = \"small\"\n").Warnings, w => w.Rule == "model-path");
        Assert.Contains("model.path is not set", advice.Message, StringComparison.Ordinal);
        Assert.EndsWith("or use family = \"scratch\" (a model trained from scratch).", advice.Message, StringComparison.Ordinal);

        var missing = Assert.Single(Load("[model]\npath = \"models/qwen\"\n").Warnings, w => w.Rule == "model-path");
        Assert.Equal("vlmforge.toml:2:8", missing.Location.ToString());
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        Assert.DoesNotContain(Load("[model]\nfamily = \"scratch\"\n").Warnings, w => w.Rule == "model-path");
    }

    [Fact]
    public void A_familys_rule_that_throws_is_a_warning_naming_it_and_the_workflow_still_loads()
    {
        var broken = new FamilyProfile("broken") { Advice = [new ThrowingRule()] };
        var plugins = new FakePlugins(new() { [Abstractions.Plugins.PluginKind.Optimizer] = ["adamw"], [Abstractions.Plugins.PluginKind.Quantizer] = ["nf4"],
            [Abstractions.Plugins.PluginKind.Precision] = ["bf16"], [Abstractions.Plugins.PluginKind.Sampler] = ["standard"] }, [broken]);

        var result = TestConfig.Load("[model]\nfamily = \"broken\"\nsize = \"small\"\n", plugins);

        Assert.NotNull(result.Settings);
        var warning = Assert.Single(result.Warnings, w => w.Rule == "throws");
        Assert.Equal("vlmforge.toml:2:10", warning.Location.ToString());
        Assert.Contains("the broken family's advice rule 'throws' failed (InvalidOperationException: no such key)", warning.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingRule : Advice.IAdviceRule
    {
        public string Name => "throws";

        public string Code => "VLMA9002";

        public void Check(Advice.AdviceContext context, Abstractions.Settings.DiagnosticBag diagnostics) => throw new InvalidOperationException("no such key");
    }

    [Fact]
    public void A_profile_rejects_a_default_for_a_setting_that_does_not_exist_or_of_a_type_toml_has_not()
    {
        Assert.Contains("model.colour names no built-in setting",
            Assert.Throws<ArgumentException>(() => new FamilyProfile("x") { Defaults = [new("model.colour", "red")] }).Message, StringComparison.Ordinal);
        Assert.Contains("training.batch_size is a Int32",
            Assert.Throws<ArgumentException>(() => new FamilyProfile("x") { Defaults = [new("training.batch_size", 16)] }).Message, StringComparison.Ordinal);
    }
}
