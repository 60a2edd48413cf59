using System.CommandLine;
using System.CommandLine.Invocation;
using VlmForge.Cli.Commands;

namespace VlmForge.Cli;

/// <summary>The <c>vlmforge</c> command tree. Each command lives in <c>Commands/</c>; this file only wires them.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every sub-command.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "VlmForge fine-tunes vision-language models for phrase grounding, visual question answering and captioning.");

        root.Add(DoctorCommand.Create());
        root.Add(InitCommand.Create());
        root.Add(CheckCommand.Create());
        root.Add(SettingsCommand.Create());
        root.Add(PluginsCommand.Create());
        root.Add(TrainCommand.Create());
        root.Add(DataCommand.Create());
        root.Add(EvalCommand.Create());
        root.Add(DiagnoseCommand.Create());
        root.Add(GenerateCommand.Create());
        root.Add(ServeCommand.Create());
        root.Add(ReportCommand.Create());
        root.Add(CompareCommand.Create());
        root.Add(PlanCommand.Create());
        root.Add(ExportCommand.Create());

        foreach (var option in root.Options)
        {
            if (option is VersionOption version)
                version.Action = new PrintVersionAction();
        }
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            // Ours prints one line (and writes the trace to a file) instead of System.CommandLine's stack trace.
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return Create().Parse(args).Invoke(configuration);
        }
        catch (Exception e)
        {
            return CliErrors.Report(e, configuration.Error);
        }
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(BuildInfo.Describe());
            return 0;
        }
    }
}
