using ScottPlot;
using VlmForge.Abstractions.IO;
using VlmForge.Engine.Runs;

namespace VlmForge.Engine.Reporting;

/// <summary>Draws loss.png: training loss per step (raw and smoothed) and validation loss per evaluation.</summary>
internal static class LossPlot
{
    public const int Width = 900;
    public const int Height = 520;

    public static void Save(string path, IReadOnlyList<StepMetrics> steps, IReadOnlyList<ValidationRecord> validations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(validations);

        var plot = new Plot();
        var finite = steps.Where(s => double.IsFinite(s.Loss)).ToArray();
        if (finite.Length > 0)
        {
            double[] xs = finite.Select(s => (double)s.Step).ToArray();
            double[] ys = finite.Select(s => s.Loss).ToArray();
            var raw = plot.Add.ScatterLine(xs, ys);
            raw.LegendText = "training loss";
            raw.Color = Colors.SteelBlue.WithAlpha(0.35);

            var smooth = plot.Add.ScatterLine(xs, Smooth(ys, Math.Max(1, ys.Length / 50)));
            smooth.LegendText = "training loss (moving average)";
            smooth.Color = Colors.SteelBlue;
            smooth.LineWidth = 2;
        }
        var finiteValidation = validations.Where(v => double.IsFinite(v.Loss)).ToArray();
        if (finiteValidation.Length > 0)
        {
            var val = plot.Add.Scatter(
                finiteValidation.Select(v => (double)v.Step).ToArray(),
                finiteValidation.Select(v => v.Loss).ToArray());
            val.LegendText = "validation loss";
            val.Color = Colors.OrangeRed;
            val.LineWidth = 2;
            val.MarkerSize = 7;
        }
        plot.Title("Loss");
        plot.XLabel("step");
        plot.YLabel("loss");
        plot.ShowLegend(Alignment.UpperRight);

        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        DurableFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Trailing moving average over <paramref name="window"/> points.</summary>
    public static double[] Smooth(double[] values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        var result = new double[values.Length];
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
