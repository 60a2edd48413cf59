namespace VlmForge.Abstractions.Plugins;

/// <summary>Version of the plugin contracts in this assembly.</summary>
/// <remarks>
/// A plugin reports the value it was compiled against in <see cref="PluginIdentity.ContractVersion"/>; since
/// <see cref="Version"/> is a constant, the compiler bakes it into the plugin. The host refuses a plugin whose
/// contract version differs from its own. Raise it whenever a contract changes shape.
/// </remarks>
public static class PluginContract
{
    /// <summary>The contract version this assembly defines.</summary>
    public const int Version = 1;
}
