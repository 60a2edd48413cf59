using System.CommandLine;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runs;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge report runs/x</c>: (re)writes the run's self-contained report.html from its files.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The run folder." };
        var evaluation = new Option<string?>("--eval") { Description = "The evaluation folder to show (default: <run>/eval; e.g. <run>/eval-test after eval --data)." };
        var command = new Command("report", "Write runs/<name>/report.html: config, parameters, curves, metrics and evaluation examples in one file.")
        {
            run, evaluation,
        };
        command.SetAction(parse => Run(parse.GetValue(run)!, parse.GetValue(evaluation), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string runPath, string? evaluationFolder, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var folder = RunFolder.Open(runPath);
            if (evaluationFolder is not null && !Directory.Exists(evaluationFolder))
            {
                error.WriteLine($"error: --eval {evaluationFolder} does not exist.");
                return 1;
            }
            output.WriteLine($"report: {RunReport.Write(folder, evaluationFolder)}");
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
