using VlmForge.Abstractions.Sampling;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Generation;

/// <summary>
/// A sampler whose choices the test decides: <c>choose(row, step)</c> gives each row's token. It records the width of
/// the previous-token tensor and its contents at every call, so tests can see what the repetition penalty was given.
/// </summary>
internal sealed class ScriptedSampler(Func<int, int, long> choose) : ISampler
{
    public List<long[,]> PreviousTokens { get; } = [];

    public Tensor Next(Tensor logits, Tensor previousTokens)
    {
        int step = PreviousTokens.Count;
        var rows = (int)logits.shape[0];
        var previous = new long[rows, previousTokens.shape[1]];
        // A [B, 0] view cannot be read by the tensor accessor; it holds nothing anyway.
        var flat = previousTokens.shape[1] == 0 ? [] : previousTokens.contiguous().cpu().data<long>().ToArray();
        for (int b = 0; b < rows; b++)
        {
            for (int t = 0; t < previous.GetLength(1); t++)
            {
                previous[b, t] = flat[(b * previous.GetLength(1)) + t];
            }
        }
        PreviousTokens.Add(previous);
        return tensor(Enumerable.Range(0, rows).Select(b => choose(b, step)).ToArray(), ScalarType.Int64);
    }

    public void Dispose()
    {
    }
}
