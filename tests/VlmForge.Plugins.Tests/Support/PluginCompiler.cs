using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace VlmForge.Plugins.Tests.Support;

/// <summary>
/// Compiles small C# sources into assemblies with Roslyn, the way a plugin author's build would, so the host can be
/// tested against plugins that fail in every way without committing binaries.
/// </summary>
public static class PluginCompiler
{
    /// <summary>Every assembly this test process runs on: the framework, TorchSharp, VlmForge.Abstractions, ...</summary>
    private static readonly Lazy<IReadOnlyList<string>> PlatformAssemblies = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Where(p => p.EndsWith(".dll", StringComparison.Ordinal))]);

    /// <summary>
    /// Compiles <paramref name="source"/> to <c>&lt;folder&gt;/&lt;assemblyName&gt;.dll</c>.
    /// </summary>
    /// <param name="assemblyName">The assembly name.</param>
    /// <param name="source">C# source.</param>
    /// <param name="folder">Output folder (created).</param>
    /// <param name="references">Extra assemblies to reference (paths).</param>
    /// <param name="replaceAbstractionsWith">Reference this assembly instead of the host's VlmForge.Abstractions.</param>
    public static string Compile(string assemblyName, string source, string folder, IEnumerable<string>? references = null, string? replaceAbstractionsWith = null)
    {
        var platform = PlatformAssemblies.Value
            .Where(p => replaceAbstractionsWith is null || !Path.GetFileName(p).Equals("VlmForge.Abstractions.dll", StringComparison.Ordinal));
        var allReferences = platform
            .Concat(references ?? [])
            .Concat(replaceAbstractionsWith is null ? [] : [replaceAbstractionsWith])
            .Select(p => MetadataReference.CreateFromFile(p));

        var compilation = CSharpCompilation.Create(assemblyName,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            allReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, assemblyName + ".dll");
        using (var output = File.Create(path))
        {
            var result = compilation.Emit(output);
            if (!result.Success)
            {
                var errors = string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
                throw new InvalidOperationException($"Test plugin {assemblyName} did not compile:{Environment.NewLine}{errors}");
            }
        }
        return path;
    }

    /// <summary>A fresh folder under the system temp folder.</summary>
    public static string TempFolder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vlmforge-plugin-tests", $"{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
