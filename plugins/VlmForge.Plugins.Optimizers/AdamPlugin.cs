using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Plugins.Optimizers;

/// <summary><c>training.optimizer = "adam"</c>: Adam with weight decay added to the gradient (L2), for older recipes.</summary>
public sealed class AdamPlugin : IOptimizerPlugin
{
    private AdamOptions _options = AdamOptions.Default;

    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("adam", PluginKind.Optimizer, PluginVersion.Value, PluginContract.Version,
        "Adam with weight decay added to the gradient, as torch.optim.Adam (legacy recipes).");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings => AdamOptions.Descriptors;

    /// <inheritdoc />
    /// <remarks>AdamOptions is generated from adam.settings.toml.</remarks>
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) => _options = AdamOptions.Bind(section, diagnostics);

    /// <inheritdoc />
    public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new AdamOptimizer(parameters, new AdamSettings(_options.Beta1, _options.Beta2, _options.Eps, hyperparameters.WeightDecay), WeightDecay.L2);
    }
}
