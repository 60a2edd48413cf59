namespace VlmForge.Settings.Generator.Model;

/// <summary>An interval such as <c>(0, 1]</c>; bounds are kept as invariant-culture C# literals.</summary>
/// <param name="Text">Normalised notation for descriptors and docs.</param>
/// <param name="Minimum">Lower bound literal or null.</param>
/// <param name="MinimumExclusive">Lower bound excluded.</param>
/// <param name="Maximum">Upper bound literal or null.</param>
/// <param name="MaximumExclusive">Upper bound excluded.</param>
internal sealed record RangeModel(string Text, string? Minimum, bool MinimumExclusive, string? Maximum, bool MaximumExclusive);
