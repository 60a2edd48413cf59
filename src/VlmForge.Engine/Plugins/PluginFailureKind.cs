namespace VlmForge.Engine.Plugins;

/// <summary>Why a plugin (or a whole plugin folder) was not loaded.</summary>
public enum PluginFailureKind
{
    /// <summary>A folder the host was told to search does not exist.</summary>
    FolderNotFound,

    /// <summary>The folder has no <c>&lt;folder name&gt;.dll</c>, the assembly the host loads first.</summary>
    MainAssemblyMissing,

    /// <summary>The main assembly could not be read (not a .NET assembly, or built for another runtime).</summary>
    AssemblyUnreadable,

    /// <summary>The plugin needs an assembly that is neither in its folder nor provided by the host.</summary>
    MissingDependency,

    /// <summary>The assembly has no public class that implements the host's <c>IVlmForgePlugin</c>.</summary>
    NoPluginType,

    /// <summary>A plugin class has no public parameterless constructor.</summary>
    NoParameterlessConstructor,

    /// <summary>The plugin's constructor threw.</summary>
    ConstructorThrew,

    /// <summary>The plugin's identity or settings list could not be read, or they are not valid.</summary>
    InvalidIdentity,

    /// <summary>
    /// The plugin was compiled against another contract version: its <c>PluginIdentity.ContractVersion</c> differs
    /// from the host's, or its classes do not fit the host's contracts.
    /// </summary>
    ContractVersionMismatch,

    /// <summary>Another plugin loaded earlier already has this name.</summary>
    DuplicateName,
}
