using VlmForge.Abstractions.Plugins;

namespace VlmForge.Abstractions.Optimizers;

/// <summary>A plugin that makes optimizers (<c>training.optimizer = "&lt;name&gt;"</c>).</summary>
/// <remarks>
/// The host calls <see cref="IVlmForgePlugin.Configure"/> with the plugin's <c>[plugins.&lt;name&gt;]</c> table before
/// <see cref="Create"/>, so the optimizer it makes uses the workflow's values of the plugin's own settings.
/// </remarks>
public interface IOptimizerPlugin : IVlmForgePlugin
{
    /// <summary>Creates an optimizer over <paramref name="parameters"/>, which all require gradients.</summary>
    /// <param name="parameters">Trainable parameters with stable names (used as keys of the saved state).</param>
    /// <param name="hyperparameters">The <c>[training]</c> values every optimizer must apply (weight decay).</param>
    IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters);
}
