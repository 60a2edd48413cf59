using Microsoft.ML.Tokenizers;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// The <c>NFC</c> normalizer (Qwen2): canonical decomposition, reordering and composition, so "e" + combining acute
/// encodes like "é". VlmForge runs with invariant globalization, where <see cref="string.Normalize()"/> has no ICU
/// data and returns its input unchanged; ADRaffy.ENSNormalize carries its own Unicode tables and does real NFC.
/// </summary>
public sealed class NfcNormalizer : Normalizer
{
    public static NfcNormalizer Instance { get; } = new();

    public override string Normalize(string original)
    {
        ArgumentNullException.ThrowIfNull(original);
        // ASCII is always in NFC; skipping it keeps the common case allocation-free.
        foreach (char c in original)
        {
            if (c >= 0x80)
            {
                return ADRaffy.ENSNormalize.ENSNormalize.NF.NFC(original);
            }
        }

        return original;
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
