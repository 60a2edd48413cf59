using System.Text.Json;
using System.Text.Json.Nodes;
using VlmForge.Abstractions.Settings;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Prompts;
using VlmForge.Engine.Families;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Tests.Pipeline.FamilyRuns;
using VlmForge.Models.Families;
using VlmForge.Models.Families.Qwen25Vl;
using VlmForge.Models.Training;
using VlmForge.Settings;
using VlmForge.Settings.Advice;
using static TorchSharp.torch;

namespace VlmForge.Cli.Tests;

/// <summary>
/// A model family defined here, in the test assembly, registers with <see cref="ModelFamilyRegistry.Register"/> and is
/// then named in a vlmforge.toml like a built-in one: <c>plan</c>, <c>train</c>, <c>eval</c> and <c>generate</c> run
/// through the CLI with no change to the engine or the CLI. The family is its own name, model_type, config type and
/// family class; its modules are Qwen2.5-VL's (a small family of our own would need its own modules and a checkpoint
/// writer, which prove nothing more about the registry), so the snapshot is a tiny random Qwen2.5-VL one whose
/// config.json says model_type "outside_vlm".
/// </summary>
public sealed class OutsideFamilyTests : IDisposable
{
    private const string Family = "outside_vlm";

    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-outside-family-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Config = """
        [model]
        family = "outside_vlm"
        size = "small"
        path = "snapshot"
        training_mode = "lora"
        lora_rank = 4
        lora_alpha = 8
        lora_dropout = 0.0
        quantization = "none"
        precision = "fp32"

        [training]
        epochs = 1
        learning_rate = 0.01
        batch_size = 2
        max_steps = 2
        checkpoint_interval = 2
        seed = 5

        [evaluation]
        max_examples = 2
        do_sample = false

        [dataset]
        path = "data"
        image_size = 32
        synthetic = "shapes"
        synthetic_count = 10
        validation_split = 0.2

        [run]
        name = "outside"
        threads = 1
        """;

