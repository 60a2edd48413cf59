using System.Reflection;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Samples.Lion;

/// <summary><c>training.optimizer = "lion"</c>: the Lion optimizer, with its betas in <c>[plugins.lion]</c>.</summary>
public sealed class LionPlugin : IOptimizerPlugin
{
    private LionOptions _settings = LionOptions.Default;

    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("lion", PluginKind.Optimizer,
        (typeof(LionPlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0],
        PluginContract.Version,
        "Lion: sign of interpolated momentum (Chen et al. 2023); use a 3-10x smaller learning rate than AdamW.");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings => LionOptions.Descriptors;

    /// <inheritdoc />
    /// <remarks>LionOptions is generated from lion.settings.toml; Bind reports each problem at its place in the file.</remarks>
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        _settings = LionOptions.Bind(section, diagnostics);

    /// <inheritdoc />
    public IOptimizer Create(IReadOnlyList<NamedParameter> parameters, OptimizerHyperparameters hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        return new LionOptimizer(parameters, _settings.Beta1, _settings.Beta2, hyperparameters.WeightDecay);
    }
}
