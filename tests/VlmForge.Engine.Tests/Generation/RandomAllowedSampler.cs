using VlmForge.Abstractions.Sampling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Generation;

/// <summary>An adversary for constraints: picks uniformly among each row's tokens whose logit is finite (the allowed ones).</summary>
internal sealed class RandomAllowedSampler(int seed) : ISampler
{
    private readonly Random _random = new(seed);

    public Tensor Next(Tensor logits, Tensor previousTokens)
    {
        var rows = (int)logits.shape[0];
        var vocabulary = (int)logits.shape[1];
        var values = logits.contiguous().cpu().data<float>().ToArray();
        var picked = new long[rows];
        for (int b = 0; b < rows; b++)
        {
            var allowed = Enumerable.Range(0, vocabulary).Where(v => float.IsFinite(values[(b * vocabulary) + v])).ToArray();
            picked[b] = allowed[_random.Next(allowed.Length)];
        }
        return tensor(picked, ScalarType.Int64);
    }

    public void Dispose()
    {
    }
}
