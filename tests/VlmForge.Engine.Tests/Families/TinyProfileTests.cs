using Snapshooter.Xunit;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Engine.Families;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Tests.Planning;
using VlmForge.Models.Families;
using VlmForge.Models.Training;
using VlmForge.Settings;
using VlmForge.Settings.Loading;
using VlmForge.Settings.Writing;

namespace VlmForge.Engine.Tests.Families;

/// <summary>
/// The tiny family's profile, as a workflow loads with the engine's catalog (what `check`, `plan` and `train` pass): its
/// CPU defaults, its one size, its advice, and the repository's default workflow.
/// </summary>
public sealed class TinyProfileTests
{
    private static WorkflowLoadResult Load(string toml) => WorkflowLoader.LoadText(toml, "vlmforge.toml", PlanningFixtures.Plugins, Path.GetTempPath());

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VlmForge.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("VlmForge.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void A_tiny_family_file_resolved_over_the_tiny_familys_defaults()
    {
        // Only the family and a dataset: every setting the tiny family needs on a CPU comes from the family, the rest
        // from the schema, and the one value written (epochs) wins.
        var result = Load("[model]\nfamily = \"tiny\"\n\n[training]\nepochs = 3\n\n[dataset]\nsynthetic = \"shapes\"\n");
        Assert.Empty(result.Errors);

        Snapshot.Match(ResolvedConfigWriter.Write(result.Settings!).Split('\n'));
    }

    [Fact]
    public void The_tiny_familys_defaults_fill_only_what_the_file_leaves_out()
    {
        var result = Load("[model]\nfamily = \"tiny\"\nprecision = \"bf16\"\n\n[dataset]\nimage_size = 32\n");

        var model = result.Settings!.Model;
        Assert.Equal((TrainingMode.Full, "none", "bf16"), (model.TrainingMode, model.Quantization, model.Precision));
        Assert.Equal(32, result.Settings.Dataset.ImageSize);
        Assert.Equal(0.001, result.Settings.Training.LearningRate);
        Assert.Equal("vlmforge.toml:2:10: note: family = \"tiny\" sets what the file leaves out to the tiny family's values: model.size = \"tiny\", " +
                     "model.training_mode = \"full\", model.quantization = \"none\", training.learning_rate = 0.001, training.batch_size = 16, " +
                     "evaluation.max_new_tokens = 96. Write a key to choose another value.", result.FamilyDefaultsNote);
    }

    [Fact]
    public void Size_tiny_alone_chooses_the_tiny_family_which_comes_in_no_other_size()
    {
        var bySize = Load("[model]\nsize = \"tiny\"\n");
        Assert.Equal("tiny", bySize.Settings!.Model.Family);
        Assert.Equal(("model.family", "\"tiny\""), (bySize.FamilyDefaults[0].KeyPath, bySize.FamilyDefaults[0].Value));

        Assert.Equal("vlmforge.toml:2:8: error VLMF0108: model.size: size = \"medium\" is not a size of the tiny family, which comes in \"tiny\": " +
                     "remove size (the tiny family fills it in) or set size = \"tiny\".",
            Assert.Single(Load("[model]\nsize = \"medium\"\nfamily = \"tiny\"\n").Errors).ToString());
        Assert.StartsWith("vlmforge.toml:2:10: error VLMF0108: model.family: family = \"qwen2_5_vl\" does not come in size = \"tiny\": that size is the tiny family's",
            Assert.Single(Load("[model]\nfamily = \"qwen2_5_vl\"\nsize = \"tiny\"\n").Errors).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_tiny_family_with_a_4bit_base_or_lora_written_out_is_advised_to_train_in_full()
    {
        var result = Load("[model]\nfamily = \"tiny\"\nquantization = \"nf4\"\ntraining_mode = \"lora\"\n");
        var advice = result.Warnings.Where(w => w.Rule == "tiny-family").ToList();

        Assert.Equal(["vlmforge.toml:3:16 model.quantization", "vlmforge.toml:4:17 model.training_mode"], advice.Select(a => $"{a.Location} {a.KeyPath}"));
        Assert.Contains("Leave quantization out (the tiny family uses \"none\")", advice[0].Message, StringComparison.Ordinal);
        // A family-only config is advice-free: the family's batch of 16 is the recommended effective batch, and the
        // page's output lengths (real tokenizers) are waived.
        Assert.DoesNotContain(Load("[model]\nfamily = \"tiny\"\n").Warnings, w => w.Rule is not null);
        // Another family's workflow does not get the tiny family's advice.
        Assert.DoesNotContain(Load("[model]\nfamily = \"smolvlm\"\nsize = \"small\"\nquantization = \"nf4\"\n").Warnings, w => w.Rule == "tiny-family");
    }

    [Fact]
    public void A_snapshot_family_without_its_folder_is_pointed_at_the_tiny_family()
    {
        var advice = Assert.Single(Load("[model]\nfamily = \"smolvlm\"\nsize = \"small\"\n").Warnings, w => w.Rule == "model-path");
        Assert.EndsWith("or use family = \"tiny\" (VlmForge's own model, trained from scratch on a CPU).", advice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_workflow_is_the_tiny_model_on_synthetic_shapes_and_has_no_errors_or_warnings()
    {
        var result = WorkflowLoader.LoadFile(Path.Combine(RepoRoot(), "vlmforge.toml"), PlanningFixtures.Plugins);

        Assert.Empty(result.Diagnostics);
        var settings = result.Settings!;
        Assert.Equal(("tiny", ModelSize.Tiny, TrainingMode.Full, "none"),
            (settings.Model.Family, settings.Model.Size, settings.Model.TrainingMode, settings.Model.Quantization));
        Assert.Equal((SyntheticDataset.Shapes, DatasetTask.Mixed, "data/shapes"), (settings.Dataset.Synthetic, settings.Dataset.Task, settings.Dataset.Path));
    }

    [Fact]
    public void A_family_cannot_claim_a_size_another_family_owns()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelFamilyRegistry.Register(new SizeThief()));
        Assert.Contains("model.size = \"tiny\" already chooses the tiny family", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("size_thief", ModelFamilyRegistry.Names);
    }

    private sealed class SizeThief : ISnapshotFamily
    {
        public string Name => "size_thief";

        public FamilyProfile Profile => new(Name) { ChosenBySize = "tiny" };

        public string ModelType => Name;

        public ChatTemplate Template => ChatTemplates.Qwen25Vl;

        public IFamilyConfig ParseConfig(string json, string source) => throw Unused;

        public ModelShape Shape(IFamilyConfig config, string name) => throw Unused;

        public SmartResize? ReadResize(IFamilyConfig config, string folder, string configured) => throw Unused;

        public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, IReadOnlyList<ImageSize> originals, int datasetImageSize) => throw Unused;

        public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, ImageSize trained, string recordedResize) => throw Unused;

        public (int ImageTokens, int VisionTokens) ImageTokens(IFamilyConfig config, ImageSize modelImage) => throw Unused;

        public (int ImageTokens, FamilyModelOptions Options) ModelImage(IFamilyConfig config, ImageSize modelImage) => throw Unused;

        private static NotSupportedException Unused => new("registration only");
    }
}
