using System.Text;
using System.Text.RegularExpressions;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// One stage of a Hugging Face pre-tokenizer <c>Sequence</c>: it cuts one piece of text into smaller pieces. The
/// stages run in order, each on every piece the previous one produced, exactly like the Rust library (a plain
/// regex over the whole text would differ where pieces meet, for example at whitespace before a digit).
/// </summary>
public abstract class PreTokenizerStep
{
    /// <summary>Appends the pieces of <c>text[start..start+length]</c> as (offset, length) pairs into <paramref name="pieces"/>.</summary>
    public abstract void Split(string text, int start, int length, List<(int Offset, int Length)> pieces);
}

/// <summary>How a <see cref="RegexSplitStep"/> treats the text its pattern matches (Hugging Face's <c>SplitDelimiterBehavior</c>).</summary>
public enum SplitBehavior
{
    /// <summary>Matches and the text between them each become pieces.</summary>
    Isolated,

    /// <summary>Matches are dropped; the text between them becomes pieces.</summary>
    Removed,
}

/// <summary>The <c>Split</c> pre-tokenizer: a regex whose matches (and the gaps between them) become pieces.</summary>
public sealed class RegexSplitStep : PreTokenizerStep
{
    private readonly AstralProxy _astral;

    public RegexSplitStep(string pattern, SplitBehavior behavior)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        Behavior = behavior;
        Regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        _astral = new AstralProxy(pattern);
    }

    public string Pattern { get; }

    public SplitBehavior Behavior { get; }

    public Regex Regex { get; }

    public override void Split(string text, int start, int length, List<(int Offset, int Length)> pieces)
    {
        if (!AstralProxy.Needed(text.AsSpan(start, length)))
        {
            SplitMatches(Regex.Match(text, start, length), start, start + length, null, pieces);
            return;
        }

        // Match on the proxy (one BMP character per code point) and map every offset back into the text.
        (string proxy, int[] origin) = _astral.Build(text, start, length);
        SplitMatches(Regex.Match(proxy), 0, proxy.Length, origin, pieces);
    }

    private void SplitMatches(Match match, int position, int end, int[]? origin, List<(int Offset, int Length)> pieces)
    {
        void Add(int from, int to)
        {
            int offset = origin is null ? from : origin[from];
            pieces.Add((offset, (origin is null ? to : origin[to]) - offset));
        }

        while (match.Success && match.Length > 0)
        {
            if (match.Index > position)
            {
                Add(position, match.Index);
            }

            if (Behavior == SplitBehavior.Isolated)
            {
                Add(match.Index, match.Index + match.Length);
            }

            position = match.Index + match.Length;
            match = match.NextMatch();
        }

        if (position < end)
        {
            Add(position, end);
        }
    }
}

/// <summary>
/// The <c>Digits</c> pre-tokenizer: numeric characters (Rust's <c>char::is_numeric</c>: Nd, Nl, No) become their own
/// pieces (one each, or one run). It steps by code point, so a surrogate pair (U+1D7CF) is never cut in two.
/// </summary>
public sealed class DigitsStep(bool individualDigits) : PreTokenizerStep
{
    public bool IndividualDigits { get; } = individualDigits;

    public override void Split(string text, int start, int length, List<(int Offset, int Length)> pieces)
    {
        int end = start + length;
        int runStart = start;
        while (runStart < end)
        {
            (bool numeric, int width) = Read(text, runStart, end);
            int runEnd = runStart + width;
            while (runEnd < end && !(numeric && IndividualDigits))
            {
                (bool nextNumeric, int nextWidth) = Read(text, runEnd, end);
                if (nextNumeric != numeric)
                {
                    break;
                }

                runEnd += nextWidth;
            }

            pieces.Add((runStart, runEnd - runStart));
            runStart = runEnd;
        }
    }

    private static (bool Numeric, int Width) Read(string text, int at, int end)
    {
        // A lone surrogate (invalid UTF-16) counts as one non-numeric code unit.
        return Rune.DecodeFromUtf16(text.AsSpan(at, end - at), out Rune rune, out int width) == System.Buffers.OperationStatus.Done
            ? (Rune.IsNumber(rune), width)
            : (false, 1);
    }
}

/// <summary>
/// The splitting half of the <c>ByteLevel</c> pre-tokenizer: with <c>use_regex</c> the text is cut by GPT-2's pattern,
/// without it the piece stays whole. The byte-to-character mapping itself happens in the BPE model.
/// </summary>
public sealed class ByteLevelSplitStep(bool useRegex) : PreTokenizerStep
{
    /// <summary>GPT-2's pre-tokenization pattern, as the <c>ByteLevel</c> pre-tokenizer uses it.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly RegexSplitStep Gpt2 = new(Gpt2Pattern, SplitBehavior.Isolated);

    public bool UseRegex { get; } = useRegex;

    public override void Split(string text, int start, int length, List<(int Offset, int Length)> pieces)
    {
        if (UseRegex)
        {
            Gpt2.Split(text, start, length, pieces);
        }
        else
        {
            pieces.Add((start, length));
        }
    }
}
