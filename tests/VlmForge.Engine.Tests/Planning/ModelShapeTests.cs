using VlmForge.Engine.Families.Tiny;
using TorchSharp;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Models.Families;
using VlmForge.Models.Layers;
using VlmForge.Models.Lora;
using VlmForge.Models.Presets;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Planning;

/// <summary>Parameter counts come from config.json values and agree with the engine's own modules.</summary>
public class ModelShapeTests
{
    [Theory]
    // The parameter counts Hugging Face lists for the released checkpoints.
    [InlineData("qwen2_5_vl", "small", 3_754_622_976L)]
    [InlineData("qwen2_5_vl", "medium", 8_292_166_656L)]
    public void Preset_shapes_count_the_released_checkpoints_parameters(string family, string size, long released)
    {
        Assert.Equal(released, PlanningFixtures.Preset(family, size).TotalParameters);
    }

    public static TheoryData<string, string> Presets() => new()
    {
        { "qwen2_5_vl", "small" },
        { "qwen2_5_vl", "medium" },
        { "qwen2_5_vl", "large" },
        { "smolvlm", "small" },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void Preset_shapes_match_the_modules_built_on_the_meta_device(string family, string size)
    {
        var preset = ModelPresets.Find(family, size);
        var shape = ModelShapes.From(preset.Config, preset.Repository);
        using var model = FamilyModels.Create(preset.Config, new ModelSetup { Mode = TrainingMode.Full, Device = META });

        Assert.Equal(model.parameters().Sum(p => p.numel()), shape.TotalParameters);
        // The stacks' linears are exactly what the families let a quantizer store (decoder and vision layers).
        var quantizable = family == "smolvlm" ? new[] { "model.text_model.", "model.vision_model." } : ["model.", "visual.blocks."];
        var quantizableWeights = model.named_modules()
            .Where(m => m.module is CastingLinear && quantizable.Any(prefix => m.name.StartsWith(prefix, StringComparison.Ordinal)))
            .Sum(m => ((CastingLinear)m.module).Weight.numel());
        Assert.Equal(quantizableWeights, shape.Stacks.Sum(s => s.Layers * s.LinearWeightsPerLayer));
    }

    [Theory]
    [InlineData("qwen2_5_vl", "small", new[] { "q_proj", "k_proj", "v_proj", "o_proj" })]
    // gate/up/down_proj also name the vision blocks' MLP linears, which LoRA adapts too (PEFT's last-segment rule).
    [InlineData("qwen2_5_vl", "medium", new[] { "qkv", "gate_proj", "up_proj", "down_proj", "lm_head" })]
    // SmolVLM's SigLIP encoder has q/k/v_proj as well.
    [InlineData("smolvlm", "small", new[] { "q_proj", "v_proj", "out_proj", "proj" })]
    public void Lora_trainable_counts_match_the_adapters_the_engine_adds(string family, string size, string[] targets)
    {
        var preset = ModelPresets.Find(family, size);
        var shape = ModelShapes.From(preset.Config, preset.Repository);
        var setup = new ModelSetup
        {
            Mode = TrainingMode.Lora,
            Lora = new LoraSettings(8, 16, 0.05, targets),
            ComputeDtype = ScalarType.BFloat16,
            Device = META,
        };
        using var model = FamilyModels.Create(preset.Config, setup);
        var input = PlanningFixtures.PageDefaults(shape, new(1, 4, 16, 4, 4)) with
        {
            Lora = new(8, 0.05, targets),
            Quantization = Engine.Planning.Memory.QuantizationPlan.None,
        };

        var estimate = Engine.Planning.Memory.MemoryEstimator.Estimate(input);

        Assert.Equal(model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()), estimate.TrainableParameters);
    }

    [Fact]
    public void The_reference_13B_shape_is_the_tiny_layout_and_has_13_35_billion_parameters()
    {
        using var model = TinyVlm.Create(PlanningFixtures.Llava13BConfig, new ModelSetup { Mode = TrainingMode.Full, Device = META });

        Assert.Equal(model.parameters().Sum(p => p.numel()), PlanningFixtures.Llava13B.TotalParameters);
        // Llama-2-13B's 13,015,864,320 parameters plus a 303.5 M ViT-L/14 tower and a 31.5 M projector.
        Assert.Equal(13_015_864_320L, PlanningFixtures.Llava13B.PartParameters(ModelPart.Decoder) + PlanningFixtures.Llava13B.PartParameters(ModelPart.Head));
    }

    [Fact]
    public void Hand_computed_tiny_architecture_counts_every_part()
    {
        var shape = PlanningFixtures.Hand;

        // Vision: patch projection 4x3x4x4 + bias 4 = 196; positions 4 patches x 4 = 16; one layer: q/k/v/out_proj
        // 4 x (4x4 + 4) = 80, fc1 4x8 + 8 = 40, fc2 8x4 + 4 = 36, two LayerNorms 2 x 8 = 16 -> 172; post_layernorm 8.
        Assert.Equal(196 + 16 + 172 + 8, shape.PartParameters(ModelPart.Vision));
        // Projector: linear_1 4x8 + 8 = 40, linear_2 8x8 + 8 = 72.
        Assert.Equal(112, shape.PartParameters(ModelPart.Connector));
        // Decoder: embeddings 16x8 = 128; per layer q 8x8 = 64, k and v 8x4 = 32 each (one key/value head of 4),
        // o 64, gate/up/down 8x16 = 128 each, two RMSNorms 2 x 8 -> 592, twice; final norm 8.
        Assert.Equal(128 + 2 * 592 + 8, shape.PartParameters(ModelPart.Decoder));
        Assert.Equal(8 * 16, shape.PartParameters(ModelPart.Head));
        Assert.Equal(1952, shape.TotalParameters);

        using var model = TinyVlm.Create(PlanningFixtures.HandConfig, new ModelSetup { Mode = TrainingMode.Full, Device = META });
        Assert.Equal(model.parameters().Sum(p => p.numel()), shape.TotalParameters);
    }

    [Fact]
    public void The_default_tiny_model_with_its_hierarchical_stem_has_every_tensor_the_shape_names()
    {
        var config = TinyVlmConfig.Tiny(vocabSize: 64, imageTokenId: 4, padTokenId: 0);
        Assert.Equal(VlmForge.Models.Vision.VisionStem.Hierarchical, config.VisionStem);
        var shape = TinyShape.Of(config);
        using var model = TinyVlm.Create(config, new ModelSetup { Mode = TrainingMode.Full, Device = META });
        var names = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.numel());

        foreach (var tensor in shape.Tensors)
            Assert.Equal(names[tensor.Path], tensor.Elements);
        Assert.Equal(names.Values.Sum(), shape.TotalParameters);
    }
}
