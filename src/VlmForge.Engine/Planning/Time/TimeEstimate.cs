namespace VlmForge.Engine.Planning.Time;

/// <summary>A rough training time: the work of one step and how long it takes at an assumed sustained throughput.</summary>
/// <param name="FlopsPerStep">Floating-point operations of one forward and backward pass of a mean-length batch.</param>
/// <param name="SustainedTflops">The throughput assumed for the compute dtype (16-bit; halved for float32).</param>
/// <param name="SecondsPerStep">FlopsPerStep at that throughput.</param>
/// <param name="TrainExamples">Training examples per epoch, when the dataset (or its synthetic size) is known.</param>
/// <param name="StepsPerEpoch">ceil(examples / batch_size).</param>
/// <param name="TotalSteps">Steps of the whole run (epochs, or max_steps updates x accumulation).</param>
/// <param name="TotalSeconds">TotalSteps x SecondsPerStep.</param>
internal sealed record TimeEstimate(
    double FlopsPerStep, double SustainedTflops, double SecondsPerStep, int? TrainExamples, long? StepsPerEpoch, long? TotalSteps,
    double? TotalSeconds)
{
    /// <summary>training.epochs.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>training.max_steps: optimizer updates, 0 = no limit.</summary>
    public long MaxUpdates { get; init; }

    /// <summary>training.gradient_accumulation.</summary>
    public int GradientAccumulation { get; init; } = 1;
}
