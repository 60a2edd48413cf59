using TorchSharp;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Lora;

/// <summary>
/// A frozen linear layer plus a trainable low-rank update: <c>y = base(x) + (alpha/r) · B(A(dropout(x)))</c>.
/// Names follow PEFT so state_dict keys read <c>…q_proj.base_layer.weight</c>, <c>…q_proj.lora_A.weight</c>
/// (<c>lora_A</c> [r, in], kaiming-uniform) and <c>…q_proj.lora_B.weight</c> ([out, r], zeros, so training starts
/// from the base model exactly). The base may be a plain <see cref="CastingLinear"/> or a quantizer's frozen linear.
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> base_layer;
    private readonly CastingLinear lora_A;
    private readonly CastingLinear lora_B;

    /// <summary>Wraps <paramref name="baseLayer"/> (input width <paramref name="inFeatures"/>, output <paramref name="outFeatures"/>).</summary>
    public LoraLinear(
        nn.Module<Tensor, Tensor> baseLayer, long inFeatures, long outFeatures, LoraSettings settings, ScalarType computeDtype, Device device)
        : base("lora_linear")
    {
        ArgumentNullException.ThrowIfNull(baseLayer);
        ArgumentNullException.ThrowIfNull(settings);
        base_layer = baseLayer;
        Settings = settings;
        lora_A = new CastingLinear(inFeatures, settings.Rank, hasBias: false, computeDtype, device);
        lora_B = new CastingLinear(settings.Rank, outFeatures, hasBias: false, computeDtype, device);
        // PEFT's init: A like nn.Linear's default (kaiming-uniform with a = sqrt(5)), B zero.
        lora_A.InitializeWeight(w => nn.init.kaiming_uniform_(w, Math.Sqrt(5)));
        lora_B.InitializeWeight(w => nn.init.zeros_(w));
        RegisterComponents();
    }

    /// <summary>Rank, alpha, dropout.</summary>
    public LoraSettings Settings { get; }

    /// <summary>The wrapped layer.</summary>
    public nn.Module<Tensor, Tensor> BaseLayer => base_layer;

    /// <summary>A, shape [r, in].</summary>
    public CastingLinear A => lora_A;

    /// <summary>B, shape [out, r].</summary>
    public CastingLinear B => lora_B;

    /// <summary>Whether the update is currently folded into the base weight.</summary>
    public bool Merged { get; private set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var output = base_layer.call(input);
        if (!Merged)
        {
            var update = lora_B.call(lora_A.call(AdapterDropout.Apply(input, Settings.Dropout, training)));
            output = output + update * Settings.Scaling;
        }
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Folds (alpha/r)·B·A into the base weight so inference runs one matmul; refused for a quantized base.</summary>
    public void Merge()
    {
        if (Merged)
        {
            throw new InvalidOperationException("This LoRA layer is already merged into its base weight.");
        }
        using var scope = NewDisposeScope();
        PlainBase("merge").AddToWeight(Delta());
        Merged = true;
    }

    /// <summary>Subtracts the update again, restoring the base weight (to the precision it is stored in).</summary>
    public void Unmerge()
    {
        if (!Merged)
        {
            throw new InvalidOperationException("This LoRA layer is not merged; there is nothing to unmerge.");
        }
        using var scope = NewDisposeScope();
        PlainBase("unmerge").AddToWeight(-Delta());
        Merged = false;
    }

    /// <summary>(alpha/r)·B·A in float32, shape [out, in].</summary>
    public Tensor Delta()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var delta = lora_B.Weight.to(ScalarType.Float32).matmul(lora_A.Weight.to(ScalarType.Float32)) * Settings.Scaling;
        return delta.MoveToOuterDisposeScope();
    }

    private CastingLinear PlainBase(string operation) =>
        base_layer as CastingLinear ?? throw new InvalidOperationException(
            $"Cannot {operation} LoRA into a quantized base layer ({base_layer.GetType().Name}): its weight is stored in a " +
            "few bits per value and adding the update would re-quantize it and lose the update. Keep the adapter " +
            "separate (export it in the PEFT layout) or load the base in 16/32 bits before merging.");
}
