namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// The <c>NFC</c> normalizer (Qwen2): canonical decomposition, reordering and composition, so "e" + combining acute
/// encodes like "é". VlmForge runs with invariant globalization, where <see cref="string.Normalize()"/> has no ICU
/// data and returns its input unchanged; ADRaffy.ENSNormalize carries its own Unicode tables and does real NFC.
/// </summary>
public static class NfcNormalizer
{
    public static string Normalize(string original)
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
}
