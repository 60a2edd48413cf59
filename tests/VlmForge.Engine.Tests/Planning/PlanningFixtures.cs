using VlmForge.Engine.Families.Tiny;
using VlmForge.Abstractions.Quantization;
using VlmForge.Engine.Planning.Architecture;
using VlmForge.Engine.Planning.Memory;
using VlmForge.Engine.Plugins;
using VlmForge.Models.Presets;
using VlmForge.Models.Tiny;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Planning;

/// <summary>Architectures and plan inputs the planning tests share.</summary>
internal static class PlanningFixtures
{
    /// <summary>
    /// The page's reference case, "a 13B model": a LLaVA-1.5-13B-shaped VLM, i.e. a Llama-2-13B decoder (hidden 5120,
    /// 40 layers of 40 heads, MLP 13824, vocabulary 32000, untied head) behind a ViT-L/14 at 336 px (1024 wide, 24
    /// layers, 576 patches, each one image token) and a two-layer MLP projector. The tiny model has exactly this layout.
    /// </summary>
    public static TinyVlmConfig Llava13BConfig { get; } = new()
    {
        VocabSize = 32000,
        ImageTokenId = 31999,
        PadTokenId = 0,
        ImageSize = 336,
        PatchSize = 14,
        VisionStem = VlmForge.Models.Vision.VisionStem.Linear,
        VisionHiddenSize = 1024,
        VisionLayers = 24,
        VisionHeads = 16,
        VisionIntermediateSize = 4096,
        ProjectorMergeSize = 1,
        HiddenSize = 5120,
        Layers = 40,
        Heads = 40,
        KeyValueHeads = 40,
        IntermediateSize = 13824,
    };

    public static ModelShape Llava13B { get; } = TinyShape.Of(Llava13BConfig, "LLaVA-1.5-13B-shaped (Llama-2-13B decoder)");

    /// <summary>
    /// A sample of the page's phrase-grounding default: one 336 px image (576 tokens) and 560 text tokens, a 48-token
    /// prompt (template, system prompt, instruction) plus the max_new_tokens = 512 answer budget.
    /// </summary>
    public static SequenceShape Llava13BSequence { get; } = new(1, 576, 576, 560, 560);

    /// <summary>
    /// The page's recommended defaults (LoRA, NF4, bf16, batch 4, accumulation 1, AdamW) with the schema's LoRA defaults
    /// (r 16, dropout 0.05, q/k/v/o projections), gradient checkpointing as the page's memory figures need it.
    /// </summary>
    public static PlanInput PageDefaults(ModelShape model, SequenceShape sequence) => new()
    {
        Model = model,
        Mode = TrainingMode.Lora,
        Lora = new LoraPlan(16, 0.05, ["q_proj", "k_proj", "v_proj", "o_proj"]),
        Quantization = Nf4(),
        Precision = PrecisionPlan.Bf16,
        Optimizer = OptimizerPlan.AdamW,
        BatchSize = 4,
        GradientAccumulation = 1,
        GradientCheckpointing = true,
        Sequence = sequence,
    };

    /// <summary>The built-in quantizers, loaded through the host as <c>vlmforge plan</c> loads them.</summary>
    public static PluginCatalog Plugins => LazyPlugins.Value;

    private static readonly Lazy<PluginCatalog> LazyPlugins = new(() => PluginCatalog.Load([]));

    /// <summary>What the nf4 plugin stores (bitsandbytes' layout), as the planner asks it.</summary>
    public static QuantizationPlan Nf4(bool doubleQuantization = false) =>
        QuantizationPlan.Of(Plugins.Quantizer("nf4"), new QuantizationOptions(doubleQuantization));

    /// <summary>A preset's shape.</summary>
    public static ModelShape Preset(string family, string size)
    {
        var preset = ModelPresets.Find(family, size);
        return ModelShapes.From(preset.Config, preset.Repository);
    }

    /// <summary>
    /// A tiny architecture whose every count is worked out by hand in the tests: vision 4 wide (1 layer, 1 head, MLP 8,
    /// 8 px images of 4 px patches: 4 patches), projector without merging, decoder 8 wide (2 layers, 2 heads of 4, 1
    /// key/value head, MLP 16), vocabulary 16.
    /// </summary>
    public static TinyVlmConfig HandConfig { get; } = new()
    {
        VocabSize = 16,
        ImageTokenId = 1,
        PadTokenId = 0,
        ImageSize = 8,
        PatchSize = 4,
        VisionStem = VlmForge.Models.Vision.VisionStem.Linear,
        VisionHiddenSize = 4,
        VisionLayers = 1,
        VisionHeads = 1,
        VisionIntermediateSize = 8,
        ProjectorMergeSize = 1,
        HiddenSize = 8,
        Layers = 2,
        Heads = 2,
        KeyValueHeads = 1,
        IntermediateSize = 16,
    };

    public static ModelShape Hand { get; } = TinyShape.Of(HandConfig, "hand");
}
