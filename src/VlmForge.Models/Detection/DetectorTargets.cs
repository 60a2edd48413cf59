namespace VlmForge.Models.Detection;

/// <summary>
/// Dense detector targets from annotated regions: the cell holding a region's centre is positive; it learns the
/// region's phrase words and its box corners as offsets in pixels from the cell's corner. When two regions share a cell the
/// first one keeps it (with 8-pixel cells this needs two boxes whose centres are under 8 pixels apart).
/// </summary>
internal sealed record DetectorTargets(float[] Objectness, long[] Positives, float[] Words, float[] RelativeCoordinates)
{
    public static DetectorTargets Build(IReadOnlyList<IReadOnlyList<ImageRegion>> regions, int imageSize, int grid, int vocabSize)
    {
        int cells = grid * grid;
        var objectness = new float[regions.Count * cells];
        var positives = new List<long>();
        var words = new List<float>();
        var coordinates = new List<float>();
        for (int image = 0; image < regions.Count; image++)
        {
            foreach (var region in regions[image])
            {
                int gx = Math.Clamp((int)Math.Floor(region.CenterX / DetectorBackbone.Stride), 0, grid - 1);
                int gy = Math.Clamp((int)Math.Floor(region.CenterY / DetectorBackbone.Stride), 0, grid - 1);
                int cell = (image * cells) + (gy * grid) + gx;
                if (objectness[cell] > 0)
                {
                    continue;
                }
                objectness[cell] = 1;
                positives.Add(cell);
                var multiHot = new float[vocabSize];
                foreach (int id in region.PhraseTokenIds)
                {
                    if (id >= 0 && id < vocabSize)
                    {
                        multiHot[id] = 1;
                    }
                }
                words.AddRange(multiHot);
                int originX = gx * DetectorBackbone.Stride;
                int originY = gy * DetectorBackbone.Stride;
                coordinates.Add(Relative(region.X1, originX, imageSize));
                coordinates.Add(Relative(region.Y1, originY, imageSize));
                coordinates.Add(Relative(region.X2, originX, imageSize));
                coordinates.Add(Relative(region.Y2, originY, imageSize));
            }
        }
        return new DetectorTargets(objectness, [.. positives], [.. words], [.. coordinates]);
    }

    private static float Relative(double coordinate, int origin, int imageSize) =>
        (float)(Math.Clamp(coordinate, 0, imageSize) - origin);
}
