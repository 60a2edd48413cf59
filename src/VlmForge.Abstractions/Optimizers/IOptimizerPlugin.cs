using VlmForge.Abstractions.Plugins;

namespace VlmForge.Abstractions.Optimizers;

/// <summary>A plugin that makes optimizers (<c>training.optimizer = "&lt;name&gt;"</c>).</summary>
public interface IOptimizerPlugin : IVlmForgePlugin
{
    /// <summary>Creates an optimizer over <paramref name="parameters"/>, which all require gradients.</summary>
    /// <param name="parameters">Trainable parameters with stable names (used as keys of the saved state).</param>
    /// <param name="hyperparameters">The <c>[training]</c> values that every Adam-family optimizer reads.</param>
    IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters);
}
