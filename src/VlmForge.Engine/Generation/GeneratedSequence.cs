namespace VlmForge.Engine.Generation;

/// <summary>Why a row stopped generating.</summary>
public enum StopReason
{
    /// <summary>It produced the end token (for a constrained grounding row: its JSON was complete).</summary>
    EndToken,

    /// <summary>It produced <see cref="GenerationOptions.MaxNewTokens"/> tokens without the end token.</summary>
    MaxNewTokens,

    /// <summary>Its constraint allowed no token at all (the vocabulary cannot continue the answer).</summary>
    NoAllowedToken,
}

/// <summary>One row's output.</summary>
/// <param name="TokenIds">Every generated token in order, the end token included when the row produced it.</param>
/// <param name="Text">The generated tokens decoded, special tokens (the end token among them) left out.</param>
/// <param name="StopReason">Whether the row ended on its end token or ran into the limit.</param>
public sealed record GeneratedSequence(IReadOnlyList<int> TokenIds, string Text, StopReason StopReason)
{
    /// <summary>True when the row produced its end token.</summary>
    public bool EndedOnEndToken => StopReason == StopReason.EndToken;
}
