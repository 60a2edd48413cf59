using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Engine.Plugins.Guards;

/// <summary>The members every plugin has, answered from the snapshot taken at load time or run under the guard.</summary>
internal abstract class GuardedPlugin<TPlugin>(TPlugin inner, PluginGuard guard, PluginIdentity identity, IReadOnlyList<SettingDescriptor> settings)
    : IVlmForgePlugin
    where TPlugin : class, IVlmForgePlugin
{
    protected TPlugin Inner { get; } = inner;

    protected PluginGuard Guard { get; } = guard;

    public PluginIdentity Identity { get; } = identity;

    public IReadOnlyList<SettingDescriptor> Settings { get; } = settings;

    public void Configure(ConfigTable? section, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        Guard.Run(nameof(Configure), () => Inner.Configure(section, diagnostics));
    }
}
