namespace VlmForge.Engine.Planning.Memory;

/// <summary>
/// The optimizer's memory: float32 state tensors it keeps per trainable parameter (<c>training.optimizer</c>). AdamW and
/// Adam keep two moments (exp_avg, exp_avg_sq); the Lion sample plugin keeps one.
/// </summary>
/// <param name="Name">The optimizer's name.</param>
/// <param name="StateTensorsPerParameter">Parameter-sized float32 tensors of state.</param>
/// <param name="Known">False when the name is not a known optimizer and Adam's two moments were assumed.</param>
internal sealed record OptimizerPlan(string Name, int StateTensorsPerParameter, bool Known)
{
    /// <summary>AdamW.</summary>
    public static OptimizerPlan AdamW { get; } = new("adamw", 2, true);

    /// <summary>The optimizer named <paramref name="name"/>; an unknown one is assumed to keep two moments like Adam.</summary>
    public static OptimizerPlan FromName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return name switch
        {
            "adamw" or "adam" => new(name, 2, true),
            "lion" => new(name, 1, true),
            _ => new(name, 2, false),
        };
    }
}
