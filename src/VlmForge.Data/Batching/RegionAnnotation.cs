using VlmForge.Data.Geometry;

namespace VlmForge.Data.Batching;

/// <summary>One grounded box of a record in the model's pixel coordinates, with the token ids of the phrase that names it.</summary>
public sealed record RegionAnnotation(BoundingBox Box, IReadOnlyList<int> PhraseTokenIds);
