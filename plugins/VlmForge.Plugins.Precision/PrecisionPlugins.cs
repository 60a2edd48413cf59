using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Precision;
using VlmForge.Abstractions.Settings;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Precision;

/// <summary><c>model.precision = "bf16"</c>: bfloat16 compute with fp32 master weights (recommended).</summary>
public sealed class Bf16PrecisionPlugin : IPrecisionPlugin
{
    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("bf16", PluginKind.Precision, PluginVersion.Value, PluginContract.Version,
        "bfloat16 activations and frozen weights, fp32 master weights and optimizer state (recommended).");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public IPrecisionPolicy Create() => new FixedPrecisionPolicy(ScalarType.BFloat16);
}

/// <summary><c>model.precision = "fp16"</c>: float16 compute with dynamic loss scaling and fp32 master weights.</summary>
public sealed class Fp16PrecisionPlugin : IPrecisionPlugin
{
    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("fp16", PluginKind.Precision, PluginVersion.Value, PluginContract.Version,
        "float16 activations with dynamic loss scaling (start 65536, x2 after 2000 good steps, /2 and skip on inf/NaN).");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public IPrecisionPolicy Create() => new DynamicLossScalingPolicy();
}

/// <summary><c>model.precision = "fp32"</c>: everything in float32 (debugging numerical problems).</summary>
public sealed class Fp32PrecisionPlugin : IPrecisionPlugin
{
    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("fp32", PluginKind.Precision, PluginVersion.Value, PluginContract.Version,
        "float32 throughout: slowest, for debugging numerical problems.");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public IPrecisionPolicy Create() => new FixedPrecisionPolicy(ScalarType.Float32);
}
