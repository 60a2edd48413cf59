using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Projector;

/// <summary>
/// Maps patch features into the decoder's embedding space. Each merge x merge group of neighbouring patches is
/// concatenated into one token first (like Qwen2-VL's patch merger), which cuts image tokens by merge² while
/// keeping the spatial detail grounding needs; then linear_1, GELU, linear_2 (LLaVA names).
/// </summary>
public sealed class MultiModalProjector : nn.Module<Tensor, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> linear_1;
    private nn.Module<Tensor, Tensor> linear_2;
    private readonly int grid;
    private readonly int merge;

    /// <summary>A projector for a <paramref name="grid"/> x <paramref name="grid"/> patch grid.</summary>
    public MultiModalProjector(int grid, int merge, long visionWidth, long textWidth, ScalarType computeDtype, Device device)
        : base("multi_modal_projector")
    {
        this.grid = grid;
        this.merge = merge;
        linear_1 = new CastingLinear(visionWidth * merge * merge, textWidth, hasBias: true, computeDtype, device);
        linear_2 = new CastingLinear(textWidth, textWidth, hasBias: true, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Maps [N, grid², visionWidth] to [N, (grid/merge)², textWidth], merged groups in row-major order.</summary>
    public override Tensor forward(Tensor patches)
    {
        using var scope = NewDisposeScope();
        var (n, width) = (patches.shape[0], patches.shape[2]);
        var side = grid / merge;
        var merged = merge == 1
            ? patches
            : patches.view(n, side, merge, side, merge, width)
                .permute(0, 1, 3, 2, 4, 5)
                .reshape(n, (long)side * side, merge * merge * width);
        return linear_2.call(nn.functional.gelu(linear_1.call(merged))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);
}
