using System.Text.Json;
using VlmForge.Abstractions.IO;
using VlmForge.Engine.Checkpoints;
using VlmForge.Engine.Pipeline;

namespace VlmForge.Engine.Runs;

/// <summary>
/// What happens to a run folder when training throws (a plugin's exception, a disk error, a bug), as a user of a
/// fine-tuning tool expects: nothing of value is lost and nothing half-made gets in the way.
/// <list type="bullet">
/// <item>The model was saved (the failure came after it, in the final evaluation or report): the folder stays a run;
/// <c>vlmforge eval</c> finishes what failed.</item>
/// <item>It holds a checkpoint: the folder stays, marked failed (<see cref="RunFolder.FailedPath"/>) so eval, serve and
/// report do not take it for a finished run, and <c>train --resume</c> continues from the checkpoint (hours of work are
/// not thrown away).</item>
/// <item>This invocation made it and it holds nothing to continue from: it is removed, so the same command can run
/// again under the same name (before, the half-made folder blocked that).</item>
/// </list>
/// </summary>
internal static class RunFailure
{
    /// <summary>Cleans up or marks <paramref name="folder"/> after <paramref name="error"/>, saying what it did on <paramref name="log"/>.</summary>
    /// <param name="folder">The run's folder.</param>
    /// <param name="createdNow">True when this invocation created the folder (a new run, not a resumed one).</param>
    /// <param name="error">What failed.</param>
    /// <param name="log">Where the note goes.</param>
    public static void Handle(RunFolder folder, bool createdNow, Exception error, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            if (File.Exists(RunFiles.TrainedWeights(folder)) || File.Exists(RunFiles.AdapterConfig(folder)))
            {
                log.WriteLine($"the trained model is saved in {folder.ModelPath}; once the cause is fixed, `vlmforge eval {folder.Path}` evaluates it.");
                return;
            }
            var checkpoint = CheckpointStore.NewestIntact(folder.CheckpointsPath, TextWriter.Null);
            if (checkpoint is null && createdNow)
            {
                Directory.Delete(folder.Path, recursive: true);
                log.WriteLine($"removed the unfinished run folder {folder.Path}: training failed before its first checkpoint, so it held nothing " +
                              "to continue from. The same command can run again once the cause is fixed.");
                return;
            }
            DurableFile.WriteAllText(folder.FailedPath, JsonSerializer.Serialize(new
            {
                error = error.Message,
                type = error.GetType().Name,
                checkpoint_step = checkpoint?.Step,
            }, new JsonSerializerOptions { WriteIndented = true }));
            log.WriteLine(checkpoint is { } newest
                ? $"kept {folder.Path}, marked failed: it holds the checkpoint of step {newest.Step}. Fix the cause, then continue it with " +
                  $"`vlmforge train --resume {folder.Path}`."
                : $"{folder.Path} is marked failed and holds no checkpoint: `vlmforge train --resume {folder.Path}` starts it over.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"could not clean up {folder.Path} after the failure ({e.Message}); delete it, or continue it with `vlmforge train --resume {folder.Path}`.");
        }
    }

    /// <summary>The error a <see cref="RunFolder.FailedPath"/> file records, for messages.</summary>
    public static string Read(string failedPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(failedPath));
            var root = document.RootElement;
            var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var step = root.TryGetProperty("checkpoint_step", out var s) && s.ValueKind == JsonValueKind.Number ? $"; newest checkpoint: step {s.GetInt64()}" : "";
            return (error ?? "no reason recorded") + step;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return $"{failedPath} cannot be read: {e.Message}";
        }
    }
}
