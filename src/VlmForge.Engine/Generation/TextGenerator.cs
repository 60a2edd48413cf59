using System.Diagnostics;
using VlmForge.Abstractions.Sampling;
using VlmForge.Data.Tokenization;
using VlmForge.Engine.Runtime;
using VlmForge.Models.Modeling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Generation;

/// <summary>
/// Autoregressive generation for a batch of left-padded prompts: the prompt (with its images) runs once, then every
/// step picks one token per unfinished row through the sampler plugin and feeds it back through the model's KV cache
/// (or, in <see cref="GenerationMode.Recompute"/>, the whole sequence again). The repetition penalty sees each row's
/// tokens generated so far. A row stops at its end token or after <see cref="GenerationOptions.MaxNewTokens"/> tokens;
/// the batch stops when every row has. Rows may carry a <see cref="GroundingOutputConstraint"/>: their disallowed
/// logits are set to -inf before the sampler sees them. The image placeholder and ids no token uses are never generated.
/// </summary>
/// <remarks>
/// The model must be in evaluation mode (<c>model.train(false)</c>). Every tensor of a call lives in its dispose
/// scopes, so memory stays flat over any number of calls.
/// </remarks>
internal sealed class TextGenerator
{
    private readonly IVisionLanguageModel _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly int? _endTokenId;
    private readonly Device _device;
    private readonly long[] _neverGenerated;

    /// <param name="model">The model; its logits are <see cref="IVisionLanguageModel.VocabSize"/> wide.</param>
    /// <param name="tokenizer">Decodes the generated ids into text.</param>
    /// <param name="endTokenId">The token that ends a row (the chat template's end of answer); null: every row runs to the limit.</param>
    /// <param name="device">Where the model's weights are; prompts are moved there. Null: the CPU.</param>
    public TextGenerator(IVisionLanguageModel model, ITextTokenizer tokenizer, int? endTokenId, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (endTokenId is int end && (end < 0 || end >= model.VocabSize))
        {
            throw new ArgumentOutOfRangeException(nameof(endTokenId), end, $"The end token must be an id of the model's vocabulary [0, {model.VocabSize}).");
        }
        _model = model;
        _tokenizer = tokenizer;
        _endTokenId = endTokenId;
        _device = device ?? CPU;
        _neverGenerated = NeverGenerated(model, tokenizer);
    }

    /// <summary>
    /// Ids a row must never pick: the image placeholder (the next pass would read it as an image slot) and the rows of
    /// a padded embedding table that no token of the tokenizer uses (real checkpoints round their vocabulary up).
    /// </summary>
    private static long[] NeverGenerated(IVisionLanguageModel model, ITextTokenizer tokenizer)
    {
        var ids = new List<long> { model.ImageTokenId };
        for (int id = 0; id < model.VocabSize; id++)
        {
            if (id != model.ImageTokenId && (id >= tokenizer.VocabularySize || (tokenizer.TokenText(id) is null && !tokenizer.IsSpecial(id))))
                ids.Add(id);
        }
        return [.. ids];
    }

    /// <summary>The token that ends a row, or null when rows always run to the limit.</summary>
    public int? EndTokenId => _endTokenId;

