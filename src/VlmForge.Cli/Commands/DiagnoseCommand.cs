using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VlmForge.Data.Datasets;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Diagnostics;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge diagnose runs/x</c>: is the trained model using its images? Per task, on the validation split.</summary>
public static class DiagnoseCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run folder to diagnose." };
        var maxExamples = new Option<int>("--max-examples") { Description = "At most this many examples per task.", DefaultValueFactory = _ => 64 };
        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("diagnose",
            "Is the model using the image? Per task on validation data: answer loss with the right images vs images swapped " +
            "within the batch, attention on image tokens per decoder layer, how much image tokens differ between images, and a verdict.")
        {
            run, maxExamples, plugins,
        };
        command.SetAction(parse => Run(parse.GetValue(run)!, parse.GetValue(maxExamples), parse.GetValue(plugins)!,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string runPath, int maxExamples, IEnumerable<string> pluginFolders, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (maxExamples < 2)
        {
            error.WriteLine("error: --max-examples must be at least 2 (a swapped image comes from another example of the batch).");
            return 1;
        }
        try
        {
            using var plugins = WorkflowSource.LoadPlugins(pluginFolders);
            using var context = RunLoader.Open(runPath, plugins, output);
            var validation = context.Dataset!.Validation;
            if (validation.Count < 2)
            {
                error.WriteLine($"error: the dataset of {runPath} has fewer than 2 validation examples (set dataset.validation_split or a validation file).");
                return 1;
            }
            var report = ImageUseDiagnosis.Run(context, validation, maxExamples);
            Write(output, report);
            var path = Path.Combine(context.Folder.Path, "diagnosis.json");
            File.WriteAllText(path, JsonSerializer.Serialize(new
            {
                verdict = report.Verdict,
                tasks = report.Tasks.Select(t => new
                {
                    task = TaskKinds.Name(t.Task), examples = t.Examples, loss = t.Loss, shuffled_loss = t.ShuffledLoss, gap = t.Gap,
                    image_attention_share = t.ImageAttentionShare, image_token_spread = double.IsNaN(t.ImageTokenSpread) ? (double?)null : t.ImageTokenSpread,
                }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            output.WriteLine($"written: {path}");
            return 0;
        }
        catch (Exception e) when (e is WorkflowException or WorkflowConfigException or DatasetFormatException or PluginNotFoundException
                                      or PluginRuntimeException or IOException or InvalidDataException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    /// <summary>One line per task, then the verdict.</summary>
    public static void Write(TextWriter output, ImageUseReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        static string F(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
        output.WriteLine("task       examples  loss    swapped  gap     attention on image tokens per layer   image-token spread");
        foreach (var t in report.Tasks)
        {
            var shares = string.Join(" ", t.ImageAttentionShare.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)));
            var spread = double.IsNaN(t.ImageTokenSpread) ? "n/a" : F(t.ImageTokenSpread);
            output.WriteLine($"{TaskKinds.Name(t.Task),-9}  {t.Examples,8}  {F(t.Loss),-6}  {F(t.ShuffledLoss),-7}  {ImageUseReport.FormatGap(t.Gap),-6}  {shares,-36}  {spread}");
        }
        output.WriteLine($"verdict: {report.Verdict}");
    }
}
