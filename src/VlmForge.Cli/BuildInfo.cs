using System.Reflection;
using System.Runtime.InteropServices;

namespace VlmForge.Cli;

/// <summary>What this binary is: version and the TorchSharp it runs on.</summary>
public static class BuildInfo
{
    /// <summary>The informational version (semantic version plus source revision when built from git).</summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BuildInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>The workflow config baked in at build time (<c>vlmforge train</c> uses it when no --config is given).</summary>
    public static VlmForge.Settings.Embedding.EmbeddedConfig? EmbeddedConfig { get; } =
        VlmForge.Settings.Embedding.EmbeddedConfig.Find(typeof(BuildInfo).Assembly);

    /// <summary>Lines printed by <c>vlmforge --version</c>.</summary>
    public static string Describe()
    {
        var torchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version;
        return string.Join(Environment.NewLine,
            $"vlmforge {Version}",
            $"TorchSharp {torchSharp} on {RuntimeInformation.RuntimeIdentifier}, .NET {Environment.Version}",
            EmbeddedConfig is { } config ? $"config {config.FileName} sha256 {config.Sha256}" : "config: none embedded");
    }
}
