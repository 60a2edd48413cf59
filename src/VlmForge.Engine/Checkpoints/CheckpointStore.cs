using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TorchSharp;
using VlmForge.Abstractions.IO;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Engine.Runs;
using VlmForge.Engine.Training;
using VlmForge.Models.Safetensors;
using static TorchSharp.torch;

namespace VlmForge.Engine.Checkpoints;

/// <summary>
/// Checkpoints of one run under <c>runs/&lt;name&gt;/checkpoints/step-NNNNNNN/</c>: trainable weights, optimizer
/// state and the RNG state as safetensors, the loop's counters and the config, and last a manifest of their sizes and
/// SHA-256. Each is written to a temporary folder inside the run folder, flushed to disk and renamed, so a crash never
/// leaves a half checkpoint under a real name, and resume verifies the manifest before trusting one; the newest
/// <c>checkpoints_kept</c> and the best one are kept.
/// </summary>
internal sealed partial class CheckpointStore : ICheckpointer
{
    public const string TrainableFile = "trainable.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string RandomStateFile = "rng.safetensors";
    public const string StateFile = "trainer_state.json";
    public const string ConfigFile = "config.toml";
    private const string RandomStateKey = "torch_cpu";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly string _folder;
    private readonly Func<IReadOnlyList<NamedParameter>> _trainable;
    private readonly IOptimizer _optimizer;
    private readonly string _configPath;
    private readonly int _keep;

