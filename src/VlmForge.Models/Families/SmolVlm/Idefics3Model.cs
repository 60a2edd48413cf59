using TorchSharp;
using VlmForge.Models.Decoder;
using VlmForge.Models.Vision;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.SmolVlm;

/// <summary>
/// Idefics3's inner <c>model</c>: <c>vision_model</c> (SigLIP: patch embedding, learned positions, pre-norm encoder,
/// post LayerNorm), <c>connector</c> and <c>text_model</c> (Llama). Calling it turns images into decoder tokens.
/// </summary>
public sealed class Idefics3Model : nn.Module<Tensor, Tensor>
{
    private readonly VisionTower vision_model;
    private readonly Idefics3Connector connector;
    private readonly LanguageModel text_model;

    /// <summary>The modules of <paramref name="config"/>.</summary>
    public Idefics3Model(Idefics3Config config, ScalarType computeDtype, Device device) : base("model")
    {
        ArgumentNullException.ThrowIfNull(config);
        var vision = config.Vision;
        var text = config.Text;
        vision_model = new VisionTower(
            vision.ImageSize, vision.PatchSize, vision.HiddenSize, vision.Layers, vision.Heads, vision.IntermediateSize, vision.LayerNormEps,
            computeDtype, device, tanhGelu: vision.HiddenAct == "gelu_pytorch_tanh");
        connector = new Idefics3Connector(vision.HiddenSize, text.HiddenSize, config.ScaleFactor, computeDtype, device);
        text_model = new LanguageModel(
            text.VocabSize, text.HiddenSize, text.Layers, text.Heads, text.KeyValueHeads, text.IntermediateSize, text.RmsNormEps,
            computeDtype, device);
        RegisterComponents();
    }

    /// <summary>The Llama decoder.</summary>
    public LanguageModel TextModel => text_model;

    /// <summary>Recompute encoder and decoder layers in backward instead of keeping their activations.</summary>
    public bool GradientCheckpointing
    {
        get => text_model.GradientCheckpointing;
        set
        {
            text_model.GradientCheckpointing = value;
            vision_model.GradientCheckpointing = value;
        }
    }

    /// <summary>Maps pixels [N, 3, S, S] (S = the encoder's image size, mean/std 0.5) to decoder tokens [N, tokens per image, text width].</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        return connector.call(vision_model.call(pixels)).MoveToOuterDisposeScope();
    }
}
