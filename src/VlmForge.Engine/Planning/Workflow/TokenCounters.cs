using System.Text.RegularExpressions;
using VlmForge.Data.Tokenization;

namespace VlmForge.Engine.Planning.Workflow;

/// <summary>Counts the tokens of a piece of text.</summary>
internal interface ITokenCounter
{
    /// <summary>How counts are made, for the plan's assumptions.</summary>
    string Description { get; }

    int Count(string text);
}

/// <summary>Exact counts from the model's own tokenizer.</summary>
internal sealed class TokenizerCounter(ITextTokenizer tokenizer, string description) : ITokenCounter
{
    public string Description { get; } = description;

    public int Count(string text) => tokenizer.Encode(text).Count;
}

/// <summary>
/// An estimate when no tokenizer is at hand: every special marker such as &lt;|im_start|&gt; is one token, every digit is
/// one (Qwen2 and Llama tokenizers split numbers into digits, and grounding answers are mostly box coordinates), and
/// the rest is one token per 4 characters, the usual rate of English text in byte-level BPE vocabularies.
/// </summary>
internal sealed partial class HeuristicTokenCounter : ITokenCounter
{
    public const int CharactersPerToken = 4;

    public string Description =>
        "no tokenizer at hand: text tokens estimated as 1 per special marker, 1 per digit and 1 per 4 other characters";

    public int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int markers = 0;
        var rest = SpecialMarker().Replace(text, _ =>
        {
            markers++;
            return "";
        });
        int digits = rest.Count(char.IsAsciiDigit);
        int others = rest.Length - digits;
        return markers + digits + (others + CharactersPerToken - 1) / CharactersPerToken;
    }

    [GeneratedRegex(@"<\|[^|<>\s]+\|>|<[a-z_]+>", RegexOptions.CultureInvariant)]
    private static partial Regex SpecialMarker();
}
