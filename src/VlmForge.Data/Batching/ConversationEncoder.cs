using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
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

    /// <summary>Placeholders of an image when no size is given, or when <see cref="ImageTokensFor"/> is null (one size per run).</summary>
    public int ImageTokenCount { get; }

    /// <summary>
    /// Placeholders of an image the model sees at a given size, for a family that sizes every image on its own (Qwen2.5-VL:
    /// one per 28 x 28 pixels); null when every image has <see cref="ImageTokenCount"/>.
    /// </summary>
    public Func<ImageSize, int>? ImageTokensFor { get; init; }

    public string? SystemPrompt { get; }

    public int ImageTokenId { get; }

    /// <summary>The id generation stops at.</summary>
    public int EndOfAnswerTokenId { get; }

    /// <summary>Placeholders of an image of <paramref name="modelImage"/> px (the size the model sees), or the run's one count.</summary>
    public int ImageTokensOf(ImageSize? modelImage) =>
        modelImage is { } size && ImageTokensFor is { } tokensFor ? tokensFor(size) : ImageTokenCount;

    /// <param name="userText">The user's turn.</param>
    /// <param name="answer">The assistant's answer (the loss is taken on it).</param>
    /// <param name="modelImage">The size the model sees the example's image at; it sets the placeholder count when the family sizes images on their own.</param>
    /// <param name="tiles">The tiles of a split image (SmolVLM): a placeholder run per tile and one for the global view.</param>
    public EncodedExample EncodeTraining(string userText, string answer, ImageSize? modelImage = null, TileGrid tiles = default) =>
        Encode(Template.BuildTraining(SystemPrompt, userText, answer, ImageTokensOf(modelImage), tiles));

    /// <summary>Training tokens for the example's <paramref name="image"/> as prepared (its size, its tiles).</summary>
    public EncodedExample EncodeTraining(string userText, string answer, PreparedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return EncodeTraining(userText, answer, image.Size, image.Tiles);
    }

    /// <param name="userText">The user's turn.</param>
    /// <param name="modelImage">The size the model sees the prompt's image at (see <see cref="EncodeTraining(string, string, ImageSize?, TileGrid)"/>).</param>
    /// <param name="tiles">The tiles of a split image.</param>
    public EncodedExample EncodeGenerationPrompt(string userText, ImageSize? modelImage = null, TileGrid tiles = default) =>
        Encode(Template.BuildGenerationPrompt(SystemPrompt, userText, ImageTokensOf(modelImage), tiles));

    /// <summary>A generation prompt for <paramref name="image"/> as prepared (its size, its tiles).</summary>
    public EncodedExample EncodeGenerationPrompt(string userText, PreparedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return EncodeGenerationPrompt(userText, image.Size, image.Tiles);
    }

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
