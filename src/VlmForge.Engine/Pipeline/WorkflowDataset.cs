using VlmForge.Data.Datasets;
using VlmForge.Data.Synthetic;
using VlmForge.Data.Tasks;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// The records a workflow trains and validates on: generated first when <c>dataset.synthetic</c> asks for it and the
/// data is missing, loaded with bad records reported by file and line, split, and turned into task examples.
/// </summary>
public sealed class WorkflowDataset
{
    private WorkflowDataset(
        IReadOnlyList<TaskExample> train, IReadOnlyList<TaskExample> validation, IReadOnlyList<TaskKind> tasks,
        IReadOnlyList<DatasetLoadSummary> summaries, IReadOnlyList<DatasetProblem> problems, int trainRecords, RunConventions conventions)
    {
        Conventions = conventions;
        Train = train;
        Validation = validation;
        Tasks = tasks;
        Summaries = summaries;
        Problems = problems;
        TrainRecords = trainRecords;
    }

    /// <summary>How many skipped records the console lists; all of them go to <see cref="SkippedFileName"/>.</summary>
    public const int ListedProblems = 20;

    /// <summary>The run folder's list of skipped records, one JSON object per line.</summary>
    public const string SkippedFileName = "skipped.jsonl";

    public IReadOnlyList<TaskExample> Train { get; }
    public IReadOnlyList<TaskExample> Validation { get; }
    public IReadOnlyList<TaskKind> Tasks { get; }

    /// <summary>Images (records) in the training split: what the page's epoch advice counts.</summary>
    public int TrainRecords { get; }

    /// <summary>One per file read: loaded and skipped counts by reason.</summary>
    public IReadOnlyList<DatasetLoadSummary> Summaries { get; }

    /// <summary>Every record that was skipped, with file and line.</summary>
    public IReadOnlyList<DatasetProblem> Problems { get; }

    /// <summary>The family's conventions and image size the examples were built with (answers' boxes are in its coordinates).</summary>
    public RunConventions Conventions { get; }

    /// <summary>Loads (and first synthesizes, when asked) the dataset of <paramref name="settings"/> with fixed conventions.</summary>
    public static WorkflowDataset Load(WorkflowSettings settings, RunConventions conventions, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        return Load(settings, _ => conventions, log);
    }

    /// <summary>
    /// Loads (and first synthesizes, when asked) the dataset of <paramref name="settings"/>. The conventions are chosen
    /// from the loaded records (training and validation) because a family's image size can depend on them (Qwen2.5-VL's
    /// smart resize of a dataset whose images share one size), and the answers' boxes are written in that size.
    /// </summary>
    /// <exception cref="DatasetFormatException">A bad record with <c>on_error = "fail"</c>.</exception>
    /// <exception cref="WorkflowException">No usable records for the configured task.</exception>
    public static WorkflowDataset Load(WorkflowSettings settings, Func<IReadOnlyList<DatasetRecord>, RunConventions> conventionsFor, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(conventionsFor);
        ArgumentNullException.ThrowIfNull(log);
        var dataset = settings.Dataset;
        var path = settings.ResolvePath(dataset.Path ?? "data");
        if (dataset.Synthetic == SyntheticDataset.Shapes)
            EnsureShapes(path, settings, log);

        var layout = DatasetLayout.FromPath(path);
        var options = new DatasetLoadOptions
        {
            OnError = dataset.OnError,
            // Every image is decoded once here, so a corrupt one stops "fail" before step 1 and is skipped by "skip",
            // instead of surfacing in the middle of training.
            ImageCheck = ImageCheck.FullDecode,
            MaxImagePixels = dataset.MaxImagePixels,
        };
        var problems = new List<DatasetProblem>();
        var summaries = new List<DatasetLoadSummary>();
        var trainResult = JsonlDatasetLoader.Load(layout.TrainFile, options, problems.Add);
        summaries.Add(trainResult.Summary);

        var validationFile = dataset.ValidationPath is { } explicitPath ? settings.ResolvePath(explicitPath) : layout.ValidationFile;
        IReadOnlyList<DatasetRecord> trainRecords = trainResult.Records;
        IReadOnlyList<DatasetRecord> validationRecords;
        if (validationFile is not null)
        {
            var validationResult = JsonlDatasetLoader.Load(validationFile, options, problems.Add);
            summaries.Add(validationResult.Summary);
            validationRecords = validationResult.Records;
        }
        else
        {
            (trainRecords, validationRecords) = Split(trainResult.Records, dataset.ValidationSplit, (ulong)settings.Training.Seed);
        }
        if (trainRecords.Count == 0)
            throw new WorkflowException($"{layout.TrainFile} has no usable training records ({trainResult.Summary}).");

        var conventions = conventionsFor([.. trainRecords, .. validationRecords]);
        var tasks = TasksOf(dataset.Task);
        var builder = ExampleBuilder(settings, conventions);
        var train = builder.Build(trainRecords, tasks);
        var validation = builder.Build(validationRecords, tasks);
        if (train.Count == 0)
            throw new WorkflowException(
                $"{layout.TrainFile}: no record has what dataset.task = \"{DatasetTaskNames.ToTomlName(dataset.Task)}\" needs " +
                "(phrase_grounding for grounding, qa for vqa, captions for caption).");
        foreach (var summary in summaries)
            log.WriteLine($"data: {summary}");
        foreach (var problem in problems.Take(ListedProblems))
            log.WriteLine($"data: skipped {problem}");
        if (problems.Count > ListedProblems)
            log.WriteLine($"data: ... and {problems.Count - ListedProblems} more skipped records (every one is in the run folder's {SkippedFileName})");
        return new WorkflowDataset(train, validation, tasks, summaries, problems, trainRecords.Count, conventions);
    }

