using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Plugins.Optimizers;

/// <summary><c>training.optimizer = "adamw"</c>: Adam with decoupled weight decay, the platform's recommended optimizer.</summary>
public sealed class AdamWPlugin : IOptimizerPlugin
{
    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("adamw", PluginKind.Optimizer, PluginVersion.Value, PluginContract.Version,
        "Adam with decoupled weight decay, as torch.optim.AdamW (recommended).");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters) =>
        new AdamOptimizer(parameters, hyperparameters, WeightDecay.Decoupled);
}
