using System.Diagnostics;
using VlmForge.Abstractions.Sampling;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Generation;

namespace VlmForge.Engine.Evaluation;

/// <summary>
/// Evaluates a model on validation examples with the <c>[evaluation]</c> settings: the first <c>max_examples</c>
/// examples in order, their teacher-forced loss, batched generation through the sampler plugin (grounding answers
/// optionally constrained to valid JSON), scores per example and task metrics; optionally the files of an evaluation
/// folder (<see cref="EvaluationFiles"/>).
/// </summary>
/// <example>
/// <code>
/// var context = new GenerationContext(model, encoder, new BatchCollator(tokenizer.PadId)) { Device = device };
/// var evaluator = new Evaluator(context, images, plugins.Sampler(settings.Evaluation.Sampler),
///     EvaluationSettings.From(settings.Evaluation, settings.Training.BatchSize));
/// var report = evaluator.Evaluate(dataset.Validation, runFolder.EvaluationPath);
/// // report.Metrics.ToDictionary()["grounding_f1"], report.Loss.Loss, files in runs/x/eval/
/// </code>
/// </example>
public sealed class Evaluator
{
    private readonly GenerationContext _context;
    private readonly PreparedImageCache _images;
    private readonly ISamplerPlugin _sampler;
    private readonly PromptGenerator _generator;

    /// <param name="context">Model, encoder, collator and device.</param>
    /// <param name="images">Prepares each record's image at the model's size; its box convention maps answers back to original pixels.</param>
    /// <param name="sampler">The sampler plugin (<c>evaluation.sampler</c>); a fresh sampler is created per evaluation, so equal weights give equal answers.</param>
    /// <param name="settings">Generation settings, batch size, example and overlay limits.</param>
    public Evaluator(GenerationContext context, PreparedImageCache images, ISamplerPlugin sampler, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _context = context;
        _images = images;
        _sampler = sampler;
        Settings = settings;
        _generator = new PromptGenerator(context);
    }

    /// <summary>The settings this evaluator uses.</summary>
    public EvaluationSettings Settings { get; }

    /// <summary>
    /// Evaluates the first <c>max_examples</c> of <paramref name="validation"/>: loss over all of them, generation and
    /// metrics over the first <paramref name="generationLimit"/> (all when null, none when 0). Writes the evaluation
    /// files into <paramref name="outputFolder"/> when given.
    /// </summary>
    public EvaluationReport Evaluate(IReadOnlyList<TaskExample> validation, string? outputFolder = null, int? generationLimit = null)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (generationLimit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(generationLimit), generationLimit, "The generation limit must be null (all), 0 (none) or more.");
        }
        var clock = Stopwatch.StartNew();
        var examples = Settings.Select(validation);
        var loss = Loss(examples);
        var generated = generationLimit is int limit && limit < examples.Count ? examples.Take(limit).ToArray() : examples;
        var (predictions, timing) = Predict(generated);
        var report = new EvaluationReport(examples.Count, predictions, EvaluationMetrics.From(predictions), loss, timing, clock.Elapsed);
        if (outputFolder is not null)
        {
            EvaluationFiles.Write(outputFolder, report, Settings, _images.Convention);
            report = report with { OutputFolder = Path.GetFullPath(outputFolder) };
        }
        return report;
    }

    /// <summary>The teacher-forced loss of <paramref name="examples"/> (no selection applied).</summary>
    public LossResult Loss(IReadOnlyList<TaskExample> examples) =>
        ValidationLoss.Compute(_context, _images, examples, Settings.BatchSize);

    /// <summary>
    /// Generates and scores an answer for each of <paramref name="examples"/> (no selection applied). Examples are
    /// batched by task, so short VQA answers do not wait for long grounding ones; results come back in example order.
    /// </summary>
    public (IReadOnlyList<ExamplePrediction> Predictions, GenerationTiming Timing) Predict(IReadOnlyList<TaskExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var options = new GenerationOptions { MaxNewTokens = Settings.MaxNewTokens };
        var results = new GeneratedSequence[examples.Count];
        var timing = GenerationTiming.Zero;
        using var sampler = _sampler.Create(Settings.Sampling);
        foreach (var task in TaskKinds.All)
        {
            var positions = Enumerable.Range(0, examples.Count).Where(i => examples[i].Task == task).ToArray();
            if (positions.Length == 0)
            {
                continue;
            }
            var prompts = positions.Select(i => Prompt(examples[i])).ToArray();
            var result = _generator.Generate(prompts, sampler, options, Settings.BatchSize);
            for (int k = 0; k < positions.Length; k++)
            {
                results[positions[k]] = result.Rows[k];
            }
            timing = timing.Add(result.Timing);
        }
        var convention = _images.Convention;
        var predictions = examples
            .Select((e, i) => new ExamplePrediction(e, results[i].Text, PredictionScorer.Score(e, results[i].Text, convention), results[i]))
            .ToArray();
        return (predictions, timing);
    }

    private GenerationPrompt Prompt(TaskExample example) =>
        new(_images.Get(example.Record), example.UserText, Settings.ConstrainJson && example.Task == TaskKind.Grounding)
        {
            OriginalSize = example.Record.ImageSize,
        };
}
