namespace VlmForge.Data.Batching;

/// <summary>
/// A tokenized conversation: <see cref="InputIds"/> and, aligned with them, <see cref="Labels"/> that hold
/// the token id where the loss is taken (answer tokens) and -100 everywhere else. Labels are not shifted
/// (Hugging Face convention): the loss compares the logits at position t-1 with the label at t.
/// </summary>
public sealed record EncodedExample
{
    public EncodedExample(int[] inputIds, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputIds.Length != labels.Length)
        {
            throw new ArgumentException($"{inputIds.Length} input ids but {labels.Length} labels.", nameof(labels));
        }

        InputIds = inputIds;
        Labels = labels;
    }

    public int[] InputIds { get; }

    public int[] Labels { get; }

    public int Length => InputIds.Length;

    /// <summary>How many positions take part in the loss.</summary>
    public int AnswerTokenCount => Labels.Count(l => l != ConversationEncoder.IgnoreIndex);
}
