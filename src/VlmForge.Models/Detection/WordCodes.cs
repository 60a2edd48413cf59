using static TorchSharp.torch;

namespace VlmForge.Models.Detection;

/// <summary>
/// A fixed random code per vocabulary word, of unit length (random signs): nearly orthogonal to each other in the decoder's width,
/// never trained and never stored (the same integer hash recreates them bit for bit on any machine, so a saved model
/// needs nothing extra).
/// </summary>
internal sealed class WordCodes(int vocabSize, long width, Device device)
{
    private const ulong Seed = 0x574F_5244_434F_4445; // "WORDCODE"

    /// <summary>[vocabulary, width] codes.</summary>
    public Tensor Table { get; } = Create(vocabSize, width, device);

    private static Tensor Create(int vocabSize, long width, Device device)
    {
        // Random signs of size 1/sqrt(width): unit length exactly, nearly orthogonal, and integer arithmetic only, so the
        // codes are the same bits on every machine.
        var values = new float[vocabSize * width];
        ulong state = Seed;
        float size = (float)(1 / Math.Sqrt(width));
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (Next(ref state) & 1) == 0 ? size : -size;
        }
        return tensor(values, [vocabSize, width], ScalarType.Float32, device);
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
