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
    public RegexSplitStep(string pattern, SplitBehavior behavior)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        Behavior = behavior;
        Regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    public string Pattern { get; }

    public SplitBehavior Behavior { get; }

    public Regex Regex { get; }

    public override void Split(string text, int start, int length, List<(int Offset, int Length)> pieces)
    {
        int end = start + length;
        int position = start;
        Match match = Regex.Match(text, start, length);
        while (match.Success && match.Length > 0)
        {
            if (match.Index > position)
            {
                pieces.Add((position, match.Index - position));
            }

            if (Behavior == SplitBehavior.Isolated)
            {
                pieces.Add((match.Index, match.Length));
            }

            position = match.Index + match.Length;
            match = match.NextMatch();
        }

        if (position < end)
        {
            pieces.Add((position, end - position));
        }
    }
}

/// <summary>The <c>Digits</c> pre-tokenizer: numeric characters become their own pieces (one each, or one run).</summary>
public sealed class DigitsStep(bool individualDigits) : PreTokenizerStep
{
    public bool IndividualDigits { get; } = individualDigits;

    public override void Split(string text, int start, int length, List<(int Offset, int Length)> pieces)
    {
        int end = start + length;
        int runStart = start;
        while (runStart < end)
        {
            bool numeric = char.IsNumber(text, runStart);
            int runEnd = runStart + 1;
            while (runEnd < end && char.IsNumber(text, runEnd) == numeric && !(numeric && IndividualDigits))
            {
                runEnd++;
            }

            pieces.Add((runStart, runEnd - runStart));
            runStart = runEnd;
        }
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
