namespace VlmForge.Engine.Runs;

/// <summary>One line of metrics.jsonl: what one training step did.</summary>
/// <param name="Step">1-based step (batches processed so far).</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Mean token loss of this batch (unscaled).</param>
/// <param name="LearningRate">Rate of the update this step contributes to.</param>
/// <param name="GradNorm">Global gradient norm before the update, on steps that update; otherwise null.</param>
/// <param name="Updated">True when the optimizer stepped after this batch.</param>
/// <param name="Skipped">True when the update was skipped (non-finite loss or gradients).</param>
/// <param name="Tokens">Tokens that carried loss in this batch.</param>
/// <param name="ExamplesPerSecond">Throughput of this step (wall clock; not reproducible).</param>
/// <param name="TokensPerSecond">Input tokens per second of this step (wall clock; not reproducible).</param>
/// <param name="MemoryMegabytes">Resident memory of the process after the step (not reproducible).</param>
/// <param name="AuxiliaryLoss">The vision side's own loss this step (the tiny model's detector), when the model has one.</param>
internal sealed record StepMetrics(
    long Step,
    int Epoch,
    double Loss,
    double LearningRate,
    double? GradNorm,
    bool Updated,
    bool Skipped,
    long Tokens,
    double ExamplesPerSecond,
    double TokensPerSecond,
    double MemoryMegabytes,
    double? AuxiliaryLoss = null);

/// <summary>One line of validation.jsonl: a validation pass.</summary>
public sealed record ValidationRecord(long Step, int Epoch, double Loss, IReadOnlyDictionary<string, double> Metrics);
