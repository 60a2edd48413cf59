namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// A token from <c>added_tokens</c> (tokenizer.json) or <c>added_tokens_decoder</c> (tokenizer_config.json): its text is
/// always encoded as this single id. <see cref="Special"/> tokens (<c>&lt;|im_start|&gt;</c>, <c>&lt;image&gt;</c>) are
/// dropped by <c>skipSpecialTokens</c> when decoding; non-special added tokens (Qwen's <c>&lt;tool_call&gt;</c>) are not.
/// A <see cref="Normalized"/> token is looked for in the normalized text, the others in the raw text before the
/// normalizer runs (so NFC cannot fold a combining mark into the token's last character and hide it).
/// </summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool Normalized = false);
