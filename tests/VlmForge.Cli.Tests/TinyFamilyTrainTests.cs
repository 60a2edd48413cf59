using System.Text.RegularExpressions;
using VlmForge.Cli;

namespace VlmForge.Cli.Tests;

/// <summary>
/// `vlmforge train` on a config that names only the tiny family and a small dataset: it trains with the family's CPU
/// defaults, says when max_steps caps the run, and writes the run under run.output relative to the config's folder.
/// </summary>
public class TinyFamilyTrainTests
{
    [Fact]
    public void A_family_only_config_trains_on_the_cpu_defaults_under_an_output_relative_to_the_config_and_says_what_max_steps_capped()
    {
        var root = Directory.CreateTempSubdirectory("vlmforge-tiny-train-").FullName;
        var folder = Path.Combine(root, "experiments", "first");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "my.toml");
        File.WriteAllText(config, """
            [model]
            family = "tiny"

            [training]
            epochs = 3
            batch_size = 4
            max_steps = 5
            seed = 3

            [evaluation]
            max_new_tokens = 8
            max_examples = 2

            [dataset]
            path = "data"
            synthetic = "shapes"
            synthetic_count = 10
            validation_split = 0.2

            [run]
            name = "capped"
            output = "out/runs"
            threads = 1
            """);
        var output = new StringWriter();
        var error = new StringWriter();
        try
        {
            int exit = CliApp.Run(["train", "--config", config], output, error);

            var text = output.ToString();
            Assert.True(exit == 0, error + text);
            Assert.Contains($"{config}:2:10: note: family = \"tiny\" sets what the file leaves out", text, StringComparison.Ordinal);

            // max_steps caps the epochs: the line says so instead of an impossible product.
            var plan = Regex.Match(text, @"; (\d+) steps/epoch x 3 epochs = (\d+) steps, capped by max_steps = 5: 5 steps, ");
            Assert.True(plan.Success, text);
            Assert.Equal(3 * int.Parse(plan.Groups[1].Value), int.Parse(plan.Groups[2].Value));
            Assert.True(int.Parse(plan.Groups[2].Value) > 5);
            Assert.Contains("Completed: 5 steps", text, StringComparison.Ordinal);
            var planned = new StringWriter();
            Assert.Equal(0, CliApp.Run(["plan", "--config", config], planned, error));
            Assert.Matches(@"\n  run +\d+ steps/epoch x 3 epochs = \d+ steps, capped by max_steps = 5: 5 steps -> ", planned.ToString());

            // run.output = "out/runs" is relative to the config's folder, not to the current directory.
            var run = Path.Combine(folder, "out", "runs", "capped");
            Assert.Contains($"run folder: {run}", text, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "out", "runs", "capped")));

            // The resolved config records the family's values the file left out, and the ones it wrote.
            var resolved = File.ReadAllText(Path.Combine(run, "config.toml"));
            foreach (var line in new[] { "size = \"tiny\"", "training_mode = \"full\"", "quantization = \"none\"", "precision = \"fp32\"",
                                         "learning_rate = 0.001", "image_size = 64", "batch_size = 4", "max_new_tokens = 8" })
            {
                Assert.Contains("\n" + line + "\n", resolved, StringComparison.Ordinal);
            }
            Assert.Contains($"output = \"{Path.Combine(folder, "out", "runs").Replace("\\", "\\\\", StringComparison.Ordinal)}\"", resolved, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
