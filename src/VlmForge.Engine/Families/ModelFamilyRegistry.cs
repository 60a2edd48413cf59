using VlmForge.Engine.Families.Qwen25Vl;
using VlmForge.Engine.Families.SmolVlm;
using VlmForge.Engine.Families.Tiny;
using VlmForge.Engine.Pipeline;
using VlmForge.Models.Families;
using VlmForge.Settings;

namespace VlmForge.Engine.Families;

/// <summary>
/// The model families by name, like Hugging Face's <c>AutoConfig</c> mapping: the one list of built-in families, and
/// where a family from outside registers (<see cref="Register"/>). Adding a built-in family is its folder under
/// Families/ and one line here. <c>model.family</c> is checked against these names when a workflow loads with the plugin
/// catalog; registering a snapshot family also registers its config.json parser with <see cref="ModelFamilies"/>, so
/// snapshots of it load.
/// </summary>
public static class ModelFamilyRegistry
{
    private static readonly object Gate = new();

    private static List<IModelFamily> families = [new TinyFamily(), Registered(new Qwen25VlFamily()), Registered(new SmolVlmFamily())];

    /// <summary>Every registered family.</summary>
    public static IReadOnlyList<IModelFamily> All => families;

    /// <summary>The names <c>model.family</c> accepts.</summary>
    public static IReadOnlyList<string> Names => [.. families.Select(f => f.Name)];

    /// <summary>Adds <paramref name="family"/>, replacing a family of the same name.</summary>
    public static void Register(ISnapshotFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        lock (Gate)
        {
            families = [.. families.Where(f => !FamilyNames.Same(f.Name, family.Name)), Registered(family)];
        }
    }

    /// <summary>The family named <paramref name="name"/> (any spelling <see cref="FamilyNames"/> accepts, or its model_type).</summary>
    /// <exception cref="ArgumentException">No such family; the message lists the registered ones.</exception>
    public static IModelFamily Find(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return families.FirstOrDefault(f => FamilyNames.Same(f.Name, name))
               ?? families.OfType<ISnapshotFamily>().FirstOrDefault(f => FamilyNames.Same(f.ModelType, name))
               ?? throw new ArgumentException(
                   $"'{name}' is not a registered model family. Known families: {string.Join(", ", families.Select(f => f.Name))}.", nameof(name));
    }

    /// <summary>The family of a workflow (<c>model.family</c>).</summary>
    /// <exception cref="WorkflowException">model.family names no registered family (a workflow loaded without the plugin catalog).</exception>
    public static IModelFamily Of(WorkflowSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var family = settings.Model.Family;
        return families.FirstOrDefault(f => f.Name == family)
               ?? throw new WorkflowException(
                   $"model.family = \"{family}\" is not a registered model family; registered: {string.Join(", ", families.Select(f => $"\"{f.Name}\""))}.");
    }

    /// <summary>The family of a parsed config.</summary>
    public static ISnapshotFamily Of(IFamilyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Find(config.Family) as ISnapshotFamily
               ?? throw new ArgumentException($"The {config.Family} family has no config.json; {config.GetType().Name} belongs to no snapshot family.", nameof(config));
    }

    /// <summary>Registers the config.json parser of <paramref name="family"/> with the models layer.</summary>
    private static ISnapshotFamily Registered(ISnapshotFamily family)
    {
        ModelFamilies.Register(family.Name, family.ModelType, family.ParseConfig);
        return family;
    }
}
