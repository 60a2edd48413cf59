using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Plugins.Optimizers;

/// <summary><c>training.optimizer = "adam"</c>: Adam with weight decay added to the gradient (L2), for older recipes.</summary>
public sealed class AdamPlugin : IOptimizerPlugin
{
    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("adam", PluginKind.Optimizer, PluginVersion.Value, PluginContract.Version,
        "Adam with weight decay added to the gradient, as torch.optim.Adam (legacy recipes).");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters) =>
        new AdamOptimizer(parameters, hyperparameters, WeightDecay.L2);
}
