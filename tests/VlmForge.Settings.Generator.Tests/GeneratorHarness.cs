using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using VlmForge.Settings.Generator;

namespace VlmForge.Settings.Generator.Tests;

/// <summary>Runs the settings generator in memory over schema texts, as the compiler would.</summary>
internal static class GeneratorHarness
{
    public const string RootNamespace = "Samples.Settings";

    public static string Sample(string fileName) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", fileName));

    public static CSharpCompilation Compilation() => CSharpCompilation.Create(
        "SchemaUser",
        [CSharpSyntaxTree.ParseText("namespace Samples.Settings { internal static class Anchor { } }", new CSharpParseOptions(LanguageVersion.Latest))],
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(params (string Path, string Text)[] schemas) =>
        Driver(schemas.Select(s => Text(s.Path, s.Text)).ToArray());

    public static GeneratorDriver Driver(params AdditionalText[] schemas) =>
        CSharpGeneratorDriver.Create(
            [new SettingsGenerator().AsSourceGenerator()],
            schemas,
            new CSharpParseOptions(LanguageVersion.Latest),
            new TestOptions(RootNamespace),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs once; gives the generated sources and the diagnostics, and the compilation with the sources added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params (string Path, string Text)[] schemas)
    {
        var driver = Driver(schemas).RunGeneratorsAndUpdateCompilation(Compilation(), out var output, out _);
        return (driver.GetRunResult(), output);
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var framework = trusted.Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "netstandard.dll" or "mscorlib.dll"));
        return [.. framework.Select(p => MetadataReference.CreateFromFile(p)),
                MetadataReference.CreateFromFile(typeof(VlmForge.Abstractions.Settings.ConfigTable).Assembly.Location)];
    });

    public static AdditionalText Text(string path, string text) => new InMemoryAdditionalText(path, text);

    public static string LionSchema() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Plugin", "lion.settings.toml"));

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class TestOptions(string rootNamespace) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(new Dictionary<string, string> { ["build_property.RootNamespace"] = rootNamespace });

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.None;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.None;

        private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
        {
            public static Options None { get; } = new([]);

            public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
        }
    }
}
