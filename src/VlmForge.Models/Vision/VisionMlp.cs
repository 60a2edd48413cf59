using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>The ViT feed-forward block: fc1, GELU, fc2.</summary>
public sealed class VisionMlp : nn.Module<Tensor, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> fc1;
    private nn.Module<Tensor, Tensor> fc2;
    private readonly bool tanhGelu;

    /// <summary>An MLP from <paramref name="width"/> through <paramref name="intermediate"/> and back.</summary>
    /// <param name="width">Input and output width.</param>
    /// <param name="intermediate">Hidden width.</param>
    /// <param name="computeDtype">The dtype the matmuls run in.</param>
    /// <param name="device">Where the weights live.</param>
    /// <param name="tanhGelu">GELU's tanh approximation (SigLIP's <c>gelu_pytorch_tanh</c>) instead of the exact erf form.</param>
    public VisionMlp(long width, long intermediate, ScalarType computeDtype, Device device, bool tanhGelu = false) : base("mlp")
    {
        this.tanhGelu = tanhGelu;
        fc1 = new CastingLinear(width, intermediate, hasBias: true, computeDtype, device);
        fc2 = new CastingLinear(intermediate, width, hasBias: true, computeDtype, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var projected = fc1.call(hidden);
        var activated = tanhGelu ? projected.gelu(TorchSharp.Modules.GELU.Approximate.tanh) : nn.functional.gelu(projected);
        return fc2.call(activated).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);
}
