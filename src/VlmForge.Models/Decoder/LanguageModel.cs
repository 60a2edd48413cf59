using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Models.Checkpointing;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Decoder;

/// <summary>The Llama-style decoder body: embed_tokens, layers, final norm (the head lives on the VLM).</summary>
public sealed class LanguageModel : nn.Module<Tensor, AttentionContext, Tensor>
{
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly RmsNorm norm;

    /// <summary>A decoder with <paramref name="layerCount"/> layers (<paramref name="attentionBias"/>: q/k/v projections with a bias, as in Qwen2).</summary>
    public LanguageModel(
        long vocabSize, long width, int layerCount, long heads, long keyValueHeads, long intermediate, double eps,
        ScalarType computeDtype, Device device, bool attentionBias = false)
        : base("language_model")
    {
        embed_tokens = new TokenEmbedding(vocabSize, width, computeDtype, device);
        layers = new ModuleList<DecoderLayer>(
            Enumerable.Range(0, layerCount)
                .Select(i => new DecoderLayer(i, width, heads, keyValueHeads, intermediate, eps, computeDtype, device, attentionBias))
                .ToArray());
        norm = new RmsNorm(width, eps, device);
        RegisterComponents();
    }

    /// <summary>Recompute each layer's activations in backward instead of keeping them.</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Number of layers (cache slots).</summary>
    public int LayerCount => layers.Count;

    /// <summary>The token table (a tied output head reads its weight).</summary>
    public TokenEmbedding EmbedTokens => embed_tokens;

    /// <summary>Token vectors [B, T, width] in the compute dtype.</summary>
    public Tensor Embed(Tensor inputIds) => embed_tokens.call(inputIds);

    /// <summary>Runs the layers and the final norm over embeddings [B, T, width].</summary>
    public override Tensor forward(Tensor inputsEmbeds, AttentionContext context)
    {
        using var scope = NewDisposeScope();
        Inspection.AttentionProbe.Current?.RecordInput(inputsEmbeds);
        // The rotary tables and mask go through the checkpoint as constants: a recomputation in backward must not read
        // tensors that the caller's dispose scope has freed by then.
        List<Tensor> constants = context.Mask is null ? [context.Cos, context.Sin] : [context.Cos, context.Sin, context.Mask];
        var hidden = CheckpointedStack.Run(
            layers, inputsEmbeds, constants, GradientCheckpointing,
            (layer, x, c) => layer.call(x, new AttentionContext(c[0], c[1], c.Count > 2 ? c[2] : null, context.IsCausal, context.Cache)));
        return norm.call(hidden).MoveToOuterDisposeScope();
    }
}
