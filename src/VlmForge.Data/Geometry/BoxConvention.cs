namespace VlmForge.Data.Geometry;

/// <summary>
/// How a model family writes boxes. Datasets store absolute pixels of the original image; the model
/// sees a resized image and reads/writes integer pixel coordinates of that resized image. Boxes are
/// rescaled with exactly the factors the image was resized by (x · W'/W, y · H'/H) and then rounded to
/// the nearest integer (halves away from zero), clamped to the image and kept at least one pixel wide
/// and high so that x1 &lt; x2 and y1 &lt; y2 still hold.
/// </summary>
public abstract class BoxConvention
{
    /// <summary>A short name for logs and run folders.</summary>
    public abstract string Name { get; }

    /// <summary>The size of the image the model sees for an original image of <paramref name="original"/>.</summary>
    public abstract ImageSize ModelImageSize(ImageSize original);

    /// <summary>Original-pixel box to the model's integer coordinates.</summary>
    public BoundingBox ToModel(BoundingBox box, ImageSize original)
    {
        ImageSize model = ModelImageSize(original);
        double sx = (double)model.Width / original.Width;
        double sy = (double)model.Height / original.Height;
        (double x1, double x2) = RoundSpan(box.X1 * sx, box.X2 * sx, model.Width);
        (double y1, double y2) = RoundSpan(box.Y1 * sy, box.Y2 * sy, model.Height);
        return new BoundingBox(x1, y1, x2, y2);
    }

    /// <summary>Model-coordinate box back to original pixels (exact inverse of the scaling, no rounding).</summary>
    public BoundingBox ToOriginal(BoundingBox modelBox, ImageSize original)
    {
        ImageSize model = ModelImageSize(original);
        return modelBox.Scale((double)original.Width / model.Width, (double)original.Height / model.Height);
    }

    private static (double Low, double High) RoundSpan(double low, double high, int limit)
    {
        double a = Math.Clamp(Math.Round(low, MidpointRounding.AwayFromZero), 0, limit);
        double b = Math.Clamp(Math.Round(high, MidpointRounding.AwayFromZero), 0, limit);
        if (b <= a)
        {
            // A box thinner than a pixel after resizing still has to be a box.
            if (a < limit)
            {
                b = a + 1;
            }
            else
            {
                a = b - 1;
            }
        }

        return (a, b);
    }
}
