using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VlmForge.Benchmarks.FamilyLearning;

/// <summary>
/// A run's VQA accuracy next to what a model blind to the image gets: for each question of the evaluation, the answer
/// given most often to that exact question in the training data (its prior), scored the same way as the model's
/// answer (case and surrounding space ignored). Printed per question type (count, colour, shape, side) and in all.
/// </summary>
internal static partial class VqaAgainstPriors
{
    /// <summary>Reads <paramref name="trainJsonl"/> (records with "qa") and <paramref name="predictionsJsonl"/> (an eval's predictions) and prints the table.</summary>
    public static int Report(string trainJsonl, string predictionsJsonl, TextWriter output)
    {
        var answers = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(trainJsonl).Where(l => l.Length > 0))
        {
            using var record = JsonDocument.Parse(line);
            if (!record.RootElement.TryGetProperty("qa", out var qa))
            {
                continue;
            }
            foreach (var pair in qa.EnumerateArray())
            {
                var question = Normalize(pair.GetProperty("question").GetString()!);
                if (!answers.TryGetValue(question, out var counts))
                {
                    answers[question] = counts = new(StringComparer.Ordinal);
                }
                var answer = Normalize(pair.GetProperty("answer").GetString()!);
                counts[answer] = counts.GetValueOrDefault(answer) + 1;
            }
        }

        var rows = new SortedDictionary<string, (int Count, int Model, int Prior)>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(predictionsJsonl).Where(l => l.Length > 0))
        {
            using var prediction = JsonDocument.Parse(line);
            var root = prediction.RootElement;
            if (root.GetProperty("task").GetString() != "vqa")
            {
                continue;
            }
            var question = Normalize(root.GetProperty("prompt").GetString()!);
            var reference = Normalize(root.GetProperty("reference").GetString()!);
            var prior = answers.TryGetValue(question, out var counts) ? counts.MaxBy(p => p.Value).Key : "";
            var type = TypeOf(question);
            var row = rows.GetValueOrDefault(type);
            rows[type] = (row.Count + 1, row.Model + (Normalize(root.GetProperty("prediction").GetString()!) == reference ? 1 : 0),
                row.Prior + (prior == reference ? 1 : 0));
        }

        if (rows.Count == 0)
        {
            output.WriteLine($"error: {predictionsJsonl} has no VQA predictions; evaluate a run trained with VQA.");
            return 1;
        }
        output.WriteLine("question type   count  model  prior");
        foreach (var (type, row) in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type,-14} {row.Count,6} {Share(row.Model, row.Count),6} {Share(row.Prior, row.Count),6}"));
        }
        var (total, model, priorTotal) = (rows.Values.Sum(r => r.Count), rows.Values.Sum(r => r.Model), rows.Values.Sum(r => r.Prior));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"all",-14} {total,6} {Share(model, total),6} {Share(priorTotal, total),6}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"VQA accuracy {Share(model, total)} ({model}/{total}), answer priors {Share(priorTotal, total)} ({priorTotal}/{total})"));
        return 0;
    }

    private static string Share(int part, int whole) => (part / (double)whole).ToString("0.000", CultureInfo.InvariantCulture);

    private static string Normalize(string text) => text.Trim().ToLowerInvariant();

    private static string TypeOf(string question) => question switch
    {
        _ when question.StartsWith("how many", StringComparison.Ordinal) => "count",
        _ when ColourQuestion().IsMatch(question) => "colour",
        _ when question.StartsWith("what shape", StringComparison.Ordinal) => "shape",
        _ when question.Contains("left or the right", StringComparison.Ordinal) => "side",
        _ => "other",
    };

    [GeneratedRegex("^what colou?r")]
    private static partial Regex ColourQuestion();
}
