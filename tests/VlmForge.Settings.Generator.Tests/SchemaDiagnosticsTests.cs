using Microsoft.CodeAnalysis;
using Snapshooter.Xunit;

namespace VlmForge.Settings.Generator.Tests;

public class SchemaDiagnosticsTests
{
    private static List<string> Diagnose(string fileName)
    {
        // Samples are stored as *.sample.toml so the test project's own build does not compile them; the generator
        // only reads *.settings.toml, so they get that name here.
        var schemaName = fileName.Replace(".sample.toml", ".settings.toml", StringComparison.Ordinal);
        var (result, _) = GeneratorHarness.Run(($"/p/{schemaName}", GeneratorHarness.Sample(fileName)));
        Assert.Empty(result.GeneratedTrees);
        return result.Diagnostics
            .OrderBy(d => d.Location.GetLineSpan().StartLinePosition)
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                return $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToList();
    }

    [Fact]
    public void Every_mistake_of_a_broken_schema_is_reported_where_it_is()
    {
        var diagnostics = Diagnose("broken.sample.toml");

        Snapshot.Match(diagnostics);
        // Spot checks that do not depend on the snapshot: each id at its exact line and column.
        Assert.Contains("broken.settings.toml(4,1): error VLMF0003: 'docs' is not a schema key here; allowed: section, type, namespace, doc. Did you mean 'doc'?", diagnostics);
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(7,8): error VLMF0004: Setting 'count' has type \"integer\"", StringComparison.Ordinal) && d.EndsWith("Did you mean 'int'?", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(12,11): error VLMF0007: The default of setting 'rate' is 2.0", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(19,9): error VLMF0006", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(25,11): error VLMF0007", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(28,11): error VLMF0012", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(36,1): error VLMF0003: 'rnage'", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(39,11): warning VLMF0011", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(43,11): error VLMF0009", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.StartsWith("broken.settings.toml(49,10): error VLMF0010", StringComparison.Ordinal));
    }

    [Fact]
    public void A_schema_that_is_not_valid_toml_is_reported_at_the_syntax_error()
    {
        var diagnostics = Diagnose("invalid-toml.sample.toml");

        Assert.Equal(
        [
            "invalid-toml.settings.toml(6,11): error VLMF0001: The settings schema is not valid TOML: Unexpected token `=` for a value",
            "invalid-toml.settings.toml(6,13): error VLMF0001: The settings schema is not valid TOML: Unexpected token found `3` (token: `integer`) while expecting token `newline`",
        ], diagnostics);
    }

    [Fact]
    public void A_schema_without_a_schema_table_says_what_to_add()
    {
        var diagnostics = Diagnose("no-schema.sample.toml");

        Assert.Equal(
            ["no-schema.settings.toml(1,1): error VLMF0002: The settings schema needs a [schema] table with section = \"<table path>\" (for example section = \"training\" or section = \"plugins.lion\")."],
            diagnostics);
    }

    [Fact]
    public void Rules_broken_by_the_schemas_own_defaults_are_schema_errors()
    {
        const string schema = """
            [schema]
            section = "x"
            [settings.mode]
            type = "enum"
            values = ["full", "lora"]
            default = "full"
            doc = "Mode."
            [settings.quantization]
            type = "plugin"
            kind = "quantizer"
            default = "nf4"
            doc = "Quantizer."
            [[rules]]
            when = { mode = "full" }
            require = { quantization = ["none"] }
            message = "Full training stores no 4-bit weights."
            """;
        var (result, _) = GeneratorHarness.Run(("/p/x.settings.toml", schema));

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("VLMF0010", diagnostic.Id);
        Assert.Equal(12, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Contains("defaults break it", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_diagnostics_are_located_in_the_schema_file()
    {
        var (result, _) = GeneratorHarness.Run(("/repo/plugins/x/broken.settings.toml", GeneratorHarness.Sample("broken.sample.toml")));
        Assert.NotEmpty(result.Diagnostics);

        Assert.All(result.Diagnostics, d => Assert.Equal("/repo/plugins/x/broken.settings.toml", d.Location.GetLineSpan().Path));
        Assert.All(result.Diagnostics, d => Assert.True(d.Location.Kind == LocationKind.ExternalFile));
    }
}
