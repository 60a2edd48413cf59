using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using VlmForge.Abstractions.IO;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Data.Tasks;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Checkpoints;
using VlmForge.Engine.Evaluation;
using VlmForge.Engine.Families;
using VlmForge.Engine.Reporting;
using VlmForge.Engine.Runs;
using VlmForge.Engine.Runtime;
using VlmForge.Engine.Training;
using VlmForge.Models.Detection;
using VlmForge.Models.Peft;
using VlmForge.Models.Safetensors;
using VlmForge.Settings;
using VlmForge.Settings.Loading;
using VlmForge.Settings.Writing;
using static System.FormattableString;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// One training run from a validated workflow, start to finish: data, tokenizer, model, plugins, the loop, and
/// everything written to the run folder. Resuming rebuilds the same pieces from the run folder and continues from the
/// newest checkpoint, so the metrics equal an uninterrupted run.
/// </summary>
public static class TrainingSession
{
    private static readonly JsonSerializerOptions SummaryJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static TrainingSessionResult Run(TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var made = new StrongBox<RunFolder?>();
        try
        {
            return Run(request, made);
        }
        catch (Exception e) when (e is not OutOfMemoryException && (made.Value ?? OpenedForResume(request)) is { } folder)
        {
            // A plugin's exception (or any other) must not leave a half-made folder that blocks the next run: see RunFailure.
            RunFailure.Handle(folder, createdNow: made.Value is not null, e, request.Log);
            throw;
        }
    }

    private static RunFolder? OpenedForResume(TrainingRequest request) =>
        request.ResumeFolder is { } path && File.Exists(Path.Combine(path, "config.toml")) ? RunFolder.Open(path, allowFailed: true) : null;

