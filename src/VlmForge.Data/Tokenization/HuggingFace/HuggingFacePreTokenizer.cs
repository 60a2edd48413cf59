using Microsoft.ML.Tokenizers;

namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// A Hugging Face pre-tokenizer pipeline as a Microsoft.ML.Tokenizers <see cref="PreTokenizer"/>: added tokens are cut
/// out first (leftmost, longest match, as the Rust library's added-vocabulary does) and become single pieces that the
/// BPE model maps to their ids; every other stretch of text goes through the <see cref="Steps"/> in order.
/// </summary>
public sealed class HuggingFacePreTokenizer : PreTokenizer
{
    private readonly string[] _addedTokens;

    public HuggingFacePreTokenizer(IReadOnlyList<PreTokenizerStep> steps, IEnumerable<string> addedTokens)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(addedTokens);
        Steps = steps.ToArray();
        // Longest first, so at one position "<|image_pad|>" wins over a shorter token it starts with.
        _addedTokens = addedTokens.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<PreTokenizerStep> Steps { get; }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Split(text);
    }

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    private List<(int Offset, int Length)> Split(string text)
    {
        var result = new List<(int Offset, int Length)>();
        int position = 0;
        while (position < text.Length)
        {
            (int at, string? token) = NextAddedToken(text, position);
            int plainEnd = token is null ? text.Length : at;
            if (plainEnd > position)
            {
                SplitPlain(text, position, plainEnd - position, result);
            }

            if (token is null)
            {
                break;
            }

            result.Add((at, token.Length));
            position = at + token.Length;
        }

        return result;
    }

    private (int At, string? Token) NextAddedToken(string text, int from)
    {
        int best = -1;
        string? found = null;
        foreach (string token in _addedTokens)
        {
            int at = text.IndexOf(token, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
            {
                best = at;
                found = token;
            }
        }

        return (best, found);
    }

    private void SplitPlain(string text, int start, int length, List<(int Offset, int Length)> result)
    {
        var current = new List<(int Offset, int Length)> { (start, length) };
        foreach (PreTokenizerStep step in Steps)
        {
            var next = new List<(int Offset, int Length)>(current.Count * 2);
            foreach ((int offset, int pieceLength) in current)
            {
                step.Split(text, offset, pieceLength, next);
            }

            current = next;
        }

        result.AddRange(current);
    }
}