    /// <summary>Writes every skipped record (file, line, column, reason, message) to <paramref name="path"/>, durably; nothing when none was skipped.</summary>
    public void WriteSkipped(string path)
    {
        if (Problems.Count == 0) return;
        var text = new System.Text.StringBuilder();
        foreach (var p in Problems)
        {
            text.Append(System.Text.Json.JsonSerializer.Serialize(new
            {
                file = p.File,
                line = p.Line,
                column = p.Column,
                reason = p.Kind.ToString(),
                message = p.Message,
            })).Append('\n');
        }
        Abstractions.IO.DurableFile.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// Examples to evaluate a run on from any dataset in the run's format (<c>vlmforge eval --data</c>): a .jsonl file,
    /// or a folder's <c>test.jsonl</c>, else its <c>validation.jsonl</c>. Records are checked as training data is, with
    /// the run's <c>dataset.on_error</c>; examples are built for the run's <c>dataset.task</c> and image size.
    /// </summary>
    /// <exception cref="DatasetFormatException">A bad record with <c>on_error = "fail"</c>.</exception>
    /// <exception cref="WorkflowException">The path holds no data file, or no record has the run's task.</exception>
    public static IReadOnlyList<TaskExample> LoadForEvaluation(WorkflowSettings settings, RunConventions conventions, string path, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(conventions);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(log);
        string file = File.Exists(path) ? path
            : Directory.Exists(path) ? new[] { "test.jsonl", DatasetLayout.ValidationFileName }.Select(name => Path.Combine(path, name)).FirstOrDefault(File.Exists)
                ?? throw new WorkflowException($"{path} has no test.jsonl or {DatasetLayout.ValidationFileName}; pass the .jsonl file to evaluate on.")
            : throw new WorkflowException($"{path} does not exist; pass a .jsonl file or a folder with test.jsonl or {DatasetLayout.ValidationFileName}.");
        var options = new DatasetLoadOptions
        {
            OnError = settings.Dataset.OnError,
        };
        var loaded = JsonlDatasetLoader.Load(file, options, problem => log.WriteLine($"skipped: {problem}"));
        log.WriteLine($"data: {loaded.Summary}");
        var examples = ExampleBuilder(settings, conventions).Build(loaded.Records, TasksOf(settings.Dataset.Task));
        if (examples.Count == 0)
            throw new WorkflowException(
                $"{file}: no record has what the run's dataset.task = \"{DatasetTaskNames.ToTomlName(settings.Dataset.Task)}\" needs " +
                "(phrase_grounding for grounding, qa for vqa, captions for caption).");
        return examples;
    }

    private static TaskExampleBuilder ExampleBuilder(WorkflowSettings settings, RunConventions conventions) =>
        new(conventions.Conventions.Boxes, new Data.Prompts.TaskInstructions
        {
            Grounding = settings.Prompt.GroundingInstruction,
            Caption = settings.Prompt.CaptionInstruction,
        });

    /// <summary>The tasks a <c>dataset.task</c> value selects; <c>mixed</c> is every task the records carry.</summary>
    public static IReadOnlyList<TaskKind> TasksOf(DatasetTask task) => task switch
    {
        DatasetTask.Grounding => [TaskKind.Grounding],
        DatasetTask.Vqa => [TaskKind.Vqa],
        DatasetTask.Caption => [TaskKind.Caption],
        _ => TaskKinds.All,
    };

    /// <summary>Generates the shapes dataset at <paramref name="folder"/> unless an identical one is already there.</summary>
    public static ShapesDatasetOptions EnsureShapes(string folder, WorkflowSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        int total = settings.Dataset.SyntheticCount;
        int validation = (int)Math.Round(total * settings.Dataset.ValidationSplit);
        var options = new ShapesDatasetOptions
        {
            ImageSize = settings.Dataset.ImageSize,
            TrainCount = total - validation,
            ValidationCount = Math.Max(validation, 1),
            Seed = (ulong)settings.Dataset.SyntheticSeed,
        };
        if (!ShapesDatasetGenerator.IsUpToDate(folder, options))
        {
            log.WriteLine($"data: generating the shapes dataset in {folder} ({options.TrainCount} train + {options.ValidationCount} validation images)");
            ShapesDatasetGenerator.Generate(folder, options);
        }
        return options;
    }

    private static (IReadOnlyList<DatasetRecord> Train, IReadOnlyList<DatasetRecord> Validation) Split(
        IReadOnlyList<DatasetRecord> records, double share, ulong seed)
    {
        int held = (int)Math.Round(records.Count * share);
        if (held == 0) return (records, []);
        var order = Enumerable.Range(0, records.Count).ToArray();
        Data.Randomness.SplitMix64.For(seed, 0x5b11).Shuffle(order);
        var heldOut = order.Take(held).ToHashSet();
        return (records.Where((_, i) => !heldOut.Contains(i)).ToList(), records.Where((_, i) => heldOut.Contains(i)).ToList());
    }
}
