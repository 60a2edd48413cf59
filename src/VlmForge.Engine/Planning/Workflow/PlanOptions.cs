using VlmForge.Engine.Planning.Time;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>What <c>vlmforge plan</c> is asked besides the config.</summary>
public sealed record PlanOptions
{
    /// <summary>The GPU's memory in GB as cards are sized (GiB); null: no fit check.</summary>
    public double? GpuMemoryGiB { get; init; }

    /// <summary>The sustained 16-bit TFLOP/s assumed when none is given (an A100-class GPU at realistic utilization).</summary>
    public const double DefaultSustainedTflops = TimeEstimator.DefaultSustainedTflops;

    /// <summary>Sustained 16-bit TFLOP/s of the GPU for the time estimate.</summary>
    public double SustainedTflops { get; init; } = DefaultSustainedTflops;

    /// <summary>At most this many examples are tokenized to measure text lengths (evenly spread over the dataset).</summary>
    public int MaxExamplesMeasured { get; init; } = 5000;
}
