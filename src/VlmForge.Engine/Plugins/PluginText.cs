using System.Reflection;
using VlmForge.Abstractions.Plugins;

namespace VlmForge.Engine.Plugins;

/// <summary>Wording shared by load failures and run-time faults.</summary>
internal static class PluginText
{
    /// <summary>The kind as a config writes it: optimizer, quantizer, precision, sampler.</summary>
    public static string Kind(PluginKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The innermost meaningful exception as <c>Type: message</c>, skipping reflection wrappers.</summary>
    public static string Describe(Exception e)
    {
        var inner = Unwrap(e);
        return $"{inner.GetType().Name}: {inner.Message.TrimEnd('.')}";
    }

    public static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException or TypeInitializationException && e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    /// <summary>The name of an assembly that could not be found, if that is what <paramref name="e"/> is about.</summary>
    public static string? MissingAssembly(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case FileNotFoundException { FileName: { } file }:
                    return file;
                case FileLoadException { FileName: { } file }:
                    return file;
                case ReflectionTypeLoadException typeLoad:
                    foreach (var loaderException in typeLoad.LoaderExceptions)
                    {
                        if (loaderException is not null && MissingAssembly(loaderException) is { } name)
                            return name;
                    }
                    break;
            }
        }
        return null;
    }
}
