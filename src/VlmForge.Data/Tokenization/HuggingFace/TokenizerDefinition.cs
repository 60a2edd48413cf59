namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// What a byte-level BPE tokenizer is made of, read from a snapshot's tokenizer files: the vocabulary and merges of
/// the BPE model, the added tokens, the normalizer and the pre-tokenizer stages.
/// </summary>
/// <param name="Source">The file(s) it was read from, for messages.</param>
/// <param name="Vocabulary">Token (in the byte-level alphabet) to id.</param>
/// <param name="Merges">Merge rules in priority order, each "left right".</param>
/// <param name="AddedTokens">Tokens always encoded as one id, in id order.</param>
/// <param name="NormalizeNfc">Whether text is NFC-normalized first.</param>
/// <param name="Steps">Pre-tokenizer stages, in order.</param>
/// <param name="IgnoreMerges">
/// The BPE model's <c>ignore_merges</c> (Llama 3): a piece that is a vocabulary token as a whole becomes that token
/// without running the merges, which could otherwise build it from other pairs or never reach it.
/// </param>
public sealed record TokenizerDefinition(
    string Source,
    IReadOnlyDictionary<string, int> Vocabulary,
    IReadOnlyList<string> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    bool NormalizeNfc,
    IReadOnlyList<PreTokenizerStep> Steps,
    bool IgnoreMerges = false);
