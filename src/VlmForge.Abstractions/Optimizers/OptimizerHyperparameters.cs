namespace VlmForge.Abstractions.Optimizers;

/// <summary>
/// What the host hands every optimizer from <c>[training]</c>, whatever its family. Every optimizer must use all of
/// it: the learning rate arrives per update in <see cref="IOptimizer.Step"/> (the schedule's current value), the
/// trainable parameters in <see cref="IOptimizerPlugin.Create"/>, and the weight decay here. Hyperparameters of one
/// family (Adam's betas and epsilon, SGD's momentum, ...) belong in the plugin's own <c>[plugins.&lt;name&gt;]</c> schema.
/// </summary>
/// <param name="WeightDecay">
/// <c>training.weight_decay</c> (&gt;= 0; 0 turns it off). Apply it to every parameter, decoupled
/// (<c>θ ← θ·(1 − lr·wd)</c>, as AdamW) or added to the gradient (<c>g ← g + wd·θ</c>, as Adam and SGD); say which in the
/// plugin's description.
/// </param>
public sealed record OptimizerHyperparameters(double WeightDecay);