    /// <param name="request">What to train.</param>
    /// <param name="made">Set to the folder once this call has created a new run's folder.</param>
    private static TrainingSessionResult Run(TrainingRequest request, StrongBox<RunFolder?> made)
    {
        var log = request.Log;
        bool resuming = request.ResumeFolder is not null;
        RunFolder folder;
        WorkflowSettings settings;
        FamilyRun run;
        string? checkpoint = null;
        WorkflowDataset? dataset = null;
        if (resuming)
        {
            folder = RunFolder.Open(request.ResumeFolder!, allowFailed: true);
            settings = WorkflowLoader.LoadFile(folder.ConfigPath, request.Plugins).GetSettingsOrThrow();
            log.WriteLine($"resuming {folder.Path}");
            RemoveStaleTemporaries(folder, log);
            checkpoint = CheckpointStore.NewestIntact(folder.CheckpointsPath, log)?.Path;
            if (checkpoint is null)
            {
                // Killed before its first checkpoint (or every one is damaged): nothing to continue, so start it over.
                log.WriteLine($"{folder.Path} holds no intact checkpoint to continue from: starting the run over from step 1 " +
                              "in the same folder with its config.toml (its metrics are rewritten).");
                resuming = false;
            }
            run = RunAssembler.Open(settings);
        }
        else
        {
            var given = request.Settings ?? throw new ArgumentException("A new run needs settings.", nameof(request));
            run = RunAssembler.Open(given); // a missing or wrong model.path fails before any folder is made
            // So do bad records under on_error = "fail": every image is decoded before the folder exists.
            dataset = WorkflowDataset.Load(given, run.ConventionsFor(given), log);
            var output = given.ResolvePath(given.Run.Output);
            var name = given.Run.Name.Length > 0
                ? given.Run.Name
                : RunFolder.AutomaticName(output, given.Dataset.Task.ToTomlName(), given.Model.Size.ToTomlName(),
                    given.Model.TrainingMode.ToTomlName(), given.Model.Quantization);
            settings = Anchor(given, name);
            folder = RunFolder.CreateNew(output, name);
            made.Value = folder;
            ResolvedConfigWriter.WriteFile(settings, folder.ConfigPath,
                [$"Resolved configuration of run {name}.", $"Source: {request.ConfigSource} (sha256 {request.ConfigSha256})"]);
            log.WriteLine($"run folder: {folder.Path}");
        }
        run.DescribeModel(log);

        dataset ??= WorkflowDataset.Load(settings, run.ConventionsFor(settings), log);
        dataset.WriteSkipped(Path.Combine(folder.Path, WorkflowDataset.SkippedFileName));
        run.CheckImages(folder, dataset.Conventions, resuming, log);
        var tokenizer = run.TrainingTokenizer(settings, folder, dataset.Train, resuming, log);

        using var context = RunAssembler.Assemble(settings, folder, request.Plugins, tokenizer, run, dataset.Conventions, dataset,
            writeModelConfig: !resuming);
        var model = context.Model;
        var parameters = model.DescribeParameters();
        log.WriteLine(parameters.Format());
        Reporting.ParameterFile.Write(folder, parameters);

        var training = settings.Training;
        var batches = new ExampleBatches(dataset.Train, context.Encoder, context.Images, context.Collator, (ulong)training.Seed, groupByLength: training.GroupByLength,
            lossWeighting: training.LossWeighting);
        var trainable = model.TrainableParameters();
        using var optimizer = request.Plugins.Optimizer(training.Optimizer).Create(trainable,
            new OptimizerHyperparameters(training.WeightDecay));
        var precision = request.Plugins.Precision(settings.Model.Precision).Create();
        if (context.Device.type == TorchSharp.DeviceType.CPU && PrecisionSpeed.Cached().Warning(settings.Model.Precision) is { } slow)
        {
            log.WriteLine("warning: " + slow);
        }
        if (!resuming && training.VisionWarmupSteps > 0)
        {
            if (model is not IVisionObjectiveSource { VisionObjective: { } objective })
                throw new WorkflowException(
                    $"training.vision_warmup_steps = {training.VisionWarmupSteps}, but this model's vision side has no objective of its own " +
                    "(only the tiny family's detector has one). Set vision_warmup_steps = 0.");
            if (!objective.Trainable)
                throw new WorkflowException(
                    $"training.vision_warmup_steps = {training.VisionWarmupSteps}, but with training_mode = \"lora\" the detector is frozen " +
                    "(LoRA trains adapters only; a pretrained base's detector has already learned). Set vision_warmup_steps = 0, " +
                    "or training_mode = \"full\" to train the detector.");
            var heldOut = new ExampleBatches(dataset.Validation, context.Encoder, context.Images, context.Collator, (ulong)training.Seed)
                .AnnotatedImages();
            VisionWarmup.Run(objective, batches.AnnotatedImages(), heldOut, training.VisionWarmupSteps, training.BatchSize, training.LearningRate,
                (ulong)training.Seed, context.Device, log);
        }
        var validator = request.Validator(context);
        var options = TrainerOptionsFrom(settings, validator is not null);
        var checkpoints = new CheckpointStore(folder.CheckpointsPath, () => trainable, optimizer, folder.ConfigPath, training.CheckpointsKept);
        var trainer = new Trainer(new VlmTrainingModel(model, context.Device), batches, optimizer, precision, options, validator, checkpoints);

        TrainerState? resumeFrom = null;
        if (resuming)
        {
            log.WriteLine($"restoring checkpoint {Path.GetFileName(checkpoint)} (manifest verified)");
            resumeFrom = CheckpointStore.Restore(checkpoint!, trainable, optimizer);
            precision.LoadState(resumeFrom.Precision);
            log.WriteLine($"continuing after step {resumeFrom.Step} of {trainer.Plan.TotalSteps}");
        }
        log.WriteLine(Describe(trainer.Plan, dataset, settings));

        TrainingSummary summary;
        long resumedStep = resumeFrom?.Step ?? 0;
        using (var metrics = JsonLinesLog<StepMetrics>.Open(folder.MetricsPath, m => m.Step <= resumedStep))
        using (var validations = JsonLinesLog<ValidationRecord>.Open(folder.ValidationPath, v => v.Step <= resumedStep))
        {
            summary = trainer.Run(metrics, validations, request.Progress, resumeFrom, request.Cancellation);
        }

        if (summary.State.BestStep is { } best && best != summary.State.Step
            && CheckpointStore.List(folder.CheckpointsPath).FirstOrDefault(c => c.Step == best).Path is { } bestFolder)
        {
            // Like load_best_model_at_end: the run keeps the weights of its best validation, not the ones patience ran past.
            CheckpointStore.LoadWeights(bestFolder, trainable);
            log.WriteLine($"restored the best weights (step {best}, {settings.Training.EarlyStoppingMetric.ToTomlName()} {summary.State.BestMetric:G5})");
        }
        SaveTrainedModel(context, trainable);
        LossPlot.Save(folder.LossPlotPath, JsonLinesLog<StepMetrics>.ReadAll(folder.MetricsPath),
            JsonLinesLog<ValidationRecord>.ReadAll(folder.ValidationPath));
        EvaluationReport? evaluation = null;
        if (request.EvaluateAtEnd && dataset.Validation.Count > 0 && summary.Outcome != TrainingOutcome.Interrupted)
        {
            log.WriteLine($"evaluating on {Math.Min(dataset.Validation.Count, settings.Evaluation.MaxExamples is > 0 and var m ? m : int.MaxValue)} validation examples");
            evaluation = RunEvaluation.Evaluator(context).Evaluate(dataset.Validation, folder.EvaluationPath);
        }
        var result = new TrainingSessionResult(folder, summary, dataset.Summaries.Select(s => s.ToString()).ToList(), evaluation);
        DurableFile.WriteAllText(folder.SummaryPath, JsonSerializer.Serialize(new
        {
            outcome = summary.Outcome.ToString(),
            message = summary.Message,
            steps = summary.State.Step,
            updates = summary.State.Update,
            skipped_updates = summary.State.SkippedUpdates,
            non_finite_steps = summary.State.NonFiniteSteps,
            best_metric = summary.State.BestMetric,
            best_step = summary.State.BestStep,
            effective_batch_size = summary.Plan.EffectiveBatchSize,
            seconds = summary.Elapsed.TotalSeconds,
            validation = summary.LastValidation,
            data = result.DataSummaries,
        }, SummaryJson));
        File.Delete(folder.FailedPath); // a resumed failed run is a run again
        log.WriteLine($"report: {Reporting.RunReport.Write(folder)}");
        return result;
    }

