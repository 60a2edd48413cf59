using System.Text.Json;
using VlmForge.Cli;

namespace VlmForge.Cli.Tests;

/// <summary>
/// training.loss_weighting through `vlmforge train`: the same batches from the same initial model train differently
/// when the tasks share the loss equally, and the log and the resolved config say which weighting ran.
/// </summary>
public class LossWeightingTests
{
    [Fact]
    public void Task_weighting_reaches_the_training_loss_of_a_run_started_from_its_config()
    {
        var root = Directory.CreateTempSubdirectory("vlmforge-loss-weighting-").FullName;
        try
        {
            var tokens = StepLosses(root, "tokens", out var tokensLog);
            var tasks = StepLosses(root, "tasks", out var tasksLog);

            Assert.Contains("loss weighted by tokens", tokensLog, StringComparison.Ordinal);
            Assert.Contains("loss weighted by tasks", tasksLog, StringComparison.Ordinal);
            // The same batches from the same initial weights: only the weighting differs, and training is deterministic,
            // so a run that ignored the setting would log the very same losses.
            for (int step = 0; step < 3; step++)
            {
                Assert.True(Math.Abs(tokens[step] - tasks[step]) > 1e-3, $"step {step + 1} loss {tokens[step]} (tokens) vs {tasks[step]} (tasks)");
            }
            Assert.Contains("\nloss_weighting = \"tasks\"\n", File.ReadAllText(Path.Combine(root, "runs", "tasks", "config.toml")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double[] StepLosses(string root, string weighting, out string log)
    {
        var config = Path.Combine(root, weighting + ".toml");
        File.WriteAllText(config, $"""
            [model]
            family = "tiny"

            [training]
            batch_size = 8
            max_steps = 3
            seed = 3
            loss_weighting = "{weighting}"

            [evaluation]
            max_new_tokens = 4
            max_examples = 1

            [dataset]
            path = "data"
            synthetic = "shapes"
            synthetic_count = 10
            validation_split = 0.2
            task = "mixed"

            [run]
            name = "{weighting}"
            output = "runs"
            threads = 1
            """);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(["train", "--config", config], output, error);
        log = output.ToString();
        Assert.True(exit == 0, error + log);
        var losses = File.ReadLines(Path.Combine(root, "runs", weighting, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(step => step.TryGetProperty("loss", out _))
            .Select(step => step.GetProperty("loss").GetDouble())
            .ToArray();
        Assert.Equal(3, losses.Length);
        return losses;
    }
}
