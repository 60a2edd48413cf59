using System.Text.Json.Nodes;
using TorchSharp;
using VlmForge.Models.Families;
using VlmForge.Models.Tests.Families;
using VlmForge.Models.Modeling;
using VlmForge.Models.Peft;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Peft;

public class PeftAdapterTests
{
    private static readonly AdapterUsage QwenUsage = new()
    {
        Family = ModelFamilies.Qwen25Vl,
        BaseModel = "Qwen/Qwen2.5-VL-3B-Instruct",
        ImageWidth = 16,
        ImageHeight = 16,
        ImageResize = "smart-resize-4",
        ImageMean = [0.48145466f, 0.4578275f, 0.40821073f],
        ImageStd = [0.26862954f, 0.26130258f, 0.27577711f],
        ImageToken = "<|image_pad|>",
        ImageTokenCount = 16,
        ChatTemplate = "qwen2.5-vl",
        EndOfAnswerToken = "<|im_end|>",
        SystemPrompt = "Ground every phrase.",
        BoxConvention = "smart-resize-4",
    };

    [Fact]
    public void Qwen_adapters_export_in_the_PEFT_layout_and_import_into_a_fresh_model_with_identical_outputs()
    {
        using var adapterFolder = new TempDirectory();
        using var snapshot = new TempDirectory();
        using (var full = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full()))
        {
            FamilyFixtures.WriteSnapshot(snapshot.Path, FamilyFixtures.QwenConfigJson(), full);
        }
        File.WriteAllText(snapshot.File("preprocessor_config.json"), "{\"min_pixels\": 3136}");
        var setup = FamilyFixtures.LoraSetup(targets: ["q_proj", "v_proj", "qkv"]);
        using var trained = FamilyModels.Load(snapshot.Path, setup);
        using var scope = NewDisposeScope();
        var batch = FamilyFixtures.QwenBatch([6, 4]);
        FamilyGeneration.Train(trained, batch, steps: 3, learningRate: 1e-2);
        trained.eval();

        PeftAdapters.Export(trained, adapterFolder.Path, new PeftExportOptions
        {
            BaseModelNameOrPath = "Qwen/Qwen2.5-VL-3B-Instruct",
            Usage = QwenUsage,
            SnapshotFolder = snapshot.Path,
        });
        manual_seed(99); // a fresh model draws different lora_A values
        using var fresh = FamilyModels.Load(snapshot.Path, setup);
        fresh.eval();
        using (no_grad())
        {
            Assert.True(TensorAssert.MaxAbsDiff(trained.Forward(batch).Logits, fresh.Forward(batch).Logits) > 1e-4);
        }
        var adapter = PeftAdapters.Import(fresh, adapterFolder.Path);

