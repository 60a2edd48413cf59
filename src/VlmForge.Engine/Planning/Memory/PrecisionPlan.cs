namespace VlmForge.Engine.Planning.Memory;

/// <summary>The compute dtype (<c>model.precision</c>): activations and frozen weights use it; trainable weights stay float32.</summary>
/// <param name="Name">bf16, fp16 or fp32.</param>
/// <param name="BytesPerValue">2 for the 16-bit formats, 4 for float32.</param>
internal sealed record PrecisionPlan(string Name, int BytesPerValue)
{
    /// <summary>BFloat16.</summary>
    public static PrecisionPlan Bf16 { get; } = new("bf16", 2);

    /// <summary>The precision named <paramref name="name"/>.</summary>
    /// <exception cref="PlanningException">Not bf16, fp16 or fp32.</exception>
    public static PrecisionPlan FromName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name switch
        {
            "bf16" => Bf16,
            "fp16" => new("fp16", 2),
            "fp32" => new("fp32", 4),
            _ => throw new PlanningException(
                $"model.precision = \"{name}\": the planner knows the built-in precisions bf16, fp16 and fp32; plan with one of them.", "model.precision"),
        };
    }
}
