using System.Globalization;
using System.Text;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// .NET regexes match UTF-16 code units, so <c>\p{L}</c> or <c>\p{N}</c> never match a character outside the BMP
/// (a surrogate pair, such as U+1D7CF MATHEMATICAL BOLD DIGIT ONE), while the Rust library matches code points. Text
/// with surrogate pairs is therefore matched on a proxy: every pair becomes one BMP character of the same Unicode
/// category, chosen so that it is not (in either case) a character the pattern names, and match offsets are mapped back.
/// </summary>
internal sealed class AstralProxy
{
    private readonly Dictionary<UnicodeCategory, char> _standIn = [];

    public AstralProxy(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var named = new HashSet<char>();
        foreach (char c in pattern)
        {
            named.Add(c);
            named.Add(char.ToUpperInvariant(c));
            named.Add(char.ToLowerInvariant(c));
        }

        // The first BMP character of each category past Latin-1 whose case forms are not ASCII (so "(?i:'s)" cannot
        // match a stand-in, as it could U+017F LONG S) and that the pattern does not name.
        for (int c = 0x100; c <= 0xFFFF; c++)
        {
            var ch = (char)c;
            if (char.IsSurrogate(ch) || named.Contains(ch) || char.ToUpperInvariant(ch) < 0x80 || char.ToLowerInvariant(ch) < 0x80)
            {
                continue;
            }

            _standIn.TryAdd(CharUnicodeInfo.GetUnicodeCategory(ch), ch);
        }
    }

    /// <summary>True when <paramref name="text"/> holds a surrogate pair, so matching must go through <see cref="Build"/>.</summary>
    public static bool Needed(ReadOnlySpan<char> text) => text.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    /// <summary>
    /// The proxy of <c>text[start..start+length]</c> and, for each proxy index (and one past the end), the offset in
    /// <paramref name="text"/> it stands for.
    /// </summary>
    public (string Proxy, int[] Origin) Build(string text, int start, int length)
    {
        var proxy = new StringBuilder(length);
        var origin = new List<int>(length + 1);
        int position = start;
        int end = start + length;
        while (position < end)
        {
            origin.Add(position);
            if (char.IsHighSurrogate(text[position]) && position + 1 < end && char.IsLowSurrogate(text[position + 1]))
            {
                int codePoint = char.ConvertToUtf32(text[position], text[position + 1]);
                UnicodeCategory category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
                proxy.Append(_standIn.TryGetValue(category, out char standIn) ? standIn : '\uE000');
                position += 2;
            }
            else
            {
                proxy.Append(text[position]);
                position++;
            }
        }

        origin.Add(end);
        return (proxy.ToString(), origin.ToArray());
    }
}
