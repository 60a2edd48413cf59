using System.Globalization;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Sampling;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Plugins.Sampling;

/// <summary><c>evaluation.sampler = "standard"</c>: the sampler the platform page describes.</summary>
public sealed class StandardSamplerPlugin : ISamplerPlugin
{
    /// <inheritdoc />
    public PluginIdentity Identity { get; } = new("standard", PluginKind.Sampler, PluginVersion.Value, PluginContract.Version,
        "Repetition penalty, then temperature, top-k, top-p and a seeded draw; greedy when do_sample is false.");

    /// <inheritdoc />
    public IReadOnlyList<SettingDescriptor> Settings { get; } = [];

    /// <inheritdoc />
    public void Configure(ConfigTable? section, DiagnosticBag diagnostics) =>
        PluginSettings.RejectUnknownKeys(section, Identity.Name, [], diagnostics);

    /// <inheritdoc />
    public ISampler Create(SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.RepetitionPenalty > 0) || !double.IsFinite(options.RepetitionPenalty))
            throw new ArgumentOutOfRangeException(nameof(options), options.RepetitionPenalty, "The repetition penalty must be a positive number (1 is none).");
        if (options.DoSample)
        {
            if (!(options.Temperature > 0) || !double.IsFinite(options.Temperature))
                throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, "The temperature must be positive when sampling.");
            if (options.TopK < 0)
                throw new ArgumentOutOfRangeException(nameof(options), options.TopK, "Top-k must be >= 0 (0 keeps every token).");
            if (!(options.TopP >= 0 && options.TopP <= 1))
                throw new ArgumentOutOfRangeException(nameof(options), options.TopP.ToString(CultureInfo.InvariantCulture), "Top-p must be in [0, 1] (1 keeps every token).");
        }
        return new StandardSampler(options);
    }
}
