using VlmForge.Abstractions.Plugins;

namespace VlmForge.Engine.Plugins;

/// <summary>The engine asked for a plugin (for example <c>optimizer "adamw"</c>) that is not loaded.</summary>
public sealed class PluginNotFoundException : KeyNotFoundException
{
    /// <summary>Creates the exception with a message that lists what is available.</summary>
    public PluginNotFoundException(PluginKind kind, string name, IReadOnlyList<string> available, string message) : base(message)
    {
        Kind = kind;
        Name = name;
        Available = available;
    }

    /// <summary>The kind that was asked for.</summary>
    public PluginKind Kind { get; }

    /// <summary>The name that was asked for.</summary>
    public string Name { get; }

    /// <summary>The names of the loaded plugins of that kind.</summary>
    public IReadOnlyList<string> Available { get; }
}
