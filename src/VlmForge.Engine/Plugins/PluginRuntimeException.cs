using VlmForge.Abstractions.Plugins;

namespace VlmForge.Engine.Plugins;

/// <summary>A plugin threw (or broke its contract) while the engine was using it.</summary>
public sealed class PluginRuntimeException : InvalidOperationException
{
    /// <summary>Creates the exception; the message names the plugin, its folder and the operation.</summary>
    public PluginRuntimeException(string pluginName, PluginKind kind, string folder, string operation, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        PluginName = pluginName;
        Kind = kind;
        Folder = folder;
        Operation = operation;
    }

    /// <summary>The plugin's name.</summary>
    public string PluginName { get; }

    /// <summary>The plugin's kind.</summary>
    public PluginKind Kind { get; }

    /// <summary>The folder the plugin was loaded from.</summary>
    public string Folder { get; }

    /// <summary>The call that failed, for example <c>Step</c> or <c>Quantize</c>.</summary>
    public string Operation { get; }
}
