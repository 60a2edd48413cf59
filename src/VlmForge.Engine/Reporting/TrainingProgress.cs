using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace VlmForge.Engine.Reporting;

/// <summary>What the trainer tells the person watching.</summary>
public interface ITrainingProgress
{
    /// <summary>Runs <paramref name="body"/> while showing progress over <paramref name="totalSteps"/> steps.</summary>
    void Run(long totalSteps, long firstStep, Action<IProgressSink> body);
}

/// <summary>Receives updates from inside the training loop.</summary>
public interface IProgressSink
{
    void Step(long step, int epoch, int epochs, double loss, double learningRate);

    /// <summary>A line that must stay visible (validation results, warnings).</summary>
    void Message(string line);
}

/// <summary>
/// A Spectre.Console progress bar with loss and ETA on a terminal; plain, timestamped lines when output is
/// redirected (CI logs, files), so logs stay readable.
/// </summary>
public sealed class ConsoleTrainingProgress : ITrainingProgress
{
    private readonly TextWriter _plain;
    private readonly bool _interactive;
    private readonly TimeSpan _plainInterval;

    public ConsoleTrainingProgress(TextWriter output, bool? interactive = null, TimeSpan? plainInterval = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        _plain = output;
        _interactive = interactive ?? (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive);
        _plainInterval = plainInterval ?? TimeSpan.FromSeconds(5);
    }

    public void Run(long totalSteps, long firstStep, Action<IProgressSink> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!_interactive)
        {
            body(new PlainSink(_plain, totalSteps, firstStep, _plainInterval));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: totalSteps);
                task.Value = firstStep;
                body(new SpectreSink(task));
            });
    }

    private sealed class SpectreSink(ProgressTask task) : IProgressSink
    {
        public void Step(long step, int epoch, int epochs, double loss, double learningRate)
        {
            task.Value = step;
            task.Description = string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{epochs} loss {loss:F4} lr {learningRate:0.###e+0}");
        }

        public void Message(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));
    }

    private sealed class PlainSink(TextWriter output, long totalSteps, long firstStep, TimeSpan interval) : IProgressSink
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _lastPrint;

        public void Step(long step, int epoch, int epochs, double loss, double learningRate)
        {
            bool last = step >= totalSteps;
            bool first = _lastPrint is null;
            if (!last && !first && _clock.Elapsed - _lastPrint!.Value < interval) return;
            _lastPrint = _clock.Elapsed;
            double done = step - firstStep;
            var eta = done > 0 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / done * (totalSteps - step)) : TimeSpan.Zero;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"step {step}/{totalSteps} epoch {epoch}/{epochs} loss {loss:F4} lr {learningRate:0.###e+0} elapsed {Format(_clock.Elapsed)} eta {Format(eta)}"));
        }

        public void Message(string line) => output.WriteLine(line);

        private static string Format(TimeSpan t) =>
            t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
