namespace VlmForge.Abstractions.Plugins;

/// <summary>Version of the plugin contracts in this assembly.</summary>
/// <remarks>
/// A plugin reports the value it was compiled against in <see cref="PluginIdentity.ContractVersion"/>; since
/// <see cref="Version"/> is a constant, the compiler bakes it into the plugin. The host refuses a plugin whose
/// contract version differs from its own. Raise it whenever a contract changes shape.
/// <list type="bullet">
/// <item>1: the first contracts.</item>
/// <item>2: <see cref="Optimizers.OptimizerHyperparameters"/> holds only the weight decay; learning rate, betas and
/// epsilon left it (the rate comes per step, family-specific values from the plugin's own schema), and the host calls
/// <see cref="IVlmForgePlugin.Configure"/> with the plugin's table wherever a workflow is loaded.</item>
/// </list>
/// </remarks>
public static class PluginContract
{
    /// <summary>The contract version this assembly defines.</summary>
    public const int Version = 2;
}