    public CheckpointStore(string folder, Func<IReadOnlyList<NamedParameter>> trainable, IOptimizer optimizer, string configPath, int keep)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(trainable);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(configPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);
        _folder = folder;
        _trainable = trainable;
        _optimizer = optimizer;
        _configPath = configPath;
        _keep = keep;
    }

    /// <summary>Folders of the checkpoints present, oldest first.</summary>
    public static IReadOnlyList<(long Step, string Path)> List(string folder) =>
        !Directory.Exists(folder)
            ? []
            : Directory.EnumerateDirectories(folder)
                .Select(d => (Match: StepFolder().Match(System.IO.Path.GetFileName(d)), Path: d))
                .Where(x => x.Match.Success)
                .Select(x => (long.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Path))
                .OrderBy(x => x.Item1)
                .ToList();

    public void Save(TrainerState state, bool isBest)
    {
        ArgumentNullException.ThrowIfNull(state);
        Directory.CreateDirectory(_folder);
        var name = FolderName(state.Step);
        var final = System.IO.Path.Combine(_folder, name);
        var temp = System.IO.Path.Combine(_folder, DurableFile.TemporaryPrefix + name);
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        try
        {
            using (var scope = NewDisposeScope())
            {
                var weights = _trainable().ToDictionary(p => p.Name, p => p.Parameter.detach().cpu());
                SafetensorsWriter.Write(System.IO.Path.Combine(temp, TrainableFile), weights);
                var optimizerState = _optimizer.SaveState();
                try
                {
                    SafetensorsWriter.Write(System.IO.Path.Combine(temp, OptimizerFile), optimizerState.ToDictionary(kv => kv.Key, kv => kv.Value.cpu()));
                }
                finally
                {
                    foreach (var tensor in optimizerState.Values) tensor.Dispose();
                }
                SafetensorsWriter.Write(System.IO.Path.Combine(temp, RandomStateFile),
                    new Dictionary<string, Tensor> { [RandomStateKey] = torch.get_rng_state() });
            }
            DurableFile.WriteAllText(System.IO.Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, Json));
            DurableFile.WriteAllBytes(System.IO.Path.Combine(temp, ConfigFile), File.ReadAllBytes(_configPath));
            // Last: a checkpoint without its manifest is one whose save did not finish.
            CheckpointManifest.Write(temp, state.Step, [TrainableFile, OptimizerFile, RandomStateFile, StateFile, ConfigFile]);
            DurableFile.PublishFolder(temp, final);
        }
        catch
        {
            // A full disk or an I/O error leaves no half-written folder behind; the error itself still stops the run.
            try { if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true); }
            catch (IOException) { }
            throw;
        }
        Prune(state.BestStep ?? (isBest ? state.Step : null));
    }

    /// <summary>
    /// Removes what interrupted saves left in <paramref name="folder"/> (temporary checkpoint folders and files; a kill, a
    /// double Ctrl+C or a full disk leaves them) and says so on <paramref name="log"/>.
    /// </summary>
    public static void RemoveStaleTemporaries(string folder, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!Directory.Exists(folder)) return;
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos(DurableFile.TemporaryPrefix + "*"))
        {
            long bytes = entry is DirectoryInfo d ? d.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : ((FileInfo)entry).Length;
            if (entry is DirectoryInfo directory) directory.Delete(recursive: true);
            else entry.Delete();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"removed {entry.FullName} ({bytes / 1e6:F1} MB), left by a save that did not finish"));
        }
    }

    /// <summary>
    /// The newest checkpoint of <paramref name="folder"/> whose manifest matches its files, or null. Each newer one that
    /// does not match is reported on <paramref name="log"/> with the reason and renamed to <c>step-N.corrupt</c>, so the
    /// run's later saves and pruning never mistake it for a checkpoint.
    /// </summary>
    public static (long Step, string Path)? NewestIntact(string folder, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        foreach (var (step, path) in List(folder).Reverse())
        {
            var problem = CheckpointManifest.Verify(path);
            if (problem is null) return (step, path);
            var aside = path + ".corrupt";
            if (Directory.Exists(aside)) Directory.Delete(aside, recursive: true);
            Directory.Move(path, aside);
            log.WriteLine($"skipping checkpoint {System.IO.Path.GetFileName(path)}: {problem}; moved it to {aside} (delete it when you no longer need it)");
        }
        return null;
    }

    /// <summary>Restores checkpoint folder <paramref name="path"/> (one <see cref="NewestIntact"/> found) into the model, optimizer and RNG.</summary>
    /// <returns>The loop's counters to resume from.</returns>
    public static TrainerState Restore(string path, IReadOnlyList<NamedParameter> trainable, IOptimizer optimizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(trainable);
        ArgumentNullException.ThrowIfNull(optimizer);
        LoadWeights(path, trainable);
        using (var optimizerState = SafetensorsCheckpoint.Open(System.IO.Path.Combine(path, OptimizerFile)))
        {
            var tensors = optimizerState.Names.ToDictionary(n => n, n => optimizerState.Read(n));
            try { optimizer.LoadState(tensors); }
            finally { foreach (var t in tensors.Values) t.Dispose(); }
        }
        using (var rng = SafetensorsCheckpoint.Open(System.IO.Path.Combine(path, RandomStateFile)))
        using (var state = rng.Read(RandomStateKey))
            torch.set_rng_state(state);

        return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(System.IO.Path.Combine(path, StateFile)), Json)
            ?? throw new InvalidDataException($"{path}/{StateFile} is empty.");
    }

    /// <summary>Copies the trainable weights saved in checkpoint folder <paramref name="path"/> into <paramref name="trainable"/>.</summary>
    public static void LoadWeights(string path, IReadOnlyList<NamedParameter> trainable) =>
        LoadWeightsFile(System.IO.Path.Combine(path, TrainableFile), trainable);

    /// <summary>Copies the weights in a safetensors file into <paramref name="trainable"/>; names and shapes must match exactly.</summary>
    public static void LoadWeightsFile(string file, IReadOnlyList<NamedParameter> trainable)
    {
        ArgumentNullException.ThrowIfNull(trainable);
        using var weights = SafetensorsCheckpoint.Open(file);
        var expected = trainable.Select(p => p.Name).ToHashSet();
        var missing = expected.Except(weights.Names).ToList();
        var unexpected = weights.Names.Except(expected).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(
                $"{file} does not match this model's trainable parameters " +
                $"(missing: {Describe(missing)}; unexpected: {Describe(unexpected)}). Use the config the run was started with.");
        using var noGrad = torch.no_grad();
        foreach (var p in trainable)
        {
            using var saved = weights.Read(p.Name);
            if (!saved.shape.SequenceEqual(p.Parameter.shape))
                throw new InvalidDataException($"{file}: {p.Name} has shape [{string.Join(", ", saved.shape)}], the model expects [{string.Join(", ", p.Parameter.shape)}].");
            p.Parameter.copy_(saved);
        }
    }

    public static string FolderName(long step) => string.Create(CultureInfo.InvariantCulture, $"step-{step:D7}");

    private void Prune(long? bestStep)
    {
        var checkpoints = List(_folder);
        foreach (var (step, path) in checkpoints.Take(Math.Max(0, checkpoints.Count - _keep)))
        {
            if (step != bestStep) Directory.Delete(path, recursive: true);
        }
    }

    private static string Describe(IReadOnlyList<string> names) =>
        names.Count == 0 ? "none" : string.Join(", ", names.Take(5)) + (names.Count > 5 ? $" and {names.Count - 5} more" : "");

    [GeneratedRegex(@"^step-(\d+)$")]
    private static partial Regex StepFolder();
}
