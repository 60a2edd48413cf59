using VlmForge.Data.Geometry;

namespace VlmForge.Data.Tasks;

/// <summary>One phrase of a sentence and the boxes (one or more) it refers to.</summary>
public sealed record GroundedPhrase(string Phrase, IReadOnlyList<BoundingBox> Boxes)
{
    public bool Equals(GroundedPhrase? other) =>
        other is not null && Phrase == other.Phrase && Boxes.SequenceEqual(other.Boxes);

    public override int GetHashCode() => HashCode.Combine(Phrase, Boxes.Count);
}

/// <summary>
/// A phrase-grounding answer: {"phrase_grounding": {"sentence": ..., "groundings": [{"phrase": ...,
/// "grounding": [[x1, y1, x2, y2], ...]}]}}.
/// </summary>
public sealed record PhraseGrounding(string Sentence, IReadOnlyList<GroundedPhrase> Groundings)
{
    public bool Equals(PhraseGrounding? other) =>
        other is not null && Sentence == other.Sentence && Groundings.SequenceEqual(other.Groundings);

    public override int GetHashCode() => HashCode.Combine(Sentence, Groundings.Count);

    /// <summary>The same grounding with every box mapped by <paramref name="map"/>.</summary>
    public PhraseGrounding MapBoxes(Func<BoundingBox, BoundingBox> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new PhraseGrounding(
            Sentence,
            Groundings.Select(g => new GroundedPhrase(g.Phrase, g.Boxes.Select(map).ToArray())).ToArray());
    }
}
