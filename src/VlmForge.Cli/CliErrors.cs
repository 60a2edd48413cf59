using System.Globalization;
using System.Text.Json;
using VlmForge.Data.Datasets;
using VlmForge.Data.Images;
using VlmForge.Data.Tokenization.HuggingFace;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Planning;
using VlmForge.Engine.Plugins;
using VlmForge.Models.Peft;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Tiny;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli;

/// <summary>
/// The last stop of every exception a command lets through. A problem with the user's input (a config, a dataset, a
/// checkpoint, a snapshot, a file) is one <c>error:</c> line with its message, which already says where and what to
/// do. Anything else is a bug: one line saying so and where the full trace was written, never a stack trace on the
/// console.
/// </summary>
public static class CliErrors
{
    /// <summary>Exit code of an unexpected failure (BSD's EX_SOFTWARE).</summary>
    public const int ExitInternalError = 70;

    /// <summary>True for the exception types that describe bad input rather than a bug.</summary>
    public static bool IsInputProblem(Exception exception) => exception is
        WorkflowException or WorkflowConfigException or DatasetFormatException or ImageDecodeException
        or SafetensorsFormatException or PeftFormatException or InvalidModelConfigException or StateDictMismatchException
        or TokenizerFormatException or PlanningException or PluginNotFoundException or PluginRuntimeException
        or IOException or UnauthorizedAccessException or InvalidDataException or JsonException;

    /// <summary>Prints <paramref name="exception"/> as described above and returns the exit code.</summary>
    public static int Report(Exception exception, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        if (IsInputProblem(exception))
        {
            error.WriteLine($"error: {exception.Message}");
            return 1;
        }
        var summary = $"{exception.GetType().Name}: {exception.Message.Split('\n')[0].Trim()}";
        try
        {
            var file = WriteTrace(exception);
            error.WriteLine($"error: unexpected {summary}. This is a bug in VlmForge; the full trace is in {file} (please attach it to a report).");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: unexpected {summary}. This is a bug in VlmForge; the trace could not be written ({e.Message}).");
        }
        return ExitInternalError;
    }

    private static string WriteTrace(Exception exception)
    {
        var folder = Path.Combine(Path.GetTempPath(), "vlmforge");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture,
            $"crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt"));
        File.WriteAllText(file, string.Create(CultureInfo.InvariantCulture,
            $"vlmforge {BuildInfo.Describe()}\n{DateTime.UtcNow:O}\nargs: {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n\n{exception}\n"));
        return file;
    }
}
