using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>Patch vectors plus a learned position vector per patch (SigLIP: no class token).</summary>
public sealed class VisionEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> patch_embedding;
    private readonly TokenEmbedding position_embedding;

    /// <summary>Embeddings for <paramref name="patches"/> patches of width <paramref name="width"/>.</summary>
    /// <param name="stem">How pixels become patch vectors.</param>
    /// <param name="sinCosPositions">Start the position table from 2D sine-cosine codes instead of noise.</param>
    public VisionEmbeddings(long width, long patchSize, long patches, ScalarType computeDtype, Device device,
        VisionStem stem = VisionStem.Linear, bool sinCosPositions = false) : base("embeddings")
    {
        patch_embedding = stem == VisionStem.Hierarchical
            ? new HierarchicalPatchStem(width, checked((int)patchSize), computeDtype, device)
            : new PatchEmbedding(3, width, patchSize, computeDtype, device);
        position_embedding = new TokenEmbedding(patches, width, computeDtype, device);
        if (sinCosPositions)
        {
            int grid = (int)Math.Round(Math.Sqrt(patches));
            if ((long)grid * grid != patches)
                throw new ArgumentException($"Sine-cosine positions need a square patch grid; {patches} patches is not one.", nameof(patches));
            using var table = SinCosPositions.Table(grid, width);
            position_embedding.ReplaceParameter("weight", ParameterFactory.Own(table.to(device), requiresGrad: true));
        }
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
