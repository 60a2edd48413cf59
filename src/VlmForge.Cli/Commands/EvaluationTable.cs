using System.Globalization;
using VlmForge.Engine.Evaluation;

namespace VlmForge.Cli.Commands;

/// <summary>Prints an evaluation report as a small table: one line per task with its metrics and example counts.</summary>
public static class EvaluationTable
{
    public static void Write(TextWriter output, EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
        var rows = new List<(string Task, string Examples, string Metrics)>();
        if (report.Loss is { } loss)
            rows.Add(("loss", loss.Examples.ToString(CultureInfo.InvariantCulture), $"val_loss {F(loss.Loss)} over {loss.Tokens} answer tokens"));
        if (report.Metrics.Grounding is { } g)
            rows.Add(("grounding", g.Examples.ToString(CultureInfo.InvariantCulture),
                $"F1@0.5 {F(g.F1)}  precision {F(g.Precision)}  recall {F(g.Recall)}  mean IoU {F(g.MeanIoU)}  valid JSON {F(g.JsonValidityRate)}"));
        if (report.Metrics.Vqa is { } v)
            rows.Add(("vqa", v.Questions.ToString(CultureInfo.InvariantCulture), $"accuracy {F(v.Accuracy)} ({v.Correct} exact matches)"));
        if (report.Metrics.Caption is { } c)
            rows.Add(("caption", report.Predictions.Count(p => p.Example.Task == Data.Tasks.TaskKind.Caption).ToString(CultureInfo.InvariantCulture),
                $"BLEU-4 {F(c.Score)}"));
        int taskWidth = Math.Max(4, rows.Max(r => r.Task.Length));
        int countWidth = Math.Max(8, rows.Max(r => r.Examples.Length));
        output.WriteLine($"{"task".PadRight(taskWidth)}  {"examples".PadLeft(countWidth)}  metrics");
        foreach (var (task, examples, metrics) in rows)
            output.WriteLine($"{task.PadRight(taskWidth)}  {examples.PadLeft(countWidth)}  {metrics}");
        var limit = report.StoppedAtLimit > 0 ? $", {report.StoppedAtLimit} answers hit max_new_tokens" : "";
        output.WriteLine(FormattableString.Invariant(
            $"generation: {report.Timing.Tokens} tokens in {report.Timing.Total.TotalSeconds:F1} s ({report.Timing.TokensPerSecond:F0} tokens/s), sampler {report.Timing.SamplingShare:P1} of decoding{limit}"));
        if (report.OutputFolder is { } folder)
            output.WriteLine($"predictions, metrics.json and overlays: {folder}");
    }
}
