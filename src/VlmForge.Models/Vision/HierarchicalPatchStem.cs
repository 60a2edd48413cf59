using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>
/// A hierarchical patch stem (hMLP stem, Touvron et al. 2022): the patch is embedded in steps of 2x2 patches with a
/// GELU between them instead of one linear projection. Patches still never overlap, so it stays a ViT, but it
/// learns colour and shape features from far fewer examples than a single projection, which matters for a model
/// trained from scratch on a CPU.
/// </summary>
public sealed class HierarchicalPatchStem : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ModuleList<PatchEmbedding> stages;

    /// <param name="width">Output width (the ViT width).</param>
    /// <param name="patchSize">Total patch size: a power of two, reached in steps of 2.</param>
    public HierarchicalPatchStem(long width, int patchSize, ScalarType computeDtype, Device device, string name = "patch_embedding")
        : base(name)
    {
        var list = new List<PatchEmbedding>();
        long channels = 3;
        foreach (long outWidth in StageWidths(width, patchSize))
        {
            // He initialization keeps activations alive through the GELUs.
            list.Add(new PatchEmbedding(channels, outWidth, 2, computeDtype, device,
                name: list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), initStd: Math.Sqrt(2.0 / (channels * 4))));
            channels = outWidth;
        }
        stages = new TorchSharp.Modules.ModuleList<PatchEmbedding>(list.ToArray());
        RegisterComponents();
    }

    /// <summary>
    /// The output width of each 2x2 stage, log2(<paramref name="patchSize"/>) of them, growing towards the ViT width:
    /// max(16, width / 2^(stages-1-i)), the last one exactly <paramref name="width"/>. Each stage reads the previous one's.
    /// </summary>
    public static IReadOnlyList<long> StageWidths(long width, int patchSize)
    {
        if (patchSize < 2 || (patchSize & (patchSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, "A hierarchical stem needs a power-of-two patch size of at least 2.");
        int steps = System.Numerics.BitOperations.Log2((uint)patchSize);
        return [.. Enumerable.Range(0, steps).Select(i => i == steps - 1 ? width : Math.Max(16, width >> (steps - 1 - i)))];
    }

    /// <summary>Maps pixels [N, 3, H, W] to patch vectors [N, (H/p)·(W/p), width], row-major over the grid.</summary>
    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var x = pixels;
        for (int i = 0; i < stages.Count; i++)
        {
            x = stages[i].Grid(x);
            if (i < stages.Count - 1) x = nn.functional.gelu(x);
        }
        return x.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
