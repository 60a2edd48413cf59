using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Engine.Evaluation;
using VlmForge.Engine.Runs;

namespace VlmForge.Engine.Reporting;

/// <summary>
/// <c>runs/&lt;name&gt;/report.html</c>: one self-contained page (inline CSS, SVG, script and base64 images; nothing is
/// fetched) with the resolved config, the parameter table, the training and validation curves, the evaluation metrics
/// and a grid of evaluation examples (overlay or image, prompt, prediction, reference) filtered by task and by
/// correct/wrong. Written at the end of <c>train</c> and <c>eval</c>, and by <c>vlmforge report</c>, from the run's files.
/// </summary>
public static class RunReport
{
    /// <summary>The report file's name in a run folder.</summary>
    public const string FileName = "report.html";

    /// <summary>A caption counts as correct from this BLEU-4 on (captions have no exact answer).</summary>
    public const double CaptionCorrectBleu = 0.5;

    /// <summary>Examples shown in the grid at most (the first ones), so the page stays small.</summary>
    public const int MaxExamples = 300;

    private const int ThumbnailSide = 192;

    /// <summary>Writes the report of <paramref name="run"/> from its files; returns its path.</summary>
    /// <param name="run">The run folder.</param>
    /// <param name="evaluationFolder">The evaluation to show (default: the run's <c>eval/</c>).</param>
    public static string Write(RunFolder run, string? evaluationFolder = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        string path = Path.Combine(run.Path, FileName);
        Abstractions.IO.DurableFile.WriteAllText(path, Render(run, evaluationFolder ?? run.EvaluationPath));
        return path;
    }

