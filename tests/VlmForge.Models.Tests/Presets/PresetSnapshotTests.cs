using TorchSharp;
using VlmForge.Models.Families;
using VlmForge.Models.Lora;
using VlmForge.Models.Presets;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Presets;

/// <summary>Every real preset's parameter names and shapes, built on the meta device (no memory), against committed snapshots.</summary>
public class PresetSnapshotTests
{
    [Theory]
    [InlineData("qwen2_5_vl", "small", "qwen2.5-vl-3b-full")]
    [InlineData("qwen2_5_vl", "medium", "qwen2.5-vl-7b-full")]
    [InlineData("qwen2_5_vl", "large", "qwen2.5-vl-32b-full")]
    [InlineData("smolvlm", "small", "smolvlm-instruct-full")]
    public void Preset_parameters_for_full_training(string family, string size, string snapshot)
    {
        using var model = FamilyModels.Create(ModelPresets.Find(family, size).Config, new ModelSetup { Mode = TrainingMode.Full, Device = META });
        Snapshots.Match(Describe(model), snapshot);
    }

    [Fact]
    public void Qwen_7B_with_lora_on_the_attention_projections_in_bf16()
    {
        var setup = new ModelSetup
        {
            Mode = TrainingMode.Lora,
            Lora = new LoraSettings(16, 32, 0.05, ["q_proj", "k_proj", "v_proj", "o_proj"]),
            ComputeDtype = ScalarType.BFloat16,
            Device = META,
        };
        using var model = FamilyModels.Create(ModelPresets.Find("qwen2_5_vl", "medium").Config, setup);
        Snapshots.Match(Describe(model), "qwen2.5-vl-7b-lora-r16-bf16");
    }

    [Theory]
    // The parameter counts Hugging Face lists for the released checkpoints.
    [InlineData("qwen2_5_vl", "small", 3_754_622_976L)]
    [InlineData("qwen2_5_vl", "medium", 8_292_166_656L)]
    public void Preset_parameter_counts_match_the_released_checkpoints(string family, string size, long expected)
    {
        using var model = FamilyModels.Create(ModelPresets.Find(family, size).Config, new ModelSetup { Mode = TrainingMode.Full, Device = META });
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
    }

    private static object Describe(FamilyModel model) => new
    {
        family = model.Family,
        image_size = model.ImageSize,
        image_token_count = model.ImageTokenCount,
        parameters = model.named_parameters()
            .Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}] {p.parameter.dtype}{(p.parameter.requires_grad ? " trainable" : "")}")
            .ToList(),
        total = model.parameters().Sum(p => p.numel()),
        trainable = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()),
    };
}
