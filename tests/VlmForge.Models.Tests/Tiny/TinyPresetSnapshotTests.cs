using VlmForge.Models.Lora;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using TorchSharp;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Tiny;

/// <summary>The tiny preset's parameter names and shapes, built on the meta device (no memory), against committed snapshots.</summary>
public class TinyPresetSnapshotTests
{
    private static readonly TinyVlmConfig Preset = TinyVlmConfig.Tiny(vocabSize: 512, imageTokenId: 5, padTokenId: 0);

    [Fact]
    public void Tiny_preset_for_full_training()
    {
        using var model = TinyVlm.Create(Preset, new ModelSetup { Mode = TrainingMode.Full, Device = META });
        Snapshots.Match(Describe(model), "tiny-full");
    }

    [Fact]
    public void Tiny_preset_with_lora_on_the_attention_projections()
    {
        var setup = new ModelSetup
        {
            Mode = TrainingMode.Lora,
            Lora = new LoraSettings(16, 32, 0.05, ["q_proj", "k_proj", "v_proj", "o_proj"]),
            ComputeDtype = ScalarType.BFloat16,
            Device = META,
        };
        using var model = TinyVlm.Create(Preset, setup);
        Snapshots.Match(Describe(model), "tiny-lora-r16-bf16");
    }

    [Fact]
    public void The_meta_device_allocates_no_parameter_memory()
    {
        using var model = TinyVlm.Create(Preset, new ModelSetup { Mode = TrainingMode.Full, Device = META });
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.META, p.device_type));
    }

    private static object Describe(TinyVlm model) => new
    {
        config = model.Config,
        image_token_count = model.ImageTokenCount,
        parameters = model.named_parameters()
            .Select(p => $"{p.name} [{string.Join(", ", p.parameter.shape)}] {p.parameter.dtype}{(p.parameter.requires_grad ? " trainable" : "")}")
            .ToList(),
        total = model.parameters().Sum(p => p.numel()),
        trainable = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()),
    };
}
