using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Plugins.Optimizers;

/// <summary><c>training.optimizer = "adamw"</c>: Adam with decoupled weight decay, the platform's recommended optimizer.</summary>
public sealed class AdamWPlugin : IOptimizerPlugin
{
    private AdamWOptions _options = AdamWOptions.Default;

    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("adamw", PluginKind.Optimizer, PluginVersion.Value, PluginContract.Version,
        "Adam with decoupled weight decay, as torch.optim.AdamW (recommended).");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings => AdamWOptions.Descriptors;

    /// <inheritdoc />
    /// <remarks>AdamWOptions is generated from adamw.settings.toml.</remarks>
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) => _options = AdamWOptions.Bind(section, diagnostics);

    /// <inheritdoc />
    public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new AdamOptimizer(parameters, new AdamSettings(_options.Beta1, _options.Beta2, _options.Eps, hyperparameters.WeightDecay), WeightDecay.Decoupled);
    }
}
