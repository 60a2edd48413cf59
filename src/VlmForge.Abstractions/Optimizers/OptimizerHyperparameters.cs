namespace VlmForge.Abstractions.Optimizers;

/// <summary>The optimizer values that live in <c>[training]</c>.</summary>
/// <param name="LearningRate">Peak learning rate; the schedule passes the current one to <see cref="IOptimizer.Step"/>.</param>
/// <param name="WeightDecay">L2 / decoupled weight decay coefficient.</param>
/// <param name="Beta1">Decay of the first-moment average.</param>
/// <param name="Beta2">Decay of the second-moment average.</param>
/// <param name="Epsilon">Added to the denominator for numerical stability.</param>
public sealed record OptimizerHyperparameters(double LearningRate, double WeightDecay, double Beta1, double Beta2, double Epsilon);
