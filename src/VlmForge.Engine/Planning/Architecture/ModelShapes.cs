using VlmForge.Models.Families;

namespace VlmForge.Engine.Planning.Architecture;

/// <summary>
/// The <see cref="ModelShape"/> of a parsed config, as its registered family gives it (each family's shape lives in its
/// folder: Families/&lt;Family&gt;/&lt;Family&gt;Shape.cs, built from <see cref="ShapeParts"/>).
/// </summary>
internal static class ModelShapes
{
    /// <summary>The shape of a real family's config (a preset's or a snapshot's config.json), as its registered family gives it.</summary>
    /// <param name="config">The parsed config.</param>
    /// <param name="name">What to call it in the plan (the repository id or the snapshot folder).</param>
    public static ModelShape From(IFamilyConfig config, string name)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Families.ModelFamilyRegistry.Of(config).Shape(config, name);
    }
}