    /// <summary>The page's HTML.</summary>
    public static string Render(RunFolder run, string evaluationFolder)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(evaluationFolder);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        html.Append(CultureInfo.InvariantCulture, $"<title>{Html(run.Name)} - VlmForge run report</title><style>{Style}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{Html(run.Name)}</h1>");
        Summary(html, run);
        Config(html, run);
        Parameters(html, run);
        Curves(html, run);
        var evaluation = ReadJson(Path.Combine(evaluationFolder, EvaluationFiles.MetricsFileName));
        Metrics(html, evaluation, evaluationFolder);
        Examples(html, evaluationFolder);
        html.Append(CultureInfo.InvariantCulture, $"<script>{Script}</script></body></html>");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, RunFolder run)
    {
        var summary = ReadJson(run.SummaryPath);
        html.Append("<section id=\"summary\"><p>");
        if (summary is { } s)
        {
            string Field(string name) => s.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : "-";
            html.Append(CultureInfo.InvariantCulture,
                $"Outcome <b>{Html(Field("outcome"))}</b> after {Html(Field("steps"))} steps ({Html(Field("updates"))} updates) in {Html(Seconds(Field("seconds")))}; " +
                $"effective batch {Html(Field("effective_batch_size"))}; best metric {Html(Field("best_metric"))} at step {Html(Field("best_step"))}.");
        }
        else
        {
            html.Append("No summary.json: the run did not finish training.");
        }
        html.Append(CultureInfo.InvariantCulture, $" Folder: <code>{Html(run.Path)}</code>.</p></section>");
    }

    private static void Config(StringBuilder html, RunFolder run)
    {
        string text = File.Exists(run.ConfigPath) ? File.ReadAllText(run.ConfigPath) : "(config.toml is missing)";
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"config\"><h2>Resolved config</h2><details open><summary>config.toml</summary><pre>{Html(text)}</pre></details></section>");
    }

    private static void Parameters(StringBuilder html, RunFolder run)
    {
        html.Append("<section id=\"parameters\"><h2>Parameters</h2>");
        if (ReadJson(Path.Combine(run.Path, ParameterFile.FileName)) is not { } table)
        {
            html.Append("<p>parameters.json is missing (runs trained before it was written); <code>vlmforge train</code> prints the table.</p></section>");
            return;
        }
        html.Append("<table><thead><tr><th>module</th><th>kind</th><th>trainable</th><th>frozen</th><th>trainable MB</th><th>frozen MB</th><th>dtypes</th></tr></thead><tbody>");
        long trainable = 0, frozen = 0;
        foreach (var row in table.GetProperty("rows").EnumerateArray())
        {
            long t = row.GetProperty("trainable_parameters").GetInt64(), f = row.GetProperty("frozen_parameters").GetInt64();
            trainable += t;
            frozen += f;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Html(row.GetProperty("module").GetString()!)}</td><td>{Html(row.GetProperty("kind").GetString()!)}</td><td class=\"n\">{t:N0}</td><td class=\"n\">{f:N0}</td>" +
                $"<td class=\"n\">{row.GetProperty("trainable_bytes").GetInt64() / 1e6:F2}</td><td class=\"n\">{row.GetProperty("frozen_bytes").GetInt64() / 1e6:F2}</td>" +
                $"<td>{Html(row.GetProperty("dtypes").GetString()!)}</td></tr>");
        }
        html.Append(CultureInfo.InvariantCulture,
            $"</tbody><tfoot><tr><th colspan=\"2\">total</th><th class=\"n\">{trainable:N0}</th><th class=\"n\">{frozen:N0}</th><th colspan=\"3\"></th></tr></tfoot></table></section>");
    }

    private static void Curves(StringBuilder html, RunFolder run)
    {
        var steps = JsonLinesLog<StepMetrics>.ReadAll(run.MetricsPath);
        var validations = JsonLinesLog<ValidationRecord>.ReadAll(run.ValidationPath);
        html.Append("<section id=\"curves\"><h2>Training and validation</h2><div class=\"charts\">");
        html.Append(SvgChart.Render("loss", "step",
        [
            new("train", "#1f77b4", steps.Select(s => ((double)s.Step, s.Loss)).ToArray()),
            new("validation", "#d62728", validations.Select(v => ((double)v.Step, v.Loss)).ToArray()),
        ]));
        html.Append(SvgChart.Render("learning rate", "step", [new("lr", "#2ca02c", steps.Select(s => ((double)s.Step, s.LearningRate)).ToArray())]));
        html.Append(SvgChart.Render("gradient norm", "step",
            [new("grad norm", "#9467bd", steps.Where(s => s.GradNorm is not null).Select(s => ((double)s.Step, s.GradNorm!.Value)).ToArray())]));
        string[] colors = ["#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
        var names = validations.SelectMany(v => v.Metrics.Keys).Distinct().ToArray();
        html.Append(SvgChart.Render("validation task metrics", "step", names.Select((name, i) => new SvgChart.Series(name, colors[i % colors.Length],
            validations.Where(v => v.Metrics.ContainsKey(name)).Select(v => ((double)v.Step, v.Metrics[name])).ToArray())).ToArray()));
        html.Append("</div></section>");
    }

    private static void Metrics(StringBuilder html, JsonElement? evaluation, string folder)
    {
        html.Append("<section id=\"metrics\"><h2>Evaluation metrics</h2>");
        if (evaluation is not { } e)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>No evaluation at <code>{Html(folder)}</code>: run <code>vlmforge eval</code>.</p></section>");
            return;
        }
        html.Append(CultureInfo.InvariantCulture, $"<p>From <code>{Html(folder)}</code>.</p><table><tbody>");
        foreach (var name in new[] { "examples", "generated", "val_loss" })
        {
            if (e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
                html.Append(CultureInfo.InvariantCulture, $"<tr><th>{name}</th><td class=\"n\">{Number(value.GetDouble())}</td></tr>");
        }
        if (e.TryGetProperty("metrics", out var metrics))
        {
            foreach (var metric in metrics.EnumerateObject().Where(m => m.Value.ValueKind == JsonValueKind.Number))
                html.Append(CultureInfo.InvariantCulture, $"<tr><th>{Html(metric.Name)}</th><td class=\"n\">{Number(metric.Value.GetDouble())}</td></tr>");
        }
        html.Append("</tbody></table></section>");
    }

    private static void Examples(StringBuilder html, string folder)
    {
        string predictions = Path.Combine(folder, EvaluationFiles.PredictionsFileName);
        html.Append("<section id=\"examples\"><h2>Evaluation examples</h2>");
        if (!File.Exists(predictions))
        {
            html.Append("<p>No predictions.jsonl yet.</p></section>");
            return;
        }
        var overlays = Directory.Exists(Path.Combine(folder, EvaluationFiles.OverlaysFolderName))
            ? Directory.GetFiles(Path.Combine(folder, EvaluationFiles.OverlaysFolderName), "*.png")
            : [];
        var rows = File.ReadLines(predictions).Where(l => l.Length > 0).Take(MaxExamples).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        html.Append("<div class=\"filters\"><label>task <select id=\"task-filter\"><option value=\"all\">all</option>");
        foreach (var task in rows.Select(r => r.GetProperty("task").GetString()!).Distinct())
            html.Append(CultureInfo.InvariantCulture, $"<option value=\"{Html(task)}\">{Html(task)}</option>");
        html.Append("</select></label> <label>answer <select id=\"outcome-filter\"><option value=\"all\">all</option><option value=\"correct\">correct</option>" +
                    "<option value=\"wrong\">wrong</option></select></label> <span id=\"shown\"></span>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p class=\"note\">Grounding is correct when the JSON is valid and every true box is matched at IoU 0.5 with no extra box; VQA by exact match; " +
            $"captions from BLEU-4 {CaptionCorrectBleu.ToString(CultureInfo.InvariantCulture)}. Grounding images show true boxes (solid) and predicted boxes (dashed). " +
            $"The first {MaxExamples} examples at most.</p></div><div class=\"grid\">");
        var thumbnails = new Dictionary<string, string?>();
        foreach (var row in rows)
        {
            string id = row.GetProperty("id").GetString()!;
            string task = row.GetProperty("task").GetString()!;
            bool correct = Correct(task, row.GetProperty("scores"));
            string? overlay = task == "grounding" ? overlays.FirstOrDefault(o => o.EndsWith("-" + id + ".png", StringComparison.Ordinal)) : null;
            string? image = overlay ?? SourceImage(row);
            string? thumbnail = null;
            if (image is not null && !thumbnails.TryGetValue(image, out thumbnail))
                thumbnails[image] = thumbnail = Thumbnail(image);
            html.Append(CultureInfo.InvariantCulture,
                $"<article class=\"example {(correct ? "correct" : "wrong")}\" data-task=\"{Html(task)}\" data-correct=\"{(correct ? "true" : "false")}\">");
            html.Append(thumbnail is null
                ? "<div class=\"noimage\">image not found</div>"
                : $"<img alt=\"{Html(id)}\" src=\"data:image/png;base64,{thumbnail}\">");
            html.Append(CultureInfo.InvariantCulture,
                $"<div class=\"meta\"><b>{Html(task)}</b> {Html(id)} <span class=\"verdict\">{(correct ? "correct" : "wrong")}</span></div>" +
                $"<dl><dt>prompt</dt><dd>{Html(Text(row, "prompt"))}</dd><dt>prediction</dt><dd><code>{Html(Text(row, "prediction"))}</code></dd>" +
                $"<dt>reference</dt><dd><code>{Html(Text(row, "reference"))}</code></dd></dl></article>");
        }
        html.Append("</div></section>");
    }

    /// <summary>Whether the page counts an example's answer as right (see the note above the grid).</summary>
    public static bool Correct(string task, JsonElement scores) => task switch
    {
        "vqa" => scores.TryGetProperty("correct", out var c) && c.ValueKind == JsonValueKind.True,
        "grounding" => scores.TryGetProperty("valid_json", out var valid) && valid.ValueKind == JsonValueKind.True
                       && scores.GetProperty("true_positives").GetInt32() == scores.GetProperty("true_boxes").GetInt32()
                       && scores.GetProperty("predicted_boxes").GetInt32() == scores.GetProperty("true_boxes").GetInt32(),
        "caption" => scores.TryGetProperty("bleu", out var bleu) && bleu.ValueKind == JsonValueKind.Number && bleu.GetDouble() >= CaptionCorrectBleu,
        _ => false,
    };

    /// <summary>The example's image: its path is relative to the dataset file named in <c>source</c> (<c>file:line</c>).</summary>
    private static string? SourceImage(JsonElement row)
    {
        string source = Text(row, "source");
        int colon = source.LastIndexOf(':');
        string file = colon > 0 ? source[..colon] : source;
        string image = Text(row, "image");
        if (image.Length == 0) return null;
        string path = Path.Combine(Path.GetDirectoryName(file) ?? "", image);
        return File.Exists(path) ? path : null;
    }

    /// <summary>A PNG at most <see cref="ThumbnailSide"/> pixels on its longer side, base64; null when it cannot be read.</summary>
    private static string? Thumbnail(string path)
    {
        try
        {
            using var bitmap = ImageDecoder.Decode(path);
            double scale = Math.Min(1.0, (double)ThumbnailSide / Math.Max(bitmap.Width, bitmap.Height));
            // Small images are enlarged by the browser (pixelated), so they are embedded as they are.
            if (scale >= 1.0) return Convert.ToBase64String(PngWriter.Encode(bitmap));
            var size = new ImageSize(Math.Max(1, (int)(bitmap.Width * scale)), Math.Max(1, (int)(bitmap.Height * scale)));
            using var small = ImagePreprocessor.Resize(bitmap, size);
            return Convert.ToBase64String(PngWriter.Encode(small));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.ToString() : "";

    private static JsonElement? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Seconds(string seconds) =>
        double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? TimeSpan.FromSeconds(Math.Round(s)).ToString() : seconds;

    private static string Number(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    private static string Html(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}h1{margin:0 0 .3em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}
        pre{background:#f6f6f6;padding:.8em;overflow:auto;max-height:28em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap;gap:1em}
        .chart{border:1px solid #eee;background:#fff}.chart text{font-size:11px}.chart .title{font-weight:bold;font-size:12px}.chart .axis{stroke:#999}
        .filters{margin:.5em 0}.note{color:#666;font-size:12px}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:.8em}
        .example{border:2px solid #ccc;border-radius:6px;padding:.5em;overflow-wrap:anywhere}.example.correct{border-color:#2ca02c}.example.wrong{border-color:#d62728}
        .example img{width:192px;max-width:100%;image-rendering:pixelated;display:block;margin:auto}.noimage{color:#999;text-align:center;padding:2em 0}
        .verdict{float:right;font-weight:bold}.correct .verdict{color:#2ca02c}.wrong .verdict{color:#d62728}dl{margin:.4em 0 0}dt{color:#666;font-size:12px}dd{margin:0 0 .3em}
        """;

    // The filters can also be set from the address (report.html#task=vqa&answer=wrong), so a filtered view can be shared.
    // body[data-ready] is set last: a page whose script failed lacks it (the browser test checks it).
    private const string Script = """
        (function(){
          var task=document.getElementById('task-filter'),outcome=document.getElementById('outcome-filter'),shown=document.getElementById('shown');
          if(task){
            var wanted=new URLSearchParams(location.hash.slice(1));
            if(wanted.get('task'))task.value=wanted.get('task');
            if(wanted.get('answer'))outcome.value=wanted.get('answer');
            function apply(){
              var n=0,cards=document.querySelectorAll('.example');
              cards.forEach(function(card){
                var ok=(task.value==='all'||card.dataset.task===task.value)&&(outcome.value==='all'||(card.dataset.correct==='true')===(outcome.value==='correct'));
                card.hidden=!ok;if(ok)n++;
              });
              shown.textContent=n+' of '+cards.length+' shown';
            }
            task.addEventListener('change',apply);outcome.addEventListener('change',apply);apply();
          }
          document.body.dataset.ready='true';
        })();
        """;
}
