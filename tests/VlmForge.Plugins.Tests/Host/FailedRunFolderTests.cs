using VlmForge.Cli;
using VlmForge.Plugins.Tests.Support;

namespace VlmForge.Plugins.Tests.Host;

/// <summary>
/// A plugin that throws during `vlmforge train`: a run with nothing to continue from leaves no half-made folder (the
/// same command runs again under the same name), and a run with checkpoints is kept, marked failed, refused by eval,
/// report and serve, and continued by `train --resume`.
/// </summary>
public sealed class FailedRunFolderTests : IDisposable
{
    private readonly string _root = PluginCompiler.TempFolder("failed-run");
    private readonly string _plugins;

    public FailedRunFolderTests()
    {
        _plugins = Path.Combine(_root, "plugins");
        PluginCompiler.Compile("Faulty.AtOnce", TestPluginSources.Optimizer("ThrowsAtOnce", "throws-at-once",
            step: """throw new InvalidOperationException("the optimizer's license expired");"""), Path.Combine(_plugins, "Faulty.AtOnce"));
        // Its step count lives in the plugin instance: a resumed run makes a new one, which takes two more steps.
        PluginCompiler.Compile("Faulty.Later", TestPluginSources.Optimizer("ThrowsLater", "throws-later",
            step: """if (StepCount == 2) throw new InvalidOperationException("the optimizer's license expired");"""), Path.Combine(_plugins, "Faulty.Later"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private string Config(string optimizer, string extra = "")
    {
        var path = Path.Combine(_root, "vlmforge.toml");
        File.WriteAllText(path, $"""
            [model]
            family = "tiny"

            [training]
            optimizer = "{optimizer}"
            epochs = 1
            batch_size = 2
            max_steps = 4
            {extra}

            [evaluation]
            max_new_tokens = 4
            max_examples = 1

            [dataset]
            path = "data"
            synthetic = "shapes"
            synthetic_count = 12
            image_size = 32

            [run]
            name = "r"
            threads = 1
            """);
        return path;
    }

    private (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // `report` loads no plugins, so it takes no --plugins.
        string[] plugins = args[0] == "report" ? [] : ["--plugins", _plugins];
        int exit = CliApp.Run([.. args, .. plugins], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_run_that_fails_before_its_first_checkpoint_leaves_no_folder_and_the_same_command_runs_again()
    {
        var run = Path.Combine(_root, "runs", "r");

        var failed = Cli("train", "--config", Config("throws-at-once"));

        Assert.Equal(1, failed.Exit);
        Assert.Contains("the optimizer's license expired", failed.Error, StringComparison.Ordinal);
        Assert.Contains($"removed the unfinished run folder {run}: training failed before its first checkpoint", failed.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(run));

        // The same name again, with the cause fixed: nothing is in the way.
        var again = Cli("train", "--config", Config("adamw"));
        Assert.True(again.Exit == 0, again.Error + again.Output);
        Assert.True(File.Exists(Path.Combine(run, "summary.json")));
    }

    [Fact]
    public void A_run_that_fails_after_a_checkpoint_is_kept_marked_failed_refused_as_a_run_and_resumed()
    {
        var run = Path.Combine(_root, "runs", "r");

        var failed = Cli("train", "--config", Config("throws-later", "checkpoint_interval = 1"));

        Assert.Equal(1, failed.Exit);
        Assert.Contains("the optimizer's license expired", failed.Error, StringComparison.Ordinal);
        Assert.Contains($"kept {run}, marked failed: it holds the checkpoint of step 2. Fix the cause, then continue it with `vlmforge train --resume {run}`.",
            failed.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(run, "failed.json")));
        Assert.False(File.Exists(Path.Combine(run, "summary.json")));

        foreach (var command in new[] { "eval", "report", "serve" })
        {
            var refused = Cli(command, run);
            Assert.True(refused.Exit == 1, command + ": " + refused.Output);
            Assert.Contains($"error: {run} is not a finished run: its training failed (", refused.Error, StringComparison.Ordinal);
            Assert.Contains("license expired", refused.Error, StringComparison.Ordinal);
            Assert.Contains($"continue it with `vlmforge train --resume {run}`", refused.Error, StringComparison.Ordinal);
        }

        var resumed = Cli("train", "--resume", run);
        Assert.True(resumed.Exit == 0, resumed.Error + resumed.Output);
        Assert.Contains("continuing after step 2 of 4", resumed.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run, "failed.json")));
        var evaluated = Cli("eval", run);
        Assert.True(evaluated.Exit == 0, evaluated.Error + evaluated.Output);
    }
}
