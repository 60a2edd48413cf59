using System.Runtime.Loader;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Engine.Plugins;

/// <summary>A plugin the host loaded: who it is, where it came from and the settings it reads.</summary>
public sealed class LoadedPlugin
{
    internal LoadedPlugin(PluginIdentity identity, IReadOnlyList<SettingDescriptor> settings, string folder, string assemblyPath, string typeName, AssemblyLoadContext loadContext, IVlmForgePlugin plugin)
    {
        Identity = identity;
        Settings = settings;
        Folder = folder;
        AssemblyPath = assemblyPath;
        TypeName = typeName;
        LoadContext = loadContext;
        Plugin = plugin;
    }

    /// <summary>Name, kind and versions, as the plugin reported them when it was loaded.</summary>
    public PluginIdentity Identity { get; }

    /// <summary>The name a config selects the plugin by.</summary>
    public string Name => Identity.Name;

    /// <summary>The contract the plugin implements.</summary>
    public PluginKind Kind => Identity.Kind;

    /// <summary>The plugin's own version.</summary>
    public string Version => Identity.Version;

    /// <summary>The contract version the plugin was compiled against (equal to the host's, or it would not be loaded).</summary>
    public int ContractVersion => Identity.ContractVersion;

    /// <summary>The folder the plugin was loaded from (full path).</summary>
    public string Folder { get; }

    /// <summary>The assembly that holds the plugin class.</summary>
    public string AssemblyPath { get; }

    /// <summary>The plugin class's full name.</summary>
    public string TypeName { get; }

    /// <summary>The load context of the plugin's folder: its own, sharing the contracts and TorchSharp with the host.</summary>
    public AssemblyLoadContext LoadContext { get; }

    /// <summary>The settings the plugin reads from <c>[plugins.&lt;name&gt;]</c>.</summary>
    public IReadOnlyList<SettingDescriptor> Settings { get; }

    /// <summary>
    /// The plugin, wrapped so that an exception it throws (and one thrown by any object it returns) becomes a
    /// <see cref="PluginRuntimeException"/> naming the plugin and its folder. Implements the interface of its
    /// <see cref="Kind"/>.
    /// </summary>
    public IVlmForgePlugin Plugin { get; }
}
