using VlmForge.Abstractions.Sampling;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Sampling;

/// <summary>
/// The page's processing order: repetition penalty on the given previous tokens, then (when sampling) temperature,
/// top-k, top-p, and a draw from what is left with the sampler's own seeded generator. With sampling off it is greedy:
/// the penalty still applies, then arg-max.
/// </summary>
/// <remarks>
/// Kept cheap for large vocabularies (a decoding step should spend almost nothing here):
/// <list type="bullet">
/// <item>Top-k selects the k best first and the temperature divides only those k scores. Dividing by a positive
/// temperature keeps the order, so the survivors and their tempered scores are the ones the page's order gives.</item>
/// <item>Top-p without top-k looks for the nucleus among the 256 (then 4096) most probable tokens and sorts the whole
/// vocabulary only when those do not reach P.</item>
/// <item>Softmax, cumulative sum and the draw then touch the survivors only. Ties at the k-th score keep exactly k.</item>
/// <item>Without top-k or top-p the token is drawn over the whole vocabulary with the Gumbel-max trick (one pass)
/// rather than a multinomial draw over it.</item>
/// </list>
/// </remarks>
internal sealed class StandardSampler : ISampler
{
    private static readonly long[] NucleusSearchSizes = [256, 4096];

    private readonly SamplingOptions _options;
    private Generator? _generator;
    private Device? _generatorDevice;

    public StandardSampler(SamplingOptions options) => _options = options;

    public Tensor Next(Tensor logits, Tensor previousTokens)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(previousTokens);
        if (logits.dim() != 2)
            throw new ArgumentException($"Logits must have shape [batch, vocab]; got [{string.Join(", ", logits.shape)}].", nameof(logits));
        if (previousTokens.dim() != 2 || previousTokens.shape[0] != logits.shape[0])
            throw new ArgumentException($"Previous tokens must have shape [{logits.shape[0]}, t]; got [{string.Join(", ", previousTokens.shape)}].", nameof(previousTokens));

        using var scope = NewDisposeScope();
        var scores = logits.to(ScalarType.Float32);
        if (_options.RepetitionPenalty != 1 && previousTokens.shape[1] > 0)
            scores = LogitsProcessing.RepetitionPenalty(scores, previousTokens.to(ScalarType.Int64, logits.device), _options.RepetitionPenalty);

        if (!_options.DoSample)
            return scores.argmax(1).MoveToOuterDisposeScope();

        var vocabulary = scores.shape[1];
        if (_options.TopK > 0 && _options.TopK < vocabulary)
        {
            var (best, ids) = scores.topk(_options.TopK, dim: 1, largest: true, sorted: true);
            var tempered = Tempered(best);
            var kept = _options.TopP < 1
                ? tempered.masked_fill(LogitsProcessing.TopPRemovedMask(tempered.softmax(-1), _options.TopP), double.NegativeInfinity)
                : tempered;
            return Pick(ids, kept).MoveToOuterDisposeScope();
        }

        var all = Tempered(scores);
        if (_options.TopP < 1)
            return Nucleus(all).MoveToOuterDisposeScope();
        return GumbelMax(all).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _generator?.Dispose();
        _generator = null;
    }

    private Tensor Tempered(Tensor scores) => _options.Temperature == 1 ? scores : scores / _options.Temperature;

    /// <summary>
    /// Top-p over the whole vocabulary: the nucleus lies within the m most probable tokens as soon as those hold at
    /// least P of the probability (every token after them has at least P before it), so only they are sorted.
    /// </summary>
    private Tensor Nucleus(Tensor scores)
    {
        var probabilities = scores.softmax(-1);
        var vocabulary = scores.shape[1];
        foreach (var size in NucleusSearchSizes)
        {
            if (size >= vocabulary)
                break;
            var (top, ids) = probabilities.topk((int)size, dim: 1, largest: true, sorted: true);
            if (top.sum(1).min().item<float>() >= _options.TopP)
                return PickFromProbabilities(ids, top);
        }
        var (sorted, order) = probabilities.sort(dim: 1, descending: true);
        return PickFromProbabilities(order, sorted);
    }

    private Tensor PickFromProbabilities(Tensor ids, Tensor sortedProbabilities)
    {
        var kept = sortedProbabilities.masked_fill(LogitsProcessing.TopPRemovedMask(sortedProbabilities, _options.TopP), 0);
        var choice = kept.multinomial(1, replacement: false, generator: GeneratorFor(kept.device));
        return ids.gather(1, choice).squeeze(1);
    }

    /// <summary>Draws among candidate scores (−inf for removed ones) and maps the choice back to token ids.</summary>
    private Tensor Pick(Tensor ids, Tensor candidateScores)
    {
        var probabilities = candidateScores.softmax(-1);
        var choice = probabilities.multinomial(1, replacement: false, generator: GeneratorFor(probabilities.device));
        return ids.gather(1, choice).squeeze(1);
    }

    /// <summary>argmax(score − log(−log u)) with u uniform is a draw from softmax(score).</summary>
    private Tensor GumbelMax(Tensor scores)
    {
        var uniform = rand(scores.shape, ScalarType.Float32, scores.device, generator: GeneratorFor(scores.device));
        return scores.sub(uniform.log_().neg_().log_()).argmax(1);
    }

    /// <summary>The sampler's own generator, seeded once per device, so runs with the same seed draw the same tokens.</summary>
    private Generator GeneratorFor(Device device)
    {
        if (_generator is null || _generatorDevice is null || _generatorDevice.type != device.type || _generatorDevice.index != device.index)
        {
            _generator?.Dispose();
            _generator = new Generator(unchecked((ulong)_options.Seed), device);
            _generatorDevice = device;
        }
        return _generator;
    }
}
