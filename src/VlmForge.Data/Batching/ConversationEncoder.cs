using VlmForge.Data.Prompts;
using VlmForge.Data.Tokenization;

namespace VlmForge.Data.Batching;

/// <summary>
/// Tokenizes conversations built by a <see cref="ChatTemplate"/>: each text segment is encoded on its own
/// and the image becomes <see cref="ImageTokenCount"/> copies of the placeholder id, so the label mask
/// follows the segments exactly (no offset arithmetic). Training and generation prompts are encoded the
/// same way, so the model sees at inference exactly the prefix it was trained on.
/// </summary>
public sealed class ConversationEncoder
{
    /// <summary>The label of positions without loss (PyTorch's cross-entropy ignore_index).</summary>
    public const int IgnoreIndex = -100;

    public ConversationEncoder(ITextTokenizer tokenizer, ChatTemplate template, int imageTokenCount, string? systemPrompt)
    {
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Template = template ?? throw new ArgumentNullException(nameof(template));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageTokenCount);
        ImageTokenCount = imageTokenCount;
        SystemPrompt = systemPrompt;
        ImageTokenId = tokenizer.GetSpecialTokenId(template.ImageToken);
        EndOfAnswerTokenId = tokenizer.GetSpecialTokenId(template.EndOfAnswerToken);
    }

    public ITextTokenizer Tokenizer { get; }

    public ChatTemplate Template { get; }

    public int ImageTokenCount { get; }

    public string? SystemPrompt { get; }

    public int ImageTokenId { get; }

    /// <summary>The id generation stops at.</summary>
    public int EndOfAnswerTokenId { get; }

    public EncodedExample EncodeTraining(string userText, string answer) =>
        Encode(Template.BuildTraining(SystemPrompt, userText, answer, ImageTokenCount));

    public EncodedExample EncodeGenerationPrompt(string userText) =>
        Encode(Template.BuildGenerationPrompt(SystemPrompt, userText, ImageTokenCount));

    public EncodedExample Encode(IReadOnlyList<ChatSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var ids = new List<int>();
        var labels = new List<int>();
        foreach (ChatSegment segment in segments)
        {
            if (segment.Kind == SegmentKind.Image)
            {
                for (int i = 0; i < segment.Repeat; i++)
                {
                    ids.Add(ImageTokenId);
                    labels.Add(IgnoreIndex);
                }

                continue;
            }

            IReadOnlyList<int> encoded = Tokenizer.Encode(segment.Rendered);
            foreach (int id in encoded)
            {
                ids.Add(id);
                labels.Add(segment.Kind == SegmentKind.Answer ? id : IgnoreIndex);
            }
        }

        return new EncodedExample(ids.ToArray(), labels.ToArray());
    }
}
