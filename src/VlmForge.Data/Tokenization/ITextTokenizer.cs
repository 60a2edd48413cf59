namespace VlmForge.Data.Tokenization;

/// <summary>
/// What the data pipeline needs from a tokenizer. Encoding never adds special tokens by itself: chat
/// templates write them out, and special-token strings in the text (for example "&lt;image&gt;") become
/// their single ids.
/// </summary>
public interface ITextTokenizer
{
    int VocabularySize { get; }

    IReadOnlyList<int> Encode(string text);

    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);

    /// <summary>The text token <paramref name="id"/> contributes when decoded; null for special tokens.</summary>
    string? TokenText(int id);

    /// <summary>The id of a special token such as "&lt;eos&gt;"; throws <see cref="KeyNotFoundException"/> when it has none.</summary>
    int GetSpecialTokenId(string token);

    bool IsSpecial(int id);
}
