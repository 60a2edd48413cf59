using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Vision;

/// <summary>The ViT feed-forward block: fc1, GELU, fc2.</summary>
public sealed class VisionMlp : nn.Module<Tensor, Tensor>, IChildHost
{
    private nn.Module<Tensor, Tensor> fc1;
    private nn.Module<Tensor, Tensor> fc2;

    /// <summary>An MLP from <paramref name="width"/> through <paramref name="intermediate"/> and back.</summary>
    public VisionMlp(long width, long intermediate, ScalarType computeDtype, Device device) : base("mlp")
    {
        fc1 = new CastingLinear(width, intermediate, hasBias: true, computeDtype, device);
        fc2 = new CastingLinear(intermediate, width, hasBias: true, computeDtype, device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return fc2.call(nn.functional.gelu(fc1.call(hidden))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement) =>
        ChildSlots.Replace(this, _internal_submodules, name, replacement);
}