    /// <summary>Generates a continuation for every row of <paramref name="prompt"/>.</summary>
    /// <param name="prompt">Left-padded prompts (<c>BatchCollator.CollateForGeneration</c>) with their images; labels are ignored.</param>
    /// <param name="sampler">Picks each next token (greedy or sampled, with the repetition penalty).</param>
    /// <param name="options">The token limit and the decoding mode.</param>
    /// <param name="constraints">One entry per row (null: unconstrained), or null for no constraint at all.</param>
    public GenerationResult Generate(VlmInputs prompt, ISampler sampler, GenerationOptions options,
        IReadOnlyList<GroundingOutputConstraint?>? constraints = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int batch = CheckPrompt(prompt);
        CheckConstraints(constraints, batch);

        // One region for the whole call: see NoGcRegion (TorchSharp frees operator Scalars in finalizers).
        using var quiet = NoGcRegion.Enter();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inputs = new VlmInputs(prompt.PixelValues?.to(_device), prompt.InputIds.to(_device), prompt.AttentionMask?.to(_device), ImageSizes: prompt.ImageSizes);
        int limit = options.MaxNewTokens;
        var rows = Enumerable.Range(0, batch).Select(b => new RowState(constraints?[b])).ToArray();
        var decode = new ConstraintMask(batch, _model.VocabSize);
        var chosen = new long[batch];
        var neverGenerated = tensor(_neverGenerated, ScalarType.Int64, _device);
        // Column t holds every row's token of step t: the repetition penalty reads the columns written so far.
        var generated = full([batch, limit], FillerToken, ScalarType.Int64, _device);

        var clock = Stopwatch.StartNew();
        using ILogitSource source = options.Mode == GenerationMode.Cached
            ? new CachedLogits(_model, inputs, limit)
            : new RecomputedLogits(_model, inputs, limit);
        Tensor logits = source.Start().DetachFromDisposeScope();
        TimeSpan prefill = clock.Elapsed;
        TimeSpan sampling = TimeSpan.Zero;
        int steps = 0;
        try
        {
            for (int step = 0; step < limit; step++)
            {
                Tensor? nextLogits = null;
                using (NewDisposeScope())
                {
                    steps++;
                    var candidates = decode.Apply(logits, rows).index_fill(1, neverGenerated, double.NegativeInfinity);
                    var samplerClock = Stopwatch.StartNew();
                    var picked = sampler.Next(candidates, generated.narrow(1, 0, step));
                    var values = CheckPicked(picked, batch);
                    sampling += samplerClock.Elapsed;

                    for (int b = 0; b < batch; b++)
                    {
                        int? taken = rows[b].Take(values[b], limit - step - 1, _endTokenId, limit);
                        if (taken is int token)
                        {
                            options.OnToken?.Invoke(b, token);
                        }
                        chosen[b] = taken ?? FillerToken;
                    }
                    var next = tensor(chosen, ScalarType.Int64, _device);
                    generated.select(1, step).copy_(next);
                    if (rows.All(r => r.Finished) || step == limit - 1)
                    {
                        break;
                    }
                    nextLogits = source.Next(next).DetachFromDisposeScope();
                }
                logits.Dispose();
                logits = nextLogits!;
            }
        }
        finally
        {
            logits.Dispose();
        }

        var sequences = rows.Select(r => r.ToSequence(_tokenizer, _endTokenId)).ToArray();
        var timing = new GenerationTiming(prefill, clock.Elapsed - prefill, sampling, steps, sequences.Sum(s => (long)s.TokenIds.Count));
        return new GenerationResult(sequences, timing);
    }

    /// <summary>What finished rows are fed while the others go on: the end token, or 0 without one. Never read back.</summary>
    private long FillerToken => _endTokenId ?? 0;

    private int CheckPrompt(VlmInputs prompt)
    {
        var ids = prompt.InputIds ?? throw new ArgumentException("The prompt has no input_ids.", nameof(prompt));
        if (ids.ndim != 2 || ids.shape[0] == 0 || ids.shape[1] == 0)
        {
            throw new ArgumentException($"input_ids must be [B, T] with B, T > 0, got [{string.Join(", ", ids.shape)}].", nameof(prompt));
        }
        if (prompt.AttentionMask is { } mask)
        {
            using var scope = NewDisposeScope();
            if (!mask.shape.SequenceEqual(ids.shape) || !mask.select(1, mask.shape[1] - 1).to(ScalarType.Bool).all().item<bool>())
            {
                throw new ArgumentException(
                    "Generation prompts must be left-padded, so that every row's last column is a real token " +
                    "(collate them with BatchCollator.CollateForGeneration).", nameof(prompt));
            }
        }
        return (int)ids.shape[0];
    }

    private void CheckConstraints(IReadOnlyList<GroundingOutputConstraint?>? constraints, int batch)
    {
        if (constraints is null)
        {
            return;
        }
        if (constraints.Count != batch)
        {
            throw new ArgumentException($"{constraints.Count} constraints for {batch} prompt rows; give one per row (null for none).", nameof(constraints));
        }
        for (int b = 0; b < batch; b++)
        {
            if (constraints[b] is not { } constraint)
            {
                continue;
            }
            if (constraint.EndTokenId != _endTokenId)
            {
                throw new ArgumentException(
                    $"The constraint of row {b} ends answers with token {constraint.EndTokenId}, but this generator stops at " +
                    $"{(_endTokenId is int end ? end.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no token")}.", nameof(constraints));
            }
            if (constraint.VocabularySize != _model.VocabSize)
            {
                throw new ArgumentException(
                    $"The constraint of row {b} covers {constraint.VocabularySize} tokens but the model's logits are {_model.VocabSize} wide.", nameof(constraints));
            }
            if (constraints.Take(b).Any(other => ReferenceEquals(other, constraint)))
            {
                throw new ArgumentException($"Row {b} shares its constraint with an earlier row; each row needs its own.", nameof(constraints));
            }
        }
    }

    private long[] CheckPicked(Tensor picked, int batch)
    {
        if (picked.ndim != 1 || picked.shape[0] != batch)
        {
            throw new InvalidOperationException(
                $"The sampler returned a tensor of shape [{string.Join(", ", picked.shape)}]; it must return one token id per row, [{batch}].");
        }
        long[] values = picked.to(ScalarType.Int64).cpu().data<long>().ToArray();
        foreach (long id in values)
        {
            if (id < 0 || id >= _model.VocabSize)
            {
                throw new InvalidOperationException($"The sampler returned token id {id}, outside the vocabulary [0, {_model.VocabSize}).");
            }
        }
        return values;
    }
}
