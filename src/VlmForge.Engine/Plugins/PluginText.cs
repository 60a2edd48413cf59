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

    /// <summary>
    /// When <paramref name="missingAssembly"/> is one the host provides (the contracts, TorchSharp) in another version, what
    /// to do: rebuild against the host's version. Copying it into the plugin folder would load a second copy, which hides
    /// the plugin (contracts) or aborts the process (libtorch). Null for any other assembly.
    /// </summary>
    public static string? HostAssemblyAdvice(string missingAssembly)
    {
        AssemblyName wanted;
        try
        {
            wanted = new AssemblyName(missingAssembly);
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return null;
        }
        var host = new[] { typeof(IVlmForgePlugin).Assembly, typeof(TorchSharp.torch).Assembly }
            .Select(a => a.GetName())
            .FirstOrDefault(a => string.Equals(a.Name, wanted.Name, StringComparison.OrdinalIgnoreCase));
        if (host is null)
            return null;
        return $"It was built against {wanted.Name} {wanted.Version?.ToString() ?? "(another version)"}, but this host provides {host.Name} {host.Version}. " +
               $"Rebuild the plugin against the {host.Name} package version that ships with this host; do not copy {host.Name}.dll into the " +
               "plugin folder (the host supplies it, and a second copy hides the plugin or aborts the process).";
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
