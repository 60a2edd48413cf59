using VlmForge.Abstractions.Sampling;
using VlmForge.Settings;

namespace VlmForge.Engine.Evaluation;

/// <summary>How an evaluation generates and what it keeps: the <c>[evaluation]</c> settings plus batch size and overlay count.</summary>
public sealed record EvaluationSettings
{
    /// <summary>Most tokens per answer (<c>evaluation.max_new_tokens</c>).</summary>
    public required int MaxNewTokens { get; init; }

    /// <summary>Greedy or sampled decoding, repetition penalty and seed for the sampler plugin.</summary>
    public required SamplingOptions Sampling { get; init; }

    /// <summary>Constrain grounding answers to valid JSON (<c>evaluation.constrain_json</c>).</summary>
    public bool ConstrainJson { get; init; }

    /// <summary>Evaluate at most this many validation examples, the first ones in order (0 = all).</summary>
    public int MaxExamples { get; init; }

    /// <summary>Prompts generated together (and examples per teacher-forced loss batch).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Grounding overlay pictures written, the first ones in order (0 = none).</summary>
    public int OverlayLimit { get; init; } = 32;

    /// <summary>The settings of an <c>[evaluation]</c> section; <paramref name="batchSize"/> usually <c>training.batch_size</c>.</summary>
    public static EvaluationSettings From(EvaluationOptions options, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new EvaluationSettings
        {
            MaxNewTokens = options.MaxNewTokens,
            Sampling = new SamplingOptions(
                options.DoSample, options.Temperature, options.TopK, options.TopP, options.RepetitionPenalty, options.Seed),
            ConstrainJson = options.ConstrainJson,
            MaxExamples = options.MaxExamples,
            BatchSize = batchSize,
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Sampling);
        if (MaxNewTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "evaluation.max_new_tokens must be at least 1.");
        }
        if (MaxExamples < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxExamples), MaxExamples, "evaluation.max_examples must be 0 (all) or more.");
        }
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The evaluation batch size must be at least 1.");
        }
        if (OverlayLimit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(OverlayLimit), OverlayLimit, "The overlay limit must be 0 (none) or more.");
        }
    }

    /// <summary>The examples an evaluation covers: the first <see cref="MaxExamples"/> (all when 0), in their given order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return MaxExamples == 0 || examples.Count <= MaxExamples ? examples : examples.Take(MaxExamples).ToArray();
    }
}
