namespace VlmForge.Data.Tokenization;

/// <summary>How the tiny model's vocabulary is built from its training texts.</summary>
public sealed record TinyTokenizerOptions
{
    /// <summary>Every integer 0..MaxNumber is one token (so each box coordinate is one token); usually the model's image size.</summary>
    public int MaxNumber { get; init; } = 128;

    /// <summary>A word or punctuation run must occur this often in the corpus to become a token.</summary>
    public int MinFrequency { get; init; } = 1;

    /// <summary>Upper bound on the vocabulary; the rarest corpus pieces are dropped first.</summary>
    public int MaxVocabularySize { get; init; } = 8192;

    /// <summary>Longest piece (in characters) that becomes a token of its own.</summary>
    public int MaxTokenLength { get; init; } = 32;
}