    [Fact]
    public void A_family_registered_from_the_test_assembly_plans_trains_evaluates_and_generates_through_the_cli()
    {
        ModelFamilyRegistry.Register(new OutsideFamily());
        WriteSnapshot(Path.Combine(_dir, "snapshot"));
        var config = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(config, Config);

        var (exit, output, error) = Cli("plan", "--config", config, "--format", "json");
        Assert.True(exit == 0, error + output);
        using (var plan = JsonDocument.Parse(output))
        {
            // The planner asked the family for its shape: the parameters of the snapshot's own architecture.
            Assert.Contains("outside_vlm", output, StringComparison.Ordinal);
            Assert.True(plan.RootElement.GetRawText().Length > 0);
        }

        (exit, output, error) = Cli("train", "--config", config);
        Assert.True(exit == 0, error + output);
        Assert.Contains("Completed: 2 steps", output, StringComparison.Ordinal);
        var run = Path.Combine(_dir, "runs", "outside");
        // The family's profile filled in what the file leaves out, and the run recorded it.
        Assert.Contains("max_new_tokens = 12", File.ReadAllText(Path.Combine(run, "config.toml")), StringComparison.Ordinal);
        using (var usage = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "model", "vlmforge.json"))))
        {
            Assert.Equal(Family, usage.RootElement.GetProperty("family").GetString());
        }

        (exit, output, error) = Cli("eval", run);
        Assert.True(exit == 0, error + output);
        Assert.NotEmpty(File.ReadAllLines(Path.Combine(run, "eval", "predictions.jsonl")));

        var image = Directory.EnumerateFiles(Path.Combine(_dir, "data"), "*.png", SearchOption.AllDirectories).First();
        (exit, output, error) = Cli("generate", run, "--image", image, "--prompt", "What shape is this?", "--max-new-tokens", "4");
        Assert.True(exit == 0, error + output);
    }

    [Fact]
    public void A_registered_familys_profile_fills_in_its_defaults_and_gives_its_own_advice_at_check()
    {
        ModelFamilyRegistry.Register(new OutsideFamily());
        var config = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(config, "[model]\nfamily = \"outside_vlm\"\nsize = \"small\"\npath = \".\"\nlora_rank = 64\n");

        var (exit, output, error) = Cli("check", "--config", config);

        Assert.True(exit == 0, error + output);
        Assert.Contains($"{config}:2:10: note: family = \"outside_vlm\" sets what the file leaves out to the outside_vlm family's values: evaluation.max_new_tokens = 12.",
            output, StringComparison.Ordinal);
        Assert.Contains($"{config}:5:13: warning VLMA9100: model.lora_rank: the outside_vlm family's adapters need no more than rank 16", output + error, StringComparison.Ordinal);

        // Another family's workflow gets neither.
        File.WriteAllText(config, "[model]\nfamily = \"qwen2_5_vl\"\nsize = \"small\"\npath = \".\"\nlora_rank = 64\n");
        (exit, output, error) = Cli("check", "--config", config);
        Assert.DoesNotContain("outside_vlm", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unregistered_family_is_an_error_at_its_line_that_lists_the_registered_families()
    {
        var config = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(config, "[model]\nfamily = \"llava\"\n");

        var (exit, output, error) = Cli("check", "--config", config);

        Assert.NotEqual(0, exit);
        var text = output + error;
        Assert.Contains($"{config}:2:10: error VLMF0106: model.family: \"llava\" is not a registered model family; registered: \"tiny\", \"qwen2_5_vl\", \"smolvlm\"",
            text, StringComparison.Ordinal);

        File.WriteAllText(config, "[model]\nfamily = \"qwen2.5-vl\"\nsize = \"small\"\n");
        (exit, output, error) = Cli("check", "--config", config);
        Assert.NotEqual(0, exit);
        Assert.Contains("family = \"qwen2.5-vl\" names the qwen2_5_vl family in another spelling; write family = \"qwen2_5_vl\".", output + error, StringComparison.Ordinal);
    }

    /// <summary>A tiny random Qwen2.5-VL snapshot whose config.json names the outside family's model_type.</summary>
    private static void WriteSnapshot(string folder)
    {
        TinySnapshots.WriteQwen(folder);
        var path = Path.Combine(folder, SnapshotFolder.ConfigFileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["model_type"] = Family;
        File.WriteAllText(path, json.ToJsonString());
    }

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The outside family's config.json: Qwen2.5-VL's fields under its own model_type.</summary>
    private sealed record OutsideConfig(Qwen25VlConfig Architecture) : IFamilyConfig
    {
        public string Family => OutsideFamilyTests.Family;

        public string ModelType => OutsideFamilyTests.Family;

        public int VocabSize => Architecture.VocabSize;

        public int ImageTokenId => Architecture.ImageTokenId;

        public void Validate() => Architecture.Validate();

        public FamilyModel CreateModel(ModelSetup setup, FamilyModelOptions options) => Architecture.CreateModel(setup, options);

        public FamilyModel CreateSkeleton(ModelSetup setup, FamilyModelOptions options, Device device) => Architecture.CreateSkeleton(setup, options, device);
    }

    /// <summary>Everything the engine asks of a family, answered for <see cref="OutsideConfig"/> with Qwen2.5-VL's rules.</summary>
    private sealed class OutsideFamily : ISnapshotFamily
    {
        private static readonly ISnapshotFamily Qwen = (ISnapshotFamily)ModelFamilyRegistry.Find(ModelFamilies.Qwen25Vl);

        public string Name => Family;

        public string ModelType => Family;

        public ChatTemplate Template => ChatTemplates.Qwen25Vl;

        /// <summary>Its own default (short answers) and its own advice, as an outside family brings them.</summary>
        public FamilyProfile Profile { get; } = new(Family)
        {
            Defaults = [new("evaluation.max_new_tokens", 12L)],
            Advice = [new RankRule()],
        };

        public IFamilyConfig ParseConfig(string json, string source)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            node["model_type"] = Qwen25VlConfig.HuggingFaceModelType;
            return new OutsideConfig(Qwen25VlConfig.Parse(node.ToJsonString(), source));
        }

        public ModelShape Shape(IFamilyConfig config, string name) => Qwen.Shape(Inner(config), name) with { Family = Family };

        public SmartResize? ReadResize(IFamilyConfig config, string folder, string configured) => Qwen.ReadResize(Inner(config), folder, configured);

        public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, IReadOnlyList<ImageSize> originals, int datasetImageSize) =>
            Qwen.Conventions(Inner(config), resize, originals, datasetImageSize);

        public RunConventions Conventions(IFamilyConfig config, SmartResize? resize, ImageSize trained, string recordedResize) =>
            Qwen.Conventions(Inner(config), resize, trained, recordedResize);

        public (int ImageTokens, int VisionTokens) ImageTokens(IFamilyConfig config, ImageSize modelImage) => Qwen.ImageTokens(Inner(config), modelImage);

        public (int ImageTokens, FamilyModelOptions Options) ModelImage(IFamilyConfig config, ImageSize modelImage) => Qwen.ModelImage(Inner(config), modelImage);

        private sealed class RankRule : IAdviceRule
        {
            public string Name => "outside-rank";

            public string Code => "VLMA9100";

            public void Check(AdviceContext context, DiagnosticBag diagnostics)
            {
                if (context.Settings.Model.LoraRank > 16)
                    context.Warn(diagnostics, this, "model.lora_rank", $"the {Family} family's adapters need no more than rank 16; {context.Settings.Model.LoraRank} only costs memory.");
            }
        }

        private static Qwen25VlConfig Inner(IFamilyConfig config) =>
            config is OutsideConfig outside ? outside.Architecture : throw new ArgumentException($"Not an {Family} config: {config.GetType().Name}.", nameof(config));
    }
}
