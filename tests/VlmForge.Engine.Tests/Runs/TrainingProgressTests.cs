using VlmForge.Engine.Reporting;

namespace VlmForge.Engine.Tests.Runs;

public class TrainingProgressTests
{
    [Fact]
    public void Redirected_output_gets_plain_lines_with_loss_and_eta()
    {
        var output = new StringWriter();
        var progress = new ConsoleTrainingProgress(output, interactive: false, plainInterval: TimeSpan.FromHours(1));

        progress.Run(totalSteps: 10, firstStep: 0, sink =>
        {
            for (int step = 1; step <= 10; step++)
                sink.Step(step, 1, 2, 1.0 / step, 1e-4);
            sink.Message("validation loss 0.5");
        });

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        // The first step and the last always print; the others wait for the interval.
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("step 1/10 epoch 1/2 loss 1.0000 lr 1e-4", lines[0]);
        Assert.StartsWith("step 10/10 epoch 1/2 loss 0.1000", lines[1]);
        Assert.Contains("eta 0:00", lines[1]);
        Assert.Equal("validation loss 0.5", lines[2]);
    }
}
