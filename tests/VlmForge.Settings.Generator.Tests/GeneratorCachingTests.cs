using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace VlmForge.Settings.Generator.Tests;

public class GeneratorCachingTests
{
    private static readonly string[] TrackedSteps =
    [
        SettingsGenerator.Steps.RootNamespace, SettingsGenerator.Steps.SchemaFiles, SettingsGenerator.Steps.ParsedSchemas,
        SettingsGenerator.Steps.Sections, SettingsGenerator.Steps.Diagnostics,
    ];

    [Fact]
    public void A_second_run_over_the_same_inputs_is_served_entirely_from_the_cache()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(
            ("/p/complete.settings.toml", GeneratorHarness.Sample("complete.sample.toml")),
            ("/p/lion.settings.toml", GeneratorHarness.LionSchema()));

        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Equal(2, first.GeneratedSources.Length);

        // A new compilation (an edited C# file) must not redo any schema work.
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Edited { }"));
        driver = driver.RunGenerators(edited);
        var second = driver.GetRunResult().Results.Single();

        foreach (var name in TrackedSteps)
        {
            Assert.True(second.TrackedSteps.TryGetValue(name, out var steps), $"step {name} was not tracked");
            foreach (var output in steps.SelectMany(s => s.Outputs))
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {name} ran again: {output.Reason}");
        }
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_one_schema_regenerates_only_that_schema()
    {
        var compilation = GeneratorHarness.Compilation();
        var lion = GeneratorHarness.Text("/p/lion.settings.toml", GeneratorHarness.LionSchema());
        var complete = GeneratorHarness.Text("/p/complete.settings.toml", GeneratorHarness.Sample("complete.sample.toml"));
        var driver = GeneratorHarness.Driver(complete, lion).RunGenerators(compilation);

        var edited = GeneratorHarness.Text("/p/lion.settings.toml",
            GeneratorHarness.LionSchema().Replace("default = 0.99", "default = 0.98", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(lion, edited).RunGenerators(compilation);

        var run = driver.GetRunResult();
        var parsed = run.Results.Single().TrackedSteps[SettingsGenerator.Steps.ParsedSchemas]
            .SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(2, parsed.Count);
        Assert.Single(parsed, r => r == IncrementalStepRunReason.Modified);
        Assert.Single(parsed, r => r == IncrementalStepRunReason.Cached);
        Assert.Contains("0.98", run.GeneratedTrees.Single(t => t.FilePath.Contains("LionOptions", StringComparison.Ordinal)).ToString(), StringComparison.Ordinal);
    }
}