        using var noGrad = no_grad();
        TensorAssert.Close(trained.Forward(batch).Logits, fresh.Forward(batch).Logits, atol: 0);
        Assert.Equal(QwenUsage with { ImageMean = adapter.Usage!.ImageMean, ImageStd = adapter.Usage.ImageStd }, adapter.Usage);
        Assert.Equal(QwenUsage.ImageMean, adapter.Usage.ImageMean);
        Assert.True(File.Exists(adapterFolder.File("preprocessor_config.json")));
    }

    [Fact]
    public void The_adapter_config_and_keys_read_like_PEFT_writes_them()
    {
        using var folder = new TempDirectory();
        using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.LoraSetup(targets: ["q_proj", "qkv"]) with
        {
            Lora = new VlmForge.Models.Lora.LoraSettings(4, 16, 0.05, ["q_proj", "qkv"]),
        });

        PeftAdapters.Export(model, folder.Path, new PeftExportOptions { BaseModelNameOrPath = "Qwen/Qwen2.5-VL-3B-Instruct" });

        var config = JsonNode.Parse(File.ReadAllText(folder.File(PeftAdapters.ConfigFileName)))!;
        Assert.Equal("LORA", (string)config["peft_type"]!);
        Assert.Equal("CAUSAL_LM", (string)config["task_type"]!);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(16.0, (double)config["lora_alpha"]!);
        Assert.Equal(0.05, (double)config["lora_dropout"]!);
        Assert.Equal("Qwen/Qwen2.5-VL-3B-Instruct", (string)config["base_model_name_or_path"]!);
        Assert.Equal(["q_proj", "qkv"], config["target_modules"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("none", (string)config["bias"]!);

        using var weights = SafetensorsFile.Open(folder.File(PeftAdapters.WeightsFileName));
        Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", weights.Names);
        Assert.Contains("base_model.model.visual.blocks.2.attn.qkv.lora_B.weight", weights.Names);
        Assert.Equal(new long[] { 4, 32 }, weights.GetEntry("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").Shape);
        Assert.Equal(new long[] { 48, 4 }, weights.GetEntry("base_model.model.visual.blocks.0.attn.qkv.lora_B.weight").Shape);
        // 2 decoder q_proj + 3 vision qkv, A and B each.
        Assert.Equal(10, weights.Names.Count);
        Assert.Equal("pt", weights.Metadata["format"]);
    }

    [Fact]
    public void Tiny_adapters_round_trip_too()
    {
        using var folder = new TempDirectory();
        using var trained = TestModels.BuildLora();
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(trained.Config, [12, 10]);
        using (var optimizer = optim.AdamW(trained.TrainableParameters().Select(p => p.Parameter), lr: 1e-2))
        {
            optimizer.zero_grad();
            trained.Forward(batch).Loss!.backward();
            optimizer.step();
        }
        trained.eval();
        PeftAdapters.Export(trained, folder.Path);

        // The same base weights (the tiny model has no snapshot, so the same seed), adapters fresh: B is zero again.
        using var fresh = TestModels.BuildLora();
        fresh.eval();
        using (no_grad())
        {
            Assert.True(TensorAssert.MaxAbsDiff(trained.Forward(batch).Logits, fresh.Forward(batch).Logits) > 1e-3);
        }
        PeftAdapters.Import(fresh, folder.Path);

        using var noGrad = no_grad();
        TensorAssert.Close(trained.Forward(batch).Logits, fresh.Forward(batch).Logits, atol: 0);
    }

    [Fact]
    public void Adapters_saved_with_newer_transformers_module_paths_import()
    {
        Assert.Equal("model.layers.3.self_attn.q_proj.lora_A.weight", PeftAdapters.ModelKey("base_model.model.model.language_model.layers.3.self_attn.q_proj.lora_A.weight"));
        Assert.Equal("visual.blocks.0.attn.qkv.lora_B.weight", PeftAdapters.ModelKey("base_model.model.model.visual.blocks.0.attn.qkv.lora_B.weight"));
        Assert.Equal("model.layers.3.mlp.up_proj.lora_A.weight", PeftAdapters.ModelKey("base_model.model.model.layers.3.mlp.up_proj.lora_A.weight"));
        Assert.Throws<PeftFormatException>(() => PeftAdapters.ModelKey("model.layers.3.mlp.up_proj.lora_A.weight"));
    }

    [Fact]
    public void Importing_into_a_model_with_other_lora_settings_says_which_to_use()
    {
        using var folder = new TempDirectory();
        using (var model = TestModels.BuildLora())
        {
            PeftAdapters.Export(model, folder.Path);
        }
        using var other = TestModels.Build(new ModelSetup { Mode = TrainingMode.Lora, Lora = new VlmForge.Models.Lora.LoraSettings(8, 8, 0, ["q_proj", "v_proj"]) });

        var error = Assert.Throws<ArgumentException>(() => PeftAdapters.Import(other, folder.Path));

        Assert.Contains("r=4 alpha=8", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, PeftAdapters.Read(folder.Path).ToLoraSettings().Rank);
    }

    [Fact]
    public void An_adapter_file_missing_a_layer_is_refused_strictly()
    {
        using var folder = new TempDirectory();
        using var model = TestModels.BuildLora();
        PeftAdapters.Export(model, folder.Path);
        var weights = folder.File(PeftAdapters.WeightsFileName);
        Dictionary<string, Tensor> kept;
        using (var file = SafetensorsFile.Open(weights))
        {
            kept = file.Names.Where(n => !n.Contains("layers.1.self_attn.o_proj", StringComparison.Ordinal)).ToDictionary(n => n, file.Read);
        }
        SafetensorsWriter.Write(weights, kept);

        var error = Assert.Throws<StateDictMismatchException>(() => PeftAdapters.Import(model, folder.Path));

        Assert.Equal(["language_model.layers.1.self_attn.o_proj.lora_A.weight", "language_model.layers.1.self_attn.o_proj.lora_B.weight"], error.Missing);
    }

    [Fact]
    public void A_DoRA_adapter_is_refused_with_the_reason()
    {
        using var folder = new TempDirectory();
        using (var model = TestModels.BuildLora())
        {
            PeftAdapters.Export(model, folder.Path);
        }
        var path = folder.File(PeftAdapters.ConfigFileName);
        var config = JsonNode.Parse(File.ReadAllText(path))!;
        config["use_dora"] = true;
        File.WriteAllText(path, config.ToJsonString());

        var error = Assert.Throws<PeftFormatException>(() => PeftAdapters.Read(folder.Path));

        Assert.Equal(path, error.File);
        Assert.Contains("use_dora", error.Message, StringComparison.Ordinal);
    }
}
