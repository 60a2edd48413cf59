using Snapshooter.Xunit;
using VlmForge.Settings.Writing;

namespace VlmForge.Settings.Tests;

/// <summary>Resolved configurations (defaults + a user file) are snapshot-tested: every key, canonical form.</summary>
public class ResolvedConfigTests
{
    private static string[] Lines(string text) => text.Split('\n');

    [Fact]
    public void The_resolved_defaults()
    {
        Snapshot.Match(Lines(ResolvedConfigWriter.Write(WorkflowSettings.Default)));
    }

    [Fact]
    public void A_user_file_resolved_over_the_defaults()
    {
        var result = Loading.WorkflowLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "Configs", "user.toml"));
        Assert.Empty(result.Errors);

        Snapshot.Match(Lines(ResolvedConfigWriter.Write(result.Settings!)));
    }

    [Fact]
    public void The_repositorys_default_workflow_resolved()
    {
        var result = Loading.WorkflowLoader.LoadFile(Path.Combine(TestConfig.RepoRoot(), "vlmforge.toml"));
        Assert.Empty(result.Errors);

        Snapshot.Match(Lines(ResolvedConfigWriter.Write(result.Settings!)));
    }

    [Fact]
    public void A_resolved_config_loads_back_to_the_same_settings_and_the_same_text()
    {
        var original = Loading.WorkflowLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "Configs", "user.toml")).Settings!;
        var text = ResolvedConfigWriter.Write(original);

        var reloaded = TestConfig.Load(text);

        Assert.Empty(reloaded.Errors);
        var settings = reloaded.Settings!;
        Assert.Equal(original.Model, settings.Model);
        Assert.Equal(original.Training, settings.Training);
        Assert.Equal(original.Evaluation, settings.Evaluation);
        Assert.Equal(original.Dataset, settings.Dataset);
        Assert.Equal(original.Prompt, settings.Prompt);
        Assert.Equal(original.Run, settings.Run);
        Assert.Equal(text, ResolvedConfigWriter.Write(settings));
    }

    [Fact]
    public void Configs_that_mean_the_same_resolve_to_the_same_text()
    {
        var explicitDefaults = TestConfig.Load("[training]\nepochs = 100\nlearning_rate = 0.0001\n[model]\nsize = \"medium\"\n").Settings!;
        var empty = TestConfig.Load("").Settings!;

        Assert.Equal(ResolvedConfigWriter.Write(empty), ResolvedConfigWriter.Write(explicitDefaults));
    }

    [Fact]
    public void Floats_are_written_the_same_under_any_culture()
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        try
        {
            var comma = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            Thread.CurrentThread.CurrentCulture = comma;

            var text = ResolvedConfigWriter.Write(WorkflowSettings.Default);

            Assert.Contains("learning_rate = 0.0001\n", text, StringComparison.Ordinal);
            Assert.Contains("lora_alpha = 32.0\n", text, StringComparison.Ordinal);
            Assert.Contains("weight_decay = 0.01\n", text, StringComparison.Ordinal);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }
}
