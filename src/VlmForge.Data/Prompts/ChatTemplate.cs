using VlmForge.Data.Geometry;

namespace VlmForge.Data.Prompts;

/// <summary>
/// How one model family lays out a single-image, single-turn conversation as text. The image appears as
/// <c>imageTokenCount</c> copies of <see cref="ImageToken"/>; the answer ends with <see cref="EndOfAnswerToken"/>,
/// which is also where generation stops.
/// </summary>
public abstract class ChatTemplate
{
    /// <summary>The model family this template belongs to ("tiny", "qwen2.5-vl", "smolvlm").</summary>
    public abstract string Family { get; }

    /// <summary>The placeholder token the model replaces with image features.</summary>
    public abstract string ImageToken { get; }

    /// <summary>The token that closes the assistant's turn.</summary>
    public abstract string EndOfAnswerToken { get; }

    /// <summary>Whether the template can lay out an image split into tiles (<see cref="TileGrid"/>).</summary>
    public virtual bool SplitsImages => false;

    /// <summary>Prompt and answer, for training: the loss is taken on the <see cref="SegmentKind.Answer"/> segment only.</summary>
    /// <param name="imageTokenCount">Placeholders of the image, or of each frame of a split image.</param>
    /// <param name="tiles">The image's tiles when it is split (only for a template that <see cref="SplitsImages"/>).</param>
    public IReadOnlyList<ChatSegment> BuildTraining(string? systemPrompt, string userText, string answer, int imageTokenCount, TileGrid tiles = default)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var segments = new List<ChatSegment>();
        AppendPrompt(segments, systemPrompt, Check(userText), CheckCount(imageTokenCount), CheckTiles(tiles));
        AppendAnswer(segments, answer);
        return Merge(segments);
    }

    /// <summary>The prompt up to where the model starts writing its answer.</summary>
    /// <param name="imageTokenCount">Placeholders of the image, or of each frame of a split image.</param>
    /// <param name="tiles">The image's tiles when it is split (only for a template that <see cref="SplitsImages"/>).</param>
    public IReadOnlyList<ChatSegment> BuildGenerationPrompt(string? systemPrompt, string userText, int imageTokenCount, TileGrid tiles = default)
    {
        var segments = new List<ChatSegment>();
        AppendPrompt(segments, systemPrompt, Check(userText), CheckCount(imageTokenCount), CheckTiles(tiles));
        return Merge(segments);
    }

    /// <summary>The segments as one string, as the reference chat template would print it.</summary>
    public static string Render(IEnumerable<ChatSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        return string.Concat(segments.Select(s => s.Rendered));
    }

    /// <param name="imageTokenCount">Placeholders of the image, or of each frame when <paramref name="tiles"/> splits it.</param>
    protected abstract void AppendPrompt(List<ChatSegment> segments, string? systemPrompt, string userText, int imageTokenCount, TileGrid tiles);

    protected abstract void AppendAnswer(List<ChatSegment> segments, string answer);

    protected static ChatSegment Prompt(string text) => new(SegmentKind.Prompt, text);

    protected static ChatSegment Answer(string text) => new(SegmentKind.Answer, text);

    protected ChatSegment ImageRun(int count) => new(SegmentKind.Image, ImageToken, count);

    private static string Check(string userText)
    {
        ArgumentNullException.ThrowIfNull(userText);
        return userText;
    }

    private TileGrid CheckTiles(TileGrid tiles)
    {
        if (tiles.IsSplit && !SplitsImages)
        {
            throw new ArgumentException($"The {Family} chat template does not split images, but the image has {tiles}.", nameof(tiles));
        }
        return tiles;
    }

    private static int CheckCount(int imageTokenCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageTokenCount);
        return imageTokenCount;
    }

    /// <summary>Neighbouring text segments of the same kind become one, so each is tokenized as a whole.</summary>
    private static List<ChatSegment> Merge(List<ChatSegment> segments)
    {
        var merged = new List<ChatSegment>(segments.Count);
        foreach (ChatSegment segment in segments)
        {
            if (segment.Kind != SegmentKind.Image && segment.Text.Length == 0)
            {
                continue;
            }

            if (merged.Count > 0 && merged[^1].Kind == segment.Kind && segment.Kind != SegmentKind.Image)
            {
                merged[^1] = merged[^1] with { Text = merged[^1].Text + segment.Text };
            }
            else
            {
                merged.Add(segment);
            }
        }

        return merged;
    }
}
