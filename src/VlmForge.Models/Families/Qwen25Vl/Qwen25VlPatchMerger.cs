using TorchSharp;
using TorchSharp.Utils;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Families.Qwen25Vl;

/// <summary>
/// <c>merger</c>: RMSNorm (<c>ln_q</c>), then each 2x2 group of consecutive patches is concatenated into one vector and
/// mapped by <c>mlp</c> (Linear, GELU, Linear) to the decoder's width: one decoder token per 28 x 28 pixels.
/// </summary>
public sealed class Qwen25VlPatchMerger : nn.Module<Tensor, Tensor>
{
    private readonly RmsNorm ln_q;
    private readonly MergerMlp mlp;
    private readonly long groupWidth;

    /// <summary>The merger of <paramref name="config"/>.</summary>
    public Qwen25VlPatchMerger(Qwen25VlVisionConfig config, ScalarType computeDtype, Device device) : base("merger")
    {
        ArgumentNullException.ThrowIfNull(config);
        groupWidth = (long)config.HiddenSize * config.SpatialMergeSize * config.SpatialMergeSize;
        ln_q = new RmsNorm(config.HiddenSize, 1e-6, device);
        mlp = new MergerMlp(groupWidth, config.OutHiddenSize, computeDtype, device);
        RegisterComponents();
    }

    /// <summary>Maps [N, patches, width] to [N, patches / merge², out width].</summary>
    public override Tensor forward(Tensor patches)
    {
        using var scope = NewDisposeScope();
        var grouped = ln_q.call(patches).reshape(patches.shape[0], -1, groupWidth);
        return mlp.call(grouped).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// PyTorch's <c>nn.Sequential(Linear, GELU, Linear)</c>: children named "0" and "2" (the GELU at "1" has no weights),
    /// so the keys read <c>merger.mlp.0.weight</c> like the checkpoint.
    /// </summary>
    private sealed class MergerMlp : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "0")]
        private readonly CastingLinear first;

        [ComponentName(Name = "2")]
        private readonly CastingLinear second;

        public MergerMlp(long inWidth, long outWidth, ScalarType computeDtype, Device device) : base("mlp")
        {
            first = new CastingLinear(inWidth, inWidth, hasBias: true, computeDtype, device);
            second = new CastingLinear(inWidth, outWidth, hasBias: true, computeDtype, device);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            return second.call(nn.functional.gelu(first.call(input))).MoveToOuterDisposeScope();
        }
    }
}
