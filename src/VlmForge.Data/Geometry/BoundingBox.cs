namespace VlmForge.Data.Geometry;

/// <summary>
/// An axis-aligned box [x1, y1, x2, y2]: x grows to the right, y grows down, (x1, y1) is the top-left
/// corner and (x2, y2) the bottom-right one. Dataset boxes are absolute pixels of the original image;
/// model-space boxes follow the family's <see cref="BoxConvention"/>.
/// </summary>
public readonly record struct BoundingBox(double X1, double Y1, double X2, double Y2)
{
    public double Width => X2 - X1;

    public double Height => Y2 - Y1;

    /// <summary>Area, zero for an empty or inverted box.</summary>
    public double Area => Math.Max(0, Width) * Math.Max(0, Height);

    /// <summary>All four numbers are finite and the box has positive width and height.</summary>
    public bool IsWellFormed =>
        double.IsFinite(X1) && double.IsFinite(Y1) && double.IsFinite(X2) && double.IsFinite(Y2) && X1 < X2 && Y1 < Y2;

    /// <summary>Whether the box lies inside an image of <paramref name="size"/> (edges may touch its border).</summary>
    public bool IsInside(ImageSize size) => X1 >= 0 && Y1 >= 0 && X2 <= size.Width && Y2 <= size.Height;

    /// <summary>Intersection over union; 0 when the boxes do not overlap or both are empty.</summary>
    public static double IoU(BoundingBox a, BoundingBox b)
    {
        double ix = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        double iy = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (ix <= 0 || iy <= 0)
        {
            return 0;
        }

        double intersection = ix * iy;
        double union = a.Area + b.Area - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    public BoundingBox Scale(double sx, double sy) => new(X1 * sx, Y1 * sy, X2 * sx, Y2 * sy);

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{X1}, {Y1}, {X2}, {Y2}]");
}
