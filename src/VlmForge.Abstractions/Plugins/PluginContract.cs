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
/// <item>3: <see cref="Quantization.IQuantizerPlugin"/> tells the planner its storage per weight shape
/// (<see cref="Quantization.IQuantizerPlugin.StorageBytes"/>, replacing <c>BitsPerWeight</c>) and whether it keeps plain
/// linear layers (<see cref="Quantization.IQuantizerPlugin.KeepsPlainLinears"/>), so <c>quantization = "none"</c> goes
/// through its plugin like every other quantizer and a third-party quantizer is planned.</item>
/// </list>
/// </remarks>
public static class PluginContract
{
    /// <summary>The contract version this assembly defines.</summary>
    public const int Version = 3;
}