    /// <summary>Removes temporary files and folders that a killed or failed save left in the run folder and its checkpoints.</summary>
    private static void RemoveStaleTemporaries(RunFolder folder, TextWriter log)
    {
        CheckpointStore.RemoveStaleTemporaries(folder.Path, log);
        CheckpointStore.RemoveStaleTemporaries(folder.CheckpointsPath, log);
    }

    /// <summary>
    /// Writes the trained weights into runs/&lt;name&gt;/model: a real family trained with LoRA as a PEFT adapter
    /// (adapter_config.json, adapter_model.safetensors with base_model.model.* keys) with the usage notes and the
    /// snapshot's processor, chat template and tokenizer files beside it; otherwise every trainable parameter under its
    /// own name.
    /// </summary>
    private static void SaveTrainedModel(RunContext context, IReadOnlyList<NamedParameter> trainable)
    {
        if (context.FamilyModel is { } family && context.Snapshot is { } snapshot && context.Settings.Model.TrainingMode == TrainingMode.Lora)
        {
            PeftAdapters.Export(family, context.Folder.ModelPath, new PeftExportOptions
            {
                BaseModelNameOrPath = snapshot.Path,
                Usage = RunAssembler.Usage(context),
                SnapshotFolder = snapshot.Path,
            });
            return;
        }
        SafetensorsWriter.Write(RunFiles.TrainedWeights(context.Folder),
            trainable.ToDictionary(p => p.Name, p => p.Parameter.detach().cpu()));
    }

