using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tests.Tokenization.HuggingFace;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Checkpoints;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runs;
using VlmForge.Engine.Training;
using VlmForge.Models.Lora;
using VlmForge.Models.Peft;
using VlmForge.Models.Safetensors;
using VlmForge.Settings;
using VlmForge.Settings.Loading;

namespace VlmForge.Engine.Tests.Pipeline.FamilyRuns;

/// <summary>
/// `vlmforge train` for real families: a few LoRA steps on a tiny random Hugging Face snapshot (model.path) and a
/// small synthetic dataset, the adapter exported in the PEFT layout, the run loaded back to generate (seconds each).
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class FamilyTrainingSessionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-family-").FullName;
    private readonly PluginCatalog _plugins = PluginCatalog.Load([]);

    public void Dispose()
    {
        _plugins.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private const string Config = """
        [model]
        family = "{family}"
        size = "small"
        path = "{path}"
        training_mode = "lora"
        lora_rank = 4
        lora_alpha = 8
        lora_dropout = 0.0
        quantization = "none"
        precision = "fp32"

        [training]
        epochs = 1
        learning_rate = 0.01
        batch_size = 4
        max_steps = 3
        checkpoint_interval = 1
        seed = 5

        [evaluation]
        max_new_tokens = 8
        do_sample = false

        [dataset]
        path = "data"
        synthetic = "shapes"
        synthetic_count = 15
        image_size = 32
        task = "mixed"
        validation_split = 0.2

        [run]
        name = "{name}"
        threads = 1
        """;

    private string QwenSnapshot => TinySnapshots.WriteQwen(Path.Combine(_dir, "qwen-snapshot"));

    private WorkflowSettings Settings(string family, string? path, string name)
    {
        var text = Config.Replace("{family}", family).Replace("{name}", name);
        text = path is null ? text.Replace("path = \"{path}\"\n", "") : text.Replace("{path}", path);
        return WorkflowLoader.LoadText(text, Path.Combine(_dir, "vlmforge.toml"), _plugins, _dir).GetSettingsOrThrow();
    }

    private TrainingSessionResult Train(WorkflowSettings? settings, string? resume = null, long stopAfter = 0) =>
        SessionRunner.Train(_plugins, settings, resume, step => step == stopAfter);

    [Fact]
    public void Qwen25Vl_trains_lora_from_model_path_and_exports_a_peft_adapter()
    {
        var result = Train(Settings("qwen2_5_vl", QwenSnapshot, "qwen"));
        var run = result.Folder;

        Assert.Equal(TrainingOutcome.Completed, result.Summary.Outcome);
        var metrics = JsonLinesLog<StepMetrics>.ReadAll(run.MetricsPath);
        Assert.Equal([1L, 2L, 3L], metrics.Select(m => m.Step));
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.Loss) && m.Loss > 0, $"loss {m.Loss}"));

        // PEFT layout: 2 decoder layers x q/k/v/o x A and B, under base_model.model.<checkpoint module path>.
        var adapter = PeftAdapters.Read(run.ModelPath);
        Assert.Equal(4, adapter.Config.Rank);
        Assert.Equal(8, adapter.Config.LoraAlpha);
        Assert.Equal("LORA", adapter.Config.PeftType);
        Assert.Equal("CAUSAL_LM", adapter.Config.TaskType);
        Assert.Equal(["k_proj", "o_proj", "q_proj", "v_proj"], adapter.Config.TargetModules.Order());
        using (var weights = SafetensorsFile.Open(Path.Combine(run.ModelPath, PeftAdapters.WeightsFileName)))
        {
            var keys = weights.Names.Order(StringComparer.Ordinal).ToList();
            Assert.Equal(16, keys.Count);
            Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", keys);
            Assert.Contains("base_model.model.model.layers.1.self_attn.o_proj.lora_B.weight", keys);
            Assert.All(keys, k => Assert.Matches(@"^base_model\.model\.model\.layers\.[01]\.self_attn\.[qkvo]_proj\.lora_[AB]\.weight$", k));
        }
        Assert.False(File.Exists(RunFiles.TrainedWeights(run)), "a LoRA run of a real family stores its adapter once, in the PEFT layout");

        // The usage notes: the smart resize of the 32 px shapes within 64..256 pixels is 16 x 16 = 16 image tokens.
        var usage = adapter.Usage!;
        Assert.Equal("qwen2_5_vl", usage.Family);
        Assert.Equal((16, 16), (usage.ImageWidth, usage.ImageHeight));
        Assert.Equal(16, usage.ImageTokenCount);
        Assert.Equal("smart-resize-4", usage.BoxConvention);
        Assert.Equal("<|image_pad|>", usage.ImageToken);
        Assert.True(File.Exists(Path.Combine(run.ModelPath, "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(run.ModelPath, "preprocessor_config.json")));
        Assert.True(CheckpointStore.List(run.CheckpointsPath).Count > 0);
    }

    [Fact]
    public void A_trained_Qwen25Vl_run_loads_back_with_its_adapter_and_generates()
    {
        var run = Train(Settings("qwen2_5_vl", QwenSnapshot, "qwen-load")).Folder;
        using var saved = SafetensorsFile.Open(Path.Combine(run.ModelPath, PeftAdapters.WeightsFileName));
        using var trainedB = saved.Read("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight");

        using var context = RunLoader.Open(run.Path, _plugins, TextWriter.Null);

        // B starts at zero, so equal non-zero values prove the adapter was imported.
        var loadedB = LoraAdapters.Find(context.FamilyModel!).Single(l => l.Path == "model.layers.0.self_attn.v_proj").Layer.B.Weight;
        Assert.True(trainedB.abs().sum().item<float>() > 0);
        Assert.True(loadedB.cpu().allclose(trainedB, rtol: 0, atol: 0));

        var example = context.Dataset!.Validation[0];
        var prompt = GenerationPrompt.FromImageFile(example.Record.ImagePath, example.UserText,
            new ImagePreprocessor(context.Conventions.Normalization), context.Conventions.Boxes);
        Assert.Equal(new ImageSize(16, 16), prompt.Image.Size);
        using var sampler = _plugins.Sampler("standard").Create(VlmForge.Engine.Evaluation.EvaluationSettings.From(context.Settings.Evaluation, 1).Sampling);
        var generated = new PromptGenerator(RunEvaluation.GenerationContext(context))
            .Generate([prompt], sampler, new GenerationOptions { MaxNewTokens = 6 }, batchSize: 1).Rows[0];
        Assert.InRange(generated.TokenIds.Count, 1, 6);
        Assert.DoesNotContain(TinyByteLevelFiles.ImagePad, generated.TokenIds);

        // Generation only (no dataset): any image gets its own smart resize with the run's bounds: 640 x 480 within
        // 256 pixels, beta = sqrt(307200 / 256) = 34.64: floor(640 / 34.64 / 4) * 4 = 16, floor(480 / 34.64 / 4) * 4 = 12.
        using var generateOnly = RunLoader.Open(run.Path, _plugins, log: null);
        Assert.Null(generateOnly.Dataset);
        Assert.Equal(new ImageSize(16, 12), generateOnly.Conventions.Boxes.ModelImageSize(new ImageSize(640, 480)));
        Assert.Equal(4 * 3, generateOnly.Encoder.ImageTokensOf(new ImageSize(16, 12)));
        Assert.Equal(16, generateOnly.Model.ImageTokenCount);
    }

    [Fact]
    public void A_resumed_Qwen25Vl_run_gives_the_metrics_of_an_uninterrupted_one()
    {
        var snapshot = QwenSnapshot;
        var whole = JsonLinesLog<StepMetrics>.ReadAll(Train(Settings("qwen2_5_vl", snapshot, "whole")).Folder.MetricsPath);

        var stopped = Train(Settings("qwen2_5_vl", snapshot, "stopped"), stopAfter: 1);
        Assert.Equal(TrainingOutcome.Interrupted, stopped.Summary.Outcome);
        var resumed = Train(null, resume: stopped.Folder.Path);

        Assert.Equal(TrainingOutcome.Completed, resumed.Summary.Outcome);
        var metrics = JsonLinesLog<StepMetrics>.ReadAll(resumed.Folder.MetricsPath);
        Assert.Equal(whole.Select(m => (m.Step, m.Loss, m.GradNorm)), metrics.Select(m => (m.Step, m.Loss, m.GradNorm)));
        Assert.True(File.Exists(RunFiles.AdapterConfig(resumed.Folder)));
    }

    [Fact]
    public void SmolVlm_trains_qlora_from_model_path_exports_peft_and_generates_after_loading()
    {
        var snapshot = TinySnapshots.WriteSmol(Path.Combine(_dir, "smol-snapshot"));
        var settings = Settings("smolvlm", snapshot, "smol");
        var result = Train(settings with { Model = settings.Model with { Quantization = "nf4" } });
        var run = result.Folder;

        Assert.Equal(TrainingOutcome.Completed, result.Summary.Outcome);
        Assert.All(JsonLinesLog<StepMetrics>.ReadAll(run.MetricsPath), m => Assert.True(double.IsFinite(m.Loss)));
        using (var weights = SafetensorsFile.Open(Path.Combine(run.ModelPath, PeftAdapters.WeightsFileName)))
        {
            // Idefics3 keys: the Llama decoder under model.text_model, SigLIP under model.vision_model (both have q/k/v/o-style names).
            Assert.All(weights.Names, k => Assert.StartsWith("base_model.model.model.", k));
            Assert.Contains("base_model.model.model.text_model.layers.0.self_attn.q_proj.lora_A.weight", weights.Names);
        }
        var usage = PeftAdapters.Read(run.ModelPath).Usage!;
        Assert.Equal((12, 12, 4), (usage.ImageWidth, usage.ImageHeight, usage.ImageTokenCount));
        Assert.Equal("<image>", usage.ImageToken);

        using var context = RunLoader.Open(run.Path, _plugins, log: null);
        Assert.NotEmpty(context.FamilyModel!.QuantizedLinears); // the frozen base is stored 4-bit under the imported adapter
        var example = Path.Combine(_dir, "data", "images");
        var image = Directory.EnumerateFiles(example, "*.png", SearchOption.AllDirectories).First();
        var prompt = GenerationPrompt.FromImageFile(image, "What shape is it?", new ImagePreprocessor(context.Conventions.Normalization),
            context.Conventions.Boxes);
        using var sampler = _plugins.Sampler("standard").Create(VlmForge.Engine.Evaluation.EvaluationSettings.From(context.Settings.Evaluation, 1).Sampling);
        var generated = new PromptGenerator(RunEvaluation.GenerationContext(context))
            .Generate([prompt], sampler, new GenerationOptions { MaxNewTokens = 5 }, batchSize: 1).Rows[0];
        Assert.InRange(generated.TokenIds.Count, 1, 5);
    }

    [Fact]
    public void A_fully_fine_tuned_Qwen25Vl_run_saves_every_weight_and_loads_them_back()
    {
        var snapshot = QwenSnapshot;
        var settings = Settings("qwen2_5_vl", snapshot, "qwen-full");
        var run = Train(settings with { Model = settings.Model with { TrainingMode = TrainingMode.Full } }).Folder;

        Assert.False(File.Exists(RunFiles.AdapterConfig(run)));
        Assert.True(File.Exists(RunFiles.Usage(run)));
        using var saved = SafetensorsFile.Open(RunFiles.TrainedWeights(run));
        Assert.Contains("visual.merger.mlp.0.weight", saved.Names);
        using var trained = saved.Read("model.layers.1.mlp.down_proj.weight");
        using (var original = SafetensorsFile.Open(Path.Combine(snapshot, "model.safetensors")))
        using (var before = original.Read("model.layers.1.mlp.down_proj.weight"))
        {
            Assert.False(before.to(TorchSharp.torch.ScalarType.Float32).allclose(trained, rtol: 0, atol: 0), "training should have changed the weight");
        }

        using var context = RunLoader.Open(run.Path, _plugins, log: null);
        var loaded = context.Model.TrainableParameters().Single(p => p.Name == "model.layers.1.mlp.down_proj.weight").Parameter;
        Assert.True(loaded.detach().cpu().allclose(trained, rtol: 0, atol: 0));
        Assert.Equal(saved.Names.Count, context.Model.TrainableParameters().Count);
    }

    [Fact]
    public void A_real_family_without_model_path_fails_before_any_run_folder_is_made()
    {
        var e = Assert.Throws<WorkflowException>(() => Train(Settings("qwen2_5_vl", null, "no-path")));
        Assert.Contains("model.path is not set", e.Message);
        Assert.Contains("never downloads", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "runs", "no-path")));
    }

    [Fact]
    public void A_missing_snapshot_folder_is_named_with_the_setting()
    {
        var e = Assert.Throws<WorkflowException>(() => Train(Settings("smolvlm", "models/absent", "absent")));
        Assert.StartsWith("model.path = \"models/absent\"", e.Message);
        Assert.Contains(Path.Combine(_dir, "models", "absent"), e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "runs", "absent")));
    }

    [Fact]
    public void A_snapshot_of_another_family_is_refused()
    {
        var e = Assert.Throws<WorkflowException>(() => Train(Settings("smolvlm", QwenSnapshot, "wrong-family")));
        Assert.Contains("holds a qwen2_5_vl snapshot", e.Message);
        Assert.Contains("family = \"qwen2_5_vl\"", e.Message);
    }

    [Fact]
    public void A_tokenizer_whose_image_token_disagrees_with_config_is_refused()
    {
        var snapshot = QwenSnapshot;
        var config = Path.Combine(snapshot, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"image_token_id\": 271", "\"image_token_id\": 272"));
        var e = Assert.Throws<WorkflowException>(() => Train(Settings("qwen2_5_vl", snapshot, "mismatch")));
        Assert.Contains("<|image_pad|> is id 271 but config.json's image_token_id is 272", e.Message);
    }

    [Fact]
    public void Qwen25Vl_sizes_every_image_on_its_own_by_the_snapshots_smart_resize()
    {
        var snapshot = FamilySnapshot.Open(Settings("qwen2_5_vl", QwenSnapshot, "sizing"));

        // Factor 4 (patch 2 x merge 2), 64..256 pixels: 40 x 24 rounds to 40 x 24 = 960 > 256, beta = sqrt(960 / 256)
        // = 1.936, so floor(40 / 1.936 / 4) * 4 = 20 and floor(24 / 1.936 / 4) * 4 = 12: 20 x 12 px, 5 x 3 = 15 tokens.
        // 30 x 30: 28 x 28 = 784 > 256, beta = sqrt(900 / 256) = 1.875: floor(30 / 1.875 / 4) * 4 = 16: 16 x 16.
        var conventions = snapshot.Conventions([new ImageSize(40, 24), new ImageSize(30, 30)], datasetImageSize: 448);

        Assert.True(conventions.PerImage);
        Assert.Equal(new ImageSize(20, 12), conventions.Conventions.Boxes.ModelImageSize(new ImageSize(40, 24)));
        Assert.Equal(new ImageSize(16, 16), conventions.Conventions.Boxes.ModelImageSize(new ImageSize(30, 30)));
        Assert.Equal(new ImageSize(16, 16), conventions.ModelImage); // the largest (256 > 240 pixels)
        Assert.Equal("smart-resize-4 (min_pixels 64, max_pixels 256)", conventions.Resize);

        // A run recorded with other bounds is refused, one that stretched images (before per-image sizing) stretches again.
        var changed = Assert.Throws<WorkflowException>(() => snapshot.Conventions(new ImageSize(16, 16), "smart-resize-4 (min_pixels 64, max_pixels 1024)"));
        Assert.Contains("preprocessor_config.json now gives smart-resize-4 (min_pixels 64, max_pixels 256)", changed.Message);
        var stretched = snapshot.Conventions(new ImageSize(32, 32), "stretch");
        Assert.False(stretched.PerImage);
        Assert.Equal(new ImageSize(32, 32), stretched.Conventions.Boxes.ModelImageSize(new ImageSize(40, 24)));
    }
}
