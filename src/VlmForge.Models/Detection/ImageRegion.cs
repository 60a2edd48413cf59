namespace VlmForge.Models.Detection;

/// <summary>
/// One annotated region of an image, the supervision of a grounding detector: a box in the model's pixel coordinates
/// (the resized image the model sees) and the token ids of the phrase that names it.
/// </summary>
public sealed record ImageRegion(double X1, double Y1, double X2, double Y2, IReadOnlyList<int> PhraseTokenIds)
{
    /// <summary>Horizontal centre of the box.</summary>
    public double CenterX => (X1 + X2) / 2;

    /// <summary>Vertical centre of the box.</summary>
    public double CenterY => (Y1 + Y2) / 2;
}
