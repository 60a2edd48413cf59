using VlmForge.Abstractions.Plugins;

namespace VlmForge.Engine.Plugins;

/// <summary>
/// Runs calls into plugin code. Whatever a plugin throws comes out as a <see cref="PluginRuntimeException"/> that
/// names the plugin, its folder and the call, so a fault in third-party code never surfaces as a bare stack trace.
/// </summary>
internal sealed class PluginGuard(string pluginName, PluginKind kind, string folder)
{
    public string PluginName { get; } = pluginName;

    public PluginKind Kind { get; } = kind;

    public string Folder { get; } = folder;

    public T Run<T>(string operation, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is not PluginRuntimeException and not OutOfMemoryException)
        {
            throw Wrap(operation, e);
        }
    }

    public void Run(string operation, Action call)
    {
        try
        {
            call();
        }
        catch (Exception e) when (e is not PluginRuntimeException and not OutOfMemoryException)
        {
            throw Wrap(operation, e);
        }
    }

    /// <summary>A plugin handed back <see langword="null"/> where its contract promises an object.</summary>
    public T NotNull<T>(string operation, T? value) where T : class =>
        value ?? throw new PluginRuntimeException(PluginName, Kind, Folder, operation,
            $"Plugin '{PluginName}' ({PluginText.Kind(Kind)}, folder {Folder}) returned null from {operation}; " +
            $"its contract requires a {typeof(T).Name}. This is a bug in the plugin: report it to its author.");

    private PluginRuntimeException Wrap(string operation, Exception e)
    {
        var cause = PluginText.Describe(e);
        var advice = PluginText.MissingAssembly(e) is { } missing
            ? PluginText.HostAssemblyAdvice(missing) is { } hostAdvice
                ? " " + hostAdvice
                : $" It needs '{missing}', which is neither in its folder nor provided by the host: copy that assembly into the folder (publish the plugin with its dependencies)."
            : PluginText.Unwrap(e) is MissingMemberException or TypeLoadException
                ? " The plugin was probably built against another VlmForge.Abstractions or TorchSharp than this host's: rebuild it against the ones that ship with the host."
                : " This is a fault in the plugin; if the inputs above look right, report it to the plugin's author.";
        return new PluginRuntimeException(PluginName, Kind, Folder, operation,
            $"Plugin '{PluginName}' ({PluginText.Kind(Kind)}, folder {Folder}) failed in {operation}: {cause}.{advice}", e);
    }
}
