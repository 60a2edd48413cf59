using System.Text.Json.Nodes;
using TorchSharp;
using VlmForge.Models.Families;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

/// <summary>Tiny random checkpoints in the Hugging Face layout (config.json, sharded safetensors with the real key names), loaded strictly.</summary>
public class SnapshotLoadingTests
{
    [Fact]
    public void A_sharded_qwen_snapshot_loads_into_a_model_that_computes_what_the_saved_one_did()
    {
        using var folder = new TempDirectory();
        using var original = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        FamilyFixtures.WriteSnapshot(folder.Path, FamilyFixtures.QwenConfigJson(), original, maxShardBytes: 20_000);
        Assert.True(File.Exists(folder.File(SafetensorsWriter.IndexFileName)), "the tiny checkpoint should be sharded");

        using var loaded = FamilyModels.Load(folder.Path, FamilyFixtures.Full());

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = FamilyFixtures.QwenBatch([4, 3]);
        // The snapshot holds bf16 (like the released ones); compare against the original rounded the same way.
        RoundToBf16(original);
        TensorAssert.Close(original.Forward(batch).Logits, loaded.Forward(batch).Logits, atol: 1e-5);
        Assert.All(loaded.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.All(loaded.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void A_smolvlm_snapshot_loads_into_a_model_that_computes_what_the_saved_one_did()
    {
        using var folder = new TempDirectory();
        using var original = FamilyFixtures.Build(FamilyFixtures.SmolConfig(), FamilyFixtures.Full());
        FamilyFixtures.WriteSnapshot(folder.Path, FamilyFixtures.SmolConfigJson(), original);

        using var loaded = FamilyModels.Load(folder.Path, FamilyFixtures.Full());

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = FamilyFixtures.SmolBatch([4, 3]);
        RoundToBf16(original);
        TensorAssert.Close(original.Forward(batch).Logits, loaded.Forward(batch).Logits, atol: 1e-5);
        Assert.Equal(ModelFamilies.SmolVlm, loaded.Family);
    }

    [Fact]
    public void Lora_loading_stores_frozen_weights_in_the_compute_dtype_and_quantizes_the_decoder_and_vision_linears()
    {
        using var folder = new TempDirectory();
        using (var original = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full()))
        {
            FamilyFixtures.WriteSnapshot(folder.Path, FamilyFixtures.QwenConfigJson(), original);
        }
        var quantizer = new RoundingQuantizer();
        var setup = FamilyFixtures.LoraSetup(ScalarType.BFloat16) with { Quantizer = quantizer };

        using var model = FamilyModels.Load(folder.Path, setup);

        // Decoder: 2 layers x 7 linears; vision: 3 blocks x 5 linears (qkv, proj, gate/up/down); not the merger or lm_head.
        Assert.Equal(14 + 15, quantizer.Created);
        Assert.Equal(29, model.QuantizedLinears.Count);
        Assert.Contains(model.QuantizedLinears, q => q.Path == "model.layers.0.self_attn.q_proj.base_layer" && q.HasBias);
        Assert.Contains(model.QuantizedLinears, q => q.Path == "visual.blocks.2.attn.qkv");
        Assert.DoesNotContain(model.QuantizedLinears, q => q.Path.StartsWith("visual.merger", StringComparison.Ordinal));
        Assert.All(model.TrainableParameters(), p => Assert.Contains(".lora_", p.Name, StringComparison.Ordinal));
        Assert.All(model.named_parameters().Where(p => !p.parameter.requires_grad), p => Assert.Equal(ScalarType.BFloat16, p.parameter.dtype));
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.CPU, p.device_type));
        var table = model.DescribeParameters();
        Assert.Contains(table.Rows, r => r.Module == "visual" && r.Kind == VlmForge.Models.Inspection.ParameterKind.Quantized && r.FrozenParameters > 0);
        Assert.Contains(table.Rows, r => r.Module == "model" && r.Kind == VlmForge.Models.Inspection.ParameterKind.Lora && r.TrainableParameters > 0);
        using var scope = NewDisposeScope();
        Assert.True(float.IsFinite(model.Forward(FamilyFixtures.QwenBatch([3])).Loss!.item<float>()));
    }

    [Fact]
    public void A_tied_snapshot_has_no_lm_head_key_and_loads()
    {
        using var folder = new TempDirectory();
        using (var original = FamilyFixtures.Build(FamilyFixtures.QwenConfig(tied: true), FamilyFixtures.Full()))
        {
            FamilyFixtures.WriteSnapshot(folder.Path, FamilyFixtures.QwenConfigJson(tied: true), original);
        }

        using var weights = SafetensorsCheckpoint.Open(folder.Path);
        Assert.DoesNotContain("lm_head.weight", weights.Names);
        using var model = FamilyModels.Load(folder.Path, FamilyFixtures.LoraSetup());
        Assert.NotEmpty(model.TrainableParameters());
    }

