namespace VlmForge.Data.Prompts;

/// <summary>What a piece of a conversation is, which decides whether the loss sees it.</summary>
public enum SegmentKind
{
    /// <summary>System prompt, user turn, role markers: no loss.</summary>
    Prompt,

    /// <summary>The run of image placeholder tokens: no loss.</summary>
    Image,

    /// <summary>What the assistant writes, including the token that ends its turn: loss.</summary>
    Answer,
}

/// <summary>A piece of a conversation. An image segment is <see cref="Text"/> (the placeholder token) repeated <see cref="Repeat"/> times.</summary>
public sealed record ChatSegment(SegmentKind Kind, string Text, int Repeat = 1)
{
    public string Rendered => Repeat == 1 ? Text : string.Concat(Enumerable.Repeat(Text, Repeat));
}
