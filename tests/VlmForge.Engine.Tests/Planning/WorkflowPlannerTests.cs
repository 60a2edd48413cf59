using System.Text.Json;
using VlmForge.Data.Batching;
using VlmForge.Data.Datasets;
using VlmForge.Data.Families;
using VlmForge.Data.Prompts;
using VlmForge.Data.Synthetic;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Planning;
using VlmForge.Engine.Planning.Output;
using VlmForge.Engine.Planning.Remedies;
using VlmForge.Engine.Planning.Workflow;
using VlmForge.Models.Presets;
using VlmForge.Settings;
using VlmForge.Settings.Loading;

namespace VlmForge.Engine.Tests.Planning;

/// <summary>vlmforge.toml to plan: architecture, tokens from the dataset, errors, and the printed plan.</summary>
public sealed class WorkflowPlannerTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vlmforge-plan-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private WorkflowSettings Settings(string toml)
    {
        var result = WorkflowLoader.LoadText(toml, "vlmforge.toml", PlanningFixtures.Plugins, folder);
        return result.Settings ?? throw new Xunit.Sdk.XunitException(string.Join("\n", result.Diagnostics));
    }

    private MemoryPlan Plan(string toml, double? gpu = null) =>
        WorkflowPlanner.Plan(Settings(toml), PlanningFixtures.Plugins.Quantizer, new PlanOptions { GpuMemoryGiB = gpu }, "vlmforge.toml");

    private string Shapes()
    {
        var data = Path.Combine(folder, "shapes");
        ShapesDatasetGenerator.Generate(data, new ShapesDatasetOptions { ImageSize = 64, TrainCount = 12, ValidationCount = 2, Seed = 3 });
        return data;
    }

    [Fact]
    public void Tiny_tokens_are_measured_on_the_dataset_as_training_encodes_them()
    {
        var data = Shapes();
        var settings = Settings($$"""
            [model]
            family = "tiny"
            size = "tiny"
            training_mode = "full"
            quantization = "none"
            [dataset]
            path = "{{data}}"
            task = "mixed"
            image_size = 64
            """);

        var plan = WorkflowPlanner.Plan(settings, PlanningFixtures.Plugins.Quantizer, new PlanOptions(), "vlmforge.toml");

        // What `train` does: tiny tokenizer from the training texts, conversations through the encoder.
        var records = JsonlDatasetLoader.Load(Path.Combine(data, DatasetLayout.TrainFileName)).Records;
        var examples = new TaskExampleBuilder(FamilyDataConventions.Tiny(64).Boxes, new TaskInstructions
        {
            Grounding = settings.Prompt.GroundingInstruction,
            Caption = settings.Prompt.CaptionInstruction,
        }).Build(records, TaskKinds.All);
        var tokenizer = TinyTokenizer.Build(TaskExampleBuilder.Texts(examples, settings.Prompt.System), new TinyTokenizerOptions { MaxNumber = 64 });
        var encoder = new ConversationEncoder(tokenizer, ChatTemplates.Tiny, 16, settings.Prompt.System);
        var lengths = examples.Select(e => encoder.EncodeTraining(e.UserText, e.Answer).Length).ToList();

        var sequence = plan.Input.Sequence;
        Assert.Equal(16, sequence.ImageTokensPerImage); // (64 px / 8 px patches / 2x2 merge)²
        Assert.Equal(64, sequence.VisionTokensPerImage);
        Assert.Equal(lengths.Max(), sequence.TokensPerSample);
        Assert.Equal(lengths.Average() - 16, sequence.MeanTextTokens, 6);
        Assert.Equal(tokenizer.VocabularySize, plan.Input.Model.VocabSize);
        Assert.Equal(examples.Count, plan.Time.TrainExamples); // the folder has its own validation.jsonl
        Assert.DoesNotContain(plan.Assumptions, a => a.Contains("no dataset", StringComparison.Ordinal));
    }

    [Fact]
    public void Qwen_image_tokens_follow_its_smart_resize_of_the_dataset_s_images()
    {
        var data = Shapes();

        var plan = Plan($$"""
            [model]
            family = "qwen2_5_vl"
            size = "small"
            [dataset]
            path = "{{data}}"
            task = "grounding"
            """);

        // 64x64 images smart-resize to 56x56: 2x2 tokens of 28 px, each 2x2 patches of 14 px in the vision blocks.
        Assert.Equal(4, plan.Input.Sequence.ImageTokensPerImage);
        Assert.Equal(16, plan.Input.Sequence.VisionTokensPerImage);
        Assert.Equal("Qwen/Qwen2.5-VL-3B-Instruct", plan.ModelName);
        Assert.Contains(plan.Assumptions, a => a.Contains("1 per digit", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_dataset_the_answer_budget_is_max_new_tokens()
    {
        var plan = Plan("""
            [model]
            family = "qwen2_5_vl"
            size = "medium"
            [evaluation]
            max_new_tokens = 300
            [dataset]
            path = "missing"
            image_size = 448
            """);

        Assert.Equal(256, plan.Input.Sequence.ImageTokensPerImage); // 448 px: 16 x 16 tokens
        Assert.InRange(plan.Input.Sequence.TextTokens - 300, 20, 120); // template, system prompt and instruction
        Assert.Null(plan.Time.TrainExamples);
        Assert.Contains(plan.Assumptions, a => a.Contains("max_new_tokens = 300", StringComparison.Ordinal));
    }

    [Fact]
    public void A_snapshot_s_config_json_is_the_architecture()
    {
        var snapshot = Directory.CreateDirectory(Path.Combine(folder, "smol")).FullName;
        File.WriteAllText(Path.Combine(snapshot, "config.json"), ModelPresets.Find("smolvlm", "small").ConfigJson);

        var plan = Plan("""
            [model]
            family = "smolvlm"
            size = "small"
            path = "smol"
            """);

        Assert.Equal("smol", plan.ModelName);
        Assert.Contains("snapshot config", plan.ModelSource);
        Assert.Equal(PlanningFixtures.Preset("smolvlm", "small").TotalParameters, plan.Estimate.TotalParameters);
    }

    [Fact]
    public void Split_smolvlm_images_are_planned_as_their_frames()
    {
        var data = Shapes();
        var snapshot = Directory.CreateDirectory(Path.Combine(folder, "smol")).FullName;
        File.WriteAllText(Path.Combine(snapshot, "config.json"), ModelPresets.Find("smolvlm", "small").ConfigJson);
        var toml = $$"""
            [model]
            family = "smolvlm"
            size = "small"
            path = "smol"
            [dataset]
            path = "{{data}}"
            task = "grounding"
            """;

        var unsplit = Plan(toml).Input.Sequence;
        File.WriteAllText(Path.Combine(snapshot, "preprocessor_config.json"),
            """{ "do_image_splitting": true, "size": { "longest_edge": 1536 }, "max_image_size": { "longest_edge": 384 } }""");
        var plan = Plan(toml);
        var split = plan.Input.Sequence;

        // Without a processor config: one 384 px frame of 81 tokens (729 patches in the encoder).
        Assert.Equal((1, 81, 729), (unsplit.ImagesPerSample, unsplit.ImageTokensPerImage, unsplit.VisionTokensPerImage));
        // 64x64 images: longest edge to 1536, 4 x 4 tiles of 384 px + the global view = 17 frames of 81 tokens.
        Assert.Equal((17, 81, 729), (split.ImagesPerSample, split.ImageTokensPerImage, split.VisionTokensPerImage));
        Assert.Equal(17 * 81, split.TokensPerSample - split.TextTokens);
        // The 16 tile tokens and row breaks are text the unsplit prompt does not have.
        Assert.True(split.TextTokens > unsplit.TextTokens + 16, $"{split.TextTokens} vs {unsplit.TextTokens}");
        Assert.Contains(plan.Assumptions, a => a.Contains("split into 384 px tiles", StringComparison.Ordinal));
    }

    [Fact]
    public void A_snapshot_of_another_family_is_an_error()
    {
        var snapshot = Directory.CreateDirectory(Path.Combine(folder, "smol")).FullName;
        File.WriteAllText(Path.Combine(snapshot, "config.json"), ModelPresets.Find("smolvlm", "small").ConfigJson);

        var error = Assert.Throws<PlanningException>(() => Plan("""
            [model]
            family = "qwen2_5_vl"
            size = "small"
            path = "smol"
            """));

        Assert.Contains("holds a smolvlm snapshot", error.Message);
        Assert.Equal("model.path", error.KeyPath);
    }

    [Fact]
    public void An_unknown_family_and_size_combination_is_an_error_naming_what_exists()
    {
        var error = Assert.Throws<PlanningException>(() => Plan("""
            [model]
            family = "smolvlm"
            size = "medium"
            """));

        Assert.Contains("There is no medium smolvlm model", error.Message);
        Assert.DoesNotContain("(Parameter", error.Message);
        Assert.IsType<ModelPresetNotFoundException>(error.InnerException);
        Assert.Equal("model.size", error.KeyPath);
        Assert.Contains("small (HuggingFaceTB/SmolVLM-Instruct", error.Message);
    }

    [Fact]
    public void Lora_targets_that_name_no_layer_are_an_error_as_in_training()
    {
        // The 3B ties lm_head to the embeddings, so it has no lm_head linear to adapt.
        var error = Assert.Throws<PlanningException>(() => Plan("""
            [model]
            family = "qwen2_5_vl"
            size = "small"
            lora_target_modules = ["q_proj", "lm_head"]
            """));

        Assert.Contains("'lm_head'", error.Message);
        Assert.Equal("model.lora_target_modules", error.KeyPath);
        Assert.Contains("Linear layers are named: 0, 2, down_proj, gate_proj, k_proj, o_proj, proj, q_proj, qkv, up_proj, v_proj", error.Message);
    }

    [Fact]
    public void A_tiny_image_size_the_model_cannot_take_is_an_error()
    {
        var error = Assert.Throws<PlanningException>(() => Plan("""
            [model]
            family = "tiny"
            size = "tiny"
            training_mode = "full"
            quantization = "none"
            [dataset]
            image_size = 60
            """));

        Assert.Contains("dataset.image_size = 60", error.Message);
    }

    [Fact]
    public void The_text_plan_shows_the_breakdown_the_fit_and_the_remedies_in_order()
    {
        var plan = Plan("""
            [model]
            family = "qwen2_5_vl"
            size = "large"
            gradient_checkpointing = true
            [training]
            batch_size = 8
            """, gpu: 24);

        var text = PlanTextRenderer.Render(plan);

        Assert.Equal(GpuFit.DoesNotFit, plan.Fit);
        Assert.Contains("frozen linear weights, NF4, 4.5 bits/weight", text);
        Assert.Contains("GPU 24 GiB:", text);
        Assert.Contains("does not fit.", text);
        int batch = text.IndexOf("1.  Smaller batch with gradient accumulation", StringComparison.Ordinal);
        int smaller = text.IndexOf("2.  Smaller model size", StringComparison.Ordinal);
        Assert.True(batch > 0 && smaller > batch, text);
        Assert.Contains("size = \"medium\" (Qwen/Qwen2.5-VL-7B-Instruct)", text);
    }

    [Fact]
    public void A_comfortable_plan_says_so_with_the_page_s_utilization_advice()
    {
        var plan = Plan("""
            [model]
            family = "qwen2_5_vl"
            size = "small"
            gradient_checkpointing = true
            [training]
            batch_size = 1
            """, gpu: 80);

        var text = PlanTextRenderer.Render(plan);

        Assert.Equal(GpuFit.Roomy, plan.Fit);
        Assert.Empty(plan.Remedies);
        Assert.Contains("70-80%", text);
        Assert.Contains($"batch_size up to {plan.LargestComfortableBatch} stays within 80%", text);
    }

    [Fact]
    public void The_json_plan_carries_every_term_and_remedy_for_tools()
    {
        var plan = Plan("""
            [model]
            family = "qwen2_5_vl"
            size = "medium"
            quantization = "none"
            [training]
            batch_size = 8
            """, gpu: 24);

        using var json = JsonDocument.Parse(PlanJsonWriter.Write(plan));
        var root = json.RootElement;

        Assert.Equal(plan.Estimate.TotalBytes, root.GetProperty("memory").GetProperty("total_bytes").GetInt64());
        Assert.Equal(plan.Estimate.Terms.Select(t => t.Key), root.GetProperty("memory").GetProperty("terms").EnumerateArray().Select(t => t.GetProperty("key").GetString()));
        Assert.Equal(plan.Estimate.Terms.Sum(t => t.Bytes), root.GetProperty("memory").GetProperty("terms").EnumerateArray().Sum(t => t.GetProperty("bytes").GetInt64()));
        Assert.Equal("does_not_fit", root.GetProperty("gpu").GetProperty("fit").GetString());
        Assert.Equal(
            plan.Remedies.Select(r => r.Kind.ToString()),
            root.GetProperty("gpu").GetProperty("remedies").EnumerateArray().Select(r => r.GetProperty("kind").GetString()!.Replace("_", "", StringComparison.Ordinal)),
            StringComparer.OrdinalIgnoreCase);
        Assert.Equal("quantize", root.GetProperty("gpu").GetProperty("remedies")[0].GetProperty("kind").GetString());
        Assert.Equal(8_292_166_656L, root.GetProperty("model").GetProperty("parameters").GetInt64());
    }
}
