using System.Runtime.Loader;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;

namespace VlmForge.Engine.Plugins;

/// <summary>A plugin instance whose folder loaded and whose identity checked out, before duplicate names are resolved.</summary>
internal sealed record PluginCandidate(
    IVlmForgePlugin Instance,
    PluginIdentity Identity,
    IReadOnlyList<SettingDescriptor> Settings,
    string Folder,
    string AssemblyPath,
    string TypeName,
    AssemblyLoadContext LoadContext);
