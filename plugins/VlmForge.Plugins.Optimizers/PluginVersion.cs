using System.Reflection;

namespace VlmForge.Plugins.Optimizers;

/// <summary>The plugins' version: this assembly's informational version without the source revision.</summary>
internal static class PluginVersion
{
    public static string Value { get; } =
        (typeof(PluginVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
