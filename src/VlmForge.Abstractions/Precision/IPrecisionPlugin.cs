using VlmForge.Abstractions.Plugins;

namespace VlmForge.Abstractions.Precision;

/// <summary>A plugin that decides the numeric format of training (<c>model.precision = "&lt;name&gt;"</c>).</summary>
public interface IPrecisionPlugin : IVlmForgePlugin
{
    /// <summary>Creates the policy for one training run; it may hold state such as a loss scale.</summary>
    IPrecisionPolicy Create();
}
