using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VlmForge.Engine.Runs;
using VlmForge.Settings.Loading;
using VlmForge.Settings.Writing;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge compare runs/a runs/b ...</c>: the settings that differ, then the metrics side by side.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs") { Description = "Two or more run folders.", Arity = new ArgumentArity(2, 16) };
        var command = new Command("compare", "Compare runs: settings that differ and metrics side by side.") { runs };
        command.SetAction(parse => Run(parse.GetValue(runs)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var runs = new List<(string Name, IReadOnlyDictionary<string, string> Settings, IReadOnlyDictionary<string, string> Metrics)>();
        foreach (var path in paths)
        {
            try
            {
                var folder = RunFolder.Open(path);
                var settings = WorkflowLoader.LoadFile(folder.ConfigPath).GetSettingsOrThrow();
                runs.Add((folder.Name, Flatten(ResolvedConfigWriter.Write(settings)), Metrics(folder)));
            }
            catch (Exception e) when (e is IOException or WorkflowConfigException or JsonException)
            {
                error.WriteLine($"error: {path}: {e.Message}");
                return 1;
            }
        }

        var names = runs.Select(r => r.Name).ToList();
        var differing = runs[0].Settings.Keys.Union(runs.SelectMany(r => r.Settings.Keys))
            .Where(key => key != "run.name" && runs.Select(r => r.Settings.GetValueOrDefault(key, "")).Distinct().Count() > 1)
            .ToList();
        output.WriteLine(differing.Count == 0 ? "settings: identical (apart from run.name)" : "settings that differ:");
        if (differing.Count > 0)
            WriteTable(output, "setting", names, differing, key => runs.Select(r => r.Settings.GetValueOrDefault(key, "(unset)")));

        var metricKeys = runs.SelectMany(r => r.Metrics.Keys).Distinct().ToList();
        output.WriteLine();
        output.WriteLine("metrics:");
        WriteTable(output, "metric", names, metricKeys, key => runs.Select(r => r.Metrics.GetValueOrDefault(key, "-")));
        return 0;
    }

    /// <summary>section.key -> value text, from a resolved config.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(string resolvedToml)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string section = "";
        foreach (var raw in resolvedToml.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }
            int equals = line.IndexOf(" = ", StringComparison.Ordinal);
            if (equals > 0) result[$"{section}.{line[..equals]}"] = line[(equals + 3)..];
        }
        return result;
    }

    private static IReadOnlyDictionary<string, string> Metrics(RunFolder folder)
    {
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(folder.SummaryPath))
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(folder.SummaryPath));
            foreach (var key in new[] { "outcome", "steps", "updates", "seconds", "best_metric", "skipped_updates" })
                if (summary.RootElement.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null)
                    metrics[key] = Format(value);
        }
        var validations = JsonLinesLog<ValidationRecord>.ReadAll(folder.ValidationPath);
        if (validations.Count > 0)
        {
            var last = validations[^1];
            metrics["val_loss"] = last.Loss.ToString("F4", CultureInfo.InvariantCulture);
            foreach (var (key, value) in last.Metrics)
                metrics[key] = value.ToString("F4", CultureInfo.InvariantCulture);
        }
        var evaluation = Path.Combine(folder.EvaluationPath, "metrics.json");
        if (File.Exists(evaluation))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(evaluation));
            foreach (var property in document.RootElement.EnumerateObject())
                if (property.Value.ValueKind is JsonValueKind.Number or JsonValueKind.String)
                    metrics["eval." + property.Name] = Format(property.Value);
        }
        return metrics;
    }

    private static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static void WriteTable(TextWriter output, string header, IReadOnlyList<string> runs, IReadOnlyList<string> keys,
        Func<string, IEnumerable<string>> row)
    {
        var rows = keys.Select(k => (Key: k, Values: row(k).ToList())).ToList();
        int keyWidth = Math.Max(header.Length, rows.Count == 0 ? 0 : rows.Max(r => r.Key.Length));
        var widths = runs.Select((name, i) => Math.Max(name.Length, rows.Count == 0 ? 0 : rows.Max(r => r.Values[i].Length))).ToList();
        output.WriteLine("  " + header.PadRight(keyWidth) + string.Concat(runs.Select((n, i) => "  " + n.PadRight(widths[i]))).TrimEnd());
        foreach (var (key, values) in rows)
            output.WriteLine("  " + key.PadRight(keyWidth) + string.Concat(values.Select((v, i) => "  " + v.PadRight(widths[i]))).TrimEnd());
    }
}
