using System.Globalization;

namespace VlmForge.Engine.Plugins;

/// <summary>A plugin (or plugin folder) the host could not load, and why.</summary>
/// <param name="Plugin">The plugin's name when it could be read, else its class or folder name.</param>
/// <param name="Folder">The plugin folder (full path).</param>
/// <param name="Kind">The kind of fault.</param>
/// <param name="Message">What went wrong and what to do about it.</param>
/// <param name="Exception">The exception behind the fault, when there was one.</param>
public sealed record PluginFailure(string Plugin, string Folder, PluginFailureKind Kind, string Message, Exception? Exception = null)
{
    /// <summary><c>plugin (folder): message</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Plugin} ({Folder}): {Message}");
}
