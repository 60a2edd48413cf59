namespace VlmForge.Data.Tokenization.HuggingFace;

/// <summary>
/// A Hugging Face pre-tokenizer pipeline: every stage (<see cref="Steps"/>) runs in order on every piece the previous
/// one produced, exactly like the Rust library. It sees only plain, already normalized text; added tokens were cut
/// out before (see <see cref="HuggingFaceTokenizer"/>).
/// </summary>
public sealed class HuggingFacePreTokenizer
{
    public HuggingFacePreTokenizer(IReadOnlyList<PreTokenizerStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Steps = steps.ToArray();
    }

    public IReadOnlyList<PreTokenizerStep> Steps { get; }

    /// <summary>The pieces of <paramref name="text"/> as (offset, length) pairs, in order.</summary>
    public List<(int Offset, int Length)> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var current = new List<(int Offset, int Length)> { (0, text.Length) };
        foreach (PreTokenizerStep step in Steps)
        {
            var next = new List<(int Offset, int Length)>(current.Count * 2);
            foreach ((int offset, int length) in current)
            {
                step.Split(text, offset, length, next);
            }

            current = next;
        }

        return current;
    }
}
