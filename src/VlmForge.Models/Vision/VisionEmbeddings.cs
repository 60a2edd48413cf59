using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>Patch vectors plus a learned position vector per patch (SigLIP: no class token).</summary>
public sealed class VisionEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly PatchEmbedding patch_embedding;
    private readonly TokenEmbedding position_embedding;

    /// <summary>Embeddings for <paramref name="patches"/> patches of width <paramref name="width"/>.</summary>
    public VisionEmbeddings(long width, long patchSize, long patches, ScalarType computeDtype, Device device) : base("embeddings")
    {
        patch_embedding = new PatchEmbedding(3, width, patchSize, computeDtype, device);
        position_embedding = new TokenEmbedding(patches, width, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Maps pixels [N, 3, H, W] to [N, patches, width].</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var embedded = patch_embedding.call(pixels) + position_embedding.AllRows();
        return embedded.MoveToOuterDisposeScope();
    }
}