    /// <summary>The trainer's options from [training] (early stopping only when a validator exists).</summary>
    internal static TrainerOptions TrainerOptionsFrom(WorkflowSettings settings, bool hasValidator)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var t = settings.Training;
        EarlyStoppingOptions? stopping = null;
        if (t.EarlyStoppingMetric != EarlyStoppingMetric.None)
        {
            if (!hasValidator)
                throw new WorkflowException(
                    $"training.early_stopping_metric = \"{t.EarlyStoppingMetric.ToTomlName()}\" needs validation, but this run has none.");
            stopping = new EarlyStoppingOptions(t.EarlyStoppingMetric.ToTomlName(),
                HigherIsBetter: t.EarlyStoppingMetric != EarlyStoppingMetric.ValLoss, t.EarlyStoppingPatience, t.EarlyStoppingMinDelta);
        }
        return new TrainerOptions
        {
            Epochs = t.Epochs,
            BatchSize = t.BatchSize,
            GradientAccumulation = t.GradientAccumulation,
            MaxUpdates = t.MaxSteps, // the setting counts optimizer updates
            LearningRate = t.LearningRate,
            Schedule = t.LrSchedule,
            WarmupUpdates = t.WarmupSteps,
            EvalIntervalUpdates = t.EvalInterval,
            CheckpointIntervalUpdates = t.CheckpointInterval,
            MaxNonFiniteSteps = t.MaxNonfiniteSteps,
            EarlyStopping = stopping,
        };
    }

    /// <summary>The settings as the run folder records them: paths made absolute (the copy lives elsewhere) and the run's name.</summary>
    private static WorkflowSettings Anchor(WorkflowSettings settings, string name) => settings with
    {
        Model = settings.Model with { Path = settings.Model.Path is { } p ? settings.ResolvePath(p) : null },
        Dataset = settings.Dataset with
        {
            Path = settings.ResolvePath(settings.Dataset.Path ?? "data"),
            ValidationPath = settings.Dataset.ValidationPath is { } v ? settings.ResolvePath(v) : null,
        },
        Run = settings.Run with { Name = name, Output = settings.ResolvePath(settings.Run.Output) },
    };

    /// <summary>The optimizer's own table as written (<c> (momentum = 0.9)</c>), so the log shows the values the plugin got.</summary>
    private static string OptimizerTable(WorkflowSettings settings) =>
        settings.PluginSection(settings.Training.Optimizer) is { Entries.Count: > 0 } table
            ? $" ({string.Join(", ", table.Entries.Select(e => $"{e.Key} = {e.Value}"))})"
            : "";

    private static string Describe(TrainingPlan plan, WorkflowDataset dataset, WorkflowSettings settings) => Invariant(
        $"plan: {dataset.TrainRecords} training images, {plan.Examples} examples ({string.Join("+", dataset.Tasks.Select(TaskKinds.Name))}), ") +
        Invariant($"{dataset.Validation.Count} validation examples; batch {plan.BatchSize} x accumulation {plan.GradientAccumulation} = ") +
        Invariant($"effective batch {plan.EffectiveBatchSize}; ") +
        TrainingPlan.DescribeSteps(plan.StepsPerEpoch, plan.Epochs, plan.TotalSteps, settings.Training.MaxSteps, plan.GradientAccumulation) +
        Invariant($", ") +
        Invariant($"{plan.TotalUpdates} updates; {settings.Training.Optimizer}{OptimizerTable(settings)} lr {settings.Training.LearningRate:G3} ({settings.Training.LrSchedule.ToTomlName()}), ") +
        Invariant($"weight decay {settings.Training.WeightDecay:G3}, loss weighted by {settings.Training.LossWeighting.ToTomlName()}, ") +
        Invariant($"{settings.Model.Precision}, {settings.Model.TrainingMode.ToTomlName()}, quantization {settings.Model.Quantization}");
}

/// <summary>What a finished training session reports.</summary>
public sealed record TrainingSessionResult(RunFolder Folder, TrainingSummary Summary, IReadOnlyList<string> DataSummaries, EvaluationReport? Evaluation);
