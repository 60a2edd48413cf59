using VlmForge.Engine.Families.Qwen25Vl;
using VlmForge.Engine.Families.SmolVlm;
using VlmForge.Models.Families;
using VlmForge.Settings;

namespace VlmForge.Engine.Families;

/// <summary>
/// The real model families by name, like Hugging Face's <c>AutoConfig</c> mapping: adding a family is its folder under
/// Families/ and one line here (or one <see cref="Register"/> call from outside). Registering a family also registers
/// its config.json parser with <see cref="ModelFamilies"/>, so snapshots of it load.
/// </summary>
public static class ModelFamilyRegistry
{
    private static readonly object Gate = new();

    private static List<IModelFamily> families = [new Qwen25VlFamily(), new SmolVlmFamily()];

    /// <summary>Every registered family.</summary>
    public static IReadOnlyList<IModelFamily> All => families;

    /// <summary>The names <c>model.family</c> accepts: the built-in tiny model and every registered family.</summary>
    public static IReadOnlyList<string> Names => [FamilyNames.Tiny, .. families.Select(f => f.Name)];

    /// <summary>Adds <paramref name="family"/>, replacing a family of the same name.</summary>
    public static void Register(IModelFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        lock (Gate)
        {
            ModelFamilies.Register(family.Name, family.ModelType, family.ParseConfig);
            families = [.. families.Where(f => !FamilyNames.Same(f.Name, family.Name)), family];
        }
    }

    /// <summary>The family named <paramref name="name"/> (any spelling <see cref="FamilyNames"/> accepts, or its model_type).</summary>
    /// <exception cref="ArgumentException">No such family; the message lists the registered ones.</exception>
    public static IModelFamily Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return families.FirstOrDefault(f => FamilyNames.Same(f.Name, name))
               ?? families.FirstOrDefault(f => FamilyNames.Same(f.ModelType, name))
               ?? throw new ArgumentException(
                   $"'{name}' is not a registered model family. Known families: {string.Join(", ", families.Select(f => f.Name))} (and the built-in tiny).", nameof(name));
    }

    /// <summary>The family of a parsed config.</summary>
    public static IModelFamily Of(IFamilyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Find(config.Family);
    }
}