    [Fact]
    public void A_snapshot_missing_a_key_names_the_folder_and_the_key()
    {
        using var folder = WriteEdited(state => state.Remove("model.layers.1.mlp.up_proj.weight"));

        var error = Assert.Throws<StateDictMismatchException>(() => FamilyModels.Load(folder.Path, FamilyFixtures.LoraSetup()));

        Assert.Equal(["model.layers.1.mlp.up_proj.weight"], error.Missing);
        Assert.Empty(error.Unexpected);
        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing:    model.layers.1.mlp.up_proj.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_with_a_wrong_shape_reports_both_shapes()
    {
        using var folder = WriteEdited(state =>
        {
            state["visual.blocks.0.attn.qkv.bias"].Dispose();
            state["visual.blocks.0.attn.qkv.bias"] = zeros(40, dtype: ScalarType.BFloat16);
        });

        var error = Assert.Throws<StateDictMismatchException>(() => FamilyModels.Load(folder.Path, FamilyFixtures.Full()));

        var mismatch = Assert.Single(error.Mismatched);
        Assert.Equal("visual.blocks.0.attn.qkv.bias", mismatch.Name);
        Assert.Equal("[48] floating", mismatch.Expected);
        Assert.Equal("[40] BF16", mismatch.Found);
    }

    [Fact]
    public void A_snapshot_with_an_extra_key_is_refused()
    {
        using var folder = WriteEdited(state => state["visual.extra_norm.weight"] = ones(16, dtype: ScalarType.BFloat16));

        var error = Assert.Throws<StateDictMismatchException>(() => FamilyModels.Load(folder.Path, FamilyFixtures.Full()));

        Assert.Equal(["visual.extra_norm.weight"], error.Unexpected);
    }

    [Fact]
    public void A_folder_without_weights_or_config_says_what_is_missing()
    {
        using var empty = new TempDirectory();
        var noConfig = Assert.Throws<FileNotFoundException>(() => FamilyModels.Load(empty.Path, FamilyFixtures.Full()));
        Assert.Contains("config.json", noConfig.Message, StringComparison.Ordinal);

        File.WriteAllText(empty.File("config.json"), FamilyFixtures.QwenConfigJson().ToJsonString());
        var noWeights = Assert.Throws<FileNotFoundException>(() => FamilyModels.Load(empty.Path, FamilyFixtures.Full()));
        Assert.Contains("model.safetensors", noWeights.Message, StringComparison.Ordinal);

        var missing = Path.Combine(empty.Path, "nowhere");
        var noFolder = Assert.Throws<DirectoryNotFoundException>(() => FamilyModels.Load(missing, FamilyFixtures.Full()));
        Assert.Contains("model.path", noFolder.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_problems_name_the_file_and_each_key()
    {
        using var folder = new TempDirectory();
        var json = FamilyFixtures.QwenConfigJson();
        json["rope_scaling"]!["mrope_section"] = new JsonArray(1, 1, 1);
        json["vision_config"]!["window_size"] = 6;
        File.WriteAllText(folder.File("config.json"), json.ToJsonString());

        var error = Assert.Throws<InvalidModelConfigException>(() => FamilyModels.Load(folder.Path, FamilyFixtures.Full()));

        Assert.Contains(folder.File("config.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("mrope_section [1, 1, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains("window_size 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_json_syntax_error_gives_line_and_column()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("config.json"), "{\n  \"model_type\": \"qwen2_5_vl\",\n  \"hidden_size\": 32,,\n}");

        var error = Assert.Throws<InvalidModelConfigException>(() => FamilyModels.Load(folder.Path, FamilyFixtures.Full()));

        Assert.StartsWith(folder.File("config.json") + ":3:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_model_type_is_named()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder.File("config.json"), "{\"model_type\": \"llava\"}");

        var error = Assert.Throws<InvalidModelConfigException>(() => FamilyModels.Load(folder.Path, FamilyFixtures.Full()));

        Assert.Contains("\"llava\"", error.Message, StringComparison.Ordinal);
    }

    private static TempDirectory WriteEdited(Action<Dictionary<string, Tensor>> edit)
    {
        var folder = new TempDirectory();
        using var original = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.Full());
        var state = original.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().to(ScalarType.BFloat16), StringComparer.Ordinal);
        edit(state);
        File.WriteAllText(folder.File("config.json"), FamilyFixtures.QwenConfigJson().ToJsonString());
        SafetensorsWriter.WriteCheckpoint(folder.Path, state, maxShardBytes: 20_000);
        foreach (var tensor in state.Values)
        {
            tensor.Dispose();
        }
        return folder;
    }

    private static void RoundToBf16(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters())
        {
            parameter.copy_(parameter.to(ScalarType.BFloat16).to(ScalarType.Float32));
        }
    }
}
