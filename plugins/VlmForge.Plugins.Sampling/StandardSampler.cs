using VlmForge.Abstractions.Sampling;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Sampling;

/// <summary>
/// The page's processing order: repetition penalty on the given previous tokens, then (when sampling) temperature,
/// top-k, top-p, and a draw from what is left with the sampler's own seeded generator. With sampling off it is greedy:
/// the penalty still applies, then arg-max.
/// </summary>
/// <remarks>
/// Top-k and top-p work on the k best (or all, sorted) candidates only, so the softmax, cumulative sum and draw touch
/// k values instead of the whole vocabulary. That gives the same kept set and the same distribution over it as
/// masking the full vocabulary, except that ties at the k-th score keep exactly k tokens.
/// </remarks>
internal sealed class StandardSampler : ISampler
{
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

        if (_options.Temperature != 1)
            scores = scores / _options.Temperature;

        var vocabulary = scores.shape[1];
        Tensor candidates, ids;
        if (_options.TopK > 0 && _options.TopK < vocabulary)
            (candidates, ids) = scores.topk(_options.TopK, dim: 1, largest: true, sorted: true);
        else if (_options.TopP < 1)
            (candidates, ids) = scores.sort(dim: 1, descending: true);
        else
            return Draw(scores.softmax(-1)).MoveToOuterDisposeScope();

        if (_options.TopP < 1)
            candidates = candidates.masked_fill(LogitsProcessing.TopPRemovedMask(candidates, _options.TopP), double.NegativeInfinity);

        var choice = Draw(candidates.softmax(-1));
        return ids.gather(1, choice.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _generator?.Dispose();
        _generator = null;
    }

    private Tensor Draw(Tensor probabilities) =>
        probabilities.multinomial(1, replacement: false, generator: GeneratorFor(probabilities.device)).squeeze(1);

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
