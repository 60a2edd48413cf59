using VlmForge.Engine.Pipeline;
using VlmForge.Models.Families;
using VlmForge.Settings;

namespace VlmForge.Engine.Families;

/// <summary>
/// The model families by name, like Hugging Face's <c>AutoConfig</c> mapping, and where a family from outside registers
/// (<see cref="Register"/>). The built-in families are the engine's own <see cref="IModelFamily"/> classes (one folder
/// each under Families/), found here, so they are listed nowhere else in the engine: the one list of built-in real
/// families is their architectures in <see cref="ModelFamilies"/> (config.json parsers, which the models layer needs on
/// its own), and every one of them has its engine family (a test checks). <c>model.family</c> is checked against these
/// names when a workflow loads with the plugin catalog; registering a snapshot family also registers its config.json
/// parser with <see cref="ModelFamilies"/>, so snapshots of it load.
/// </summary>
public static class ModelFamilyRegistry
{
    private static readonly object Gate = new();

    private static List<IModelFamily> families = BuiltIn();

    /// <summary>Every registered family.</summary>
    public static IReadOnlyList<IModelFamily> All => families;

    /// <summary>The names <c>model.family</c> accepts.</summary>
    public static IReadOnlyList<string> Names => [.. families.Select(f => f.Name)];

    /// <summary>Every registered family as the settings layer sees it (its defaults and advice), in registration order.</summary>
    public static IReadOnlyList<FamilyProfile> Profiles => [.. families.Select(f => f.Profile)];

    /// <summary>Adds <paramref name="family"/>, replacing a family of the same name.</summary>
    public static void Register(ISnapshotFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        var profile = family.Profile;
        if (profile.Name != family.Name)
            throw new ArgumentException($"The {family.Name} family's profile is named {profile.Name}; a family's profile carries its own name.", nameof(family));
        lock (Gate)
        {
            var others = families.Where(f => !FamilyNames.Same(f.Name, family.Name)).ToList();
            if (profile.ChosenBySize is { } size && others.FirstOrDefault(f => f.Profile.ChosenBySize == size) is { } owner)
                throw new ArgumentException($"model.size = \"{size}\" already chooses the {owner.Name} family; a size chooses one family.", nameof(family));
            families = [.. others, Registered(family)];
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

    /// <summary>
    /// The engine's family classes (parameterless, in this assembly): the tiny model first, then the real families in the
    /// models layer's order, so messages list them the same way every time.
    /// </summary>
    private static List<IModelFamily> BuiltIn()
    {
        var architectures = ModelFamilies.All.ToList();
        return typeof(ModelFamilyRegistry).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IModelFamily).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IModelFamily)Activator.CreateInstance(t)!)
            .OrderBy(f => f is ISnapshotFamily ? 1 : 0)
            .ThenBy(f => architectures.IndexOf(f.Name) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => f is ISnapshotFamily snapshot ? Registered(snapshot) : f)
            .ToList();
    }

    /// <summary>Registers the config.json parser of <paramref name="family"/> with the models layer.</summary>
    private static ISnapshotFamily Registered(ISnapshotFamily family)
    {
        ModelFamilies.Register(family.Name, family.ModelType, family.ParseConfig);
        return family;
    }
}
