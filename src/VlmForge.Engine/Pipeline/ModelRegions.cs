using VlmForge.Data.Batching;
using VlmForge.Models.Detection;

namespace VlmForge.Engine.Pipeline;

/// <summary>Region annotations of the data layer as the model layer's region targets.</summary>
internal static class ModelRegions
{
    public static IReadOnlyList<ImageRegion> From(IReadOnlyList<RegionAnnotation> regions) =>
        regions.Select(r => new ImageRegion(r.Box.X1, r.Box.Y1, r.Box.X2, r.Box.Y2, r.PhraseTokenIds)).ToArray();
}
