using VlmForge.Data.Tokenization;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// A snapshot tokenizer seen through the model's vocabulary. Released checkpoints pad their embedding table past the
/// tokenizer (Qwen2.5-VL: 151,936 rows for 151,665 tokens), so a sampled id can have no text; decoding drops such ids
/// (as Hugging Face's decode does) instead of failing the whole generation, and constrained decoding never offers them
/// (their <see cref="TokenText"/> is null). Encoding is the tokenizer's own.
/// </summary>
public sealed class ModelVocabularyTokenizer : ITextTokenizer
{
    private readonly ITextTokenizer _inner;

    public ModelVocabularyTokenizer(ITextTokenizer inner, int modelVocabularySize)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(modelVocabularySize, inner.VocabularySize);
        _inner = inner;
        VocabularySize = modelVocabularySize;
    }

    /// <summary>The model's vocabulary (at least the tokenizer's).</summary>
    public int VocabularySize { get; }

    /// <summary>Ids the tokenizer itself knows.</summary>
    public int TokenizerVocabularySize => _inner.VocabularySize;

    public IReadOnlyList<int> Encode(string text) => _inner.Encode(text);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _inner.Decode(ids.Where(id => id < _inner.VocabularySize), skipSpecialTokens);
    }

    public string? TokenText(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        return id < _inner.VocabularySize ? _inner.TokenText(id) : null;
    }

    public int GetSpecialTokenId(string token) => _inner.GetSpecialTokenId(token);

    public bool IsSpecial(int id) => id < _inner.VocabularySize && _inner.IsSpecial(id);
}
