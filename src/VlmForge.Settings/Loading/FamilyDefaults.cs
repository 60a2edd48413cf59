using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>One setting the file leaves out that its model family fills in, and what made it apply.</summary>
/// <param name="KeyPath">The setting, for example <c>model.precision</c>.</param>
/// <param name="Value">Its value as TOML writes it.</param>
/// <param name="Because">Where the setting that chose the family is written (<c>family = "tiny"</c>, or <c>size = "tiny"</c>).</param>
/// <param name="Source">That setting as written, for messages: <c>family = "tiny"</c>.</param>
/// <param name="Family">The family whose value it is.</param>
public sealed record FamilyDefault(string KeyPath, string Value, SourceLocation Because, string Source, string Family);

/// <summary>
/// Defaults that depend on the model family. The schema's defaults are the page's recommendations for fine-tuning a
/// real, pretrained VLM on a GPU (LoRA, NF4, bf16, 448 px). A family that trains from random weights on a CPU (the
/// built-in tiny model) brings its own values in its <see cref="FamilyProfile.Defaults"/>: for every one of those
/// settings the file leaves out, the workflow gets the family's value. Values the file writes always win; advice says
/// when they cannot work well. A <c>model.size</c> that only one family has (<see cref="FamilyProfile.ChosenBySize"/>)
/// chooses that family when the file leaves <c>model.family</c> out.
/// </summary>
public static class FamilyDefaults
{
    /// <summary>
    /// The tree with the family's defaults written into it for every setting <paramref name="root"/> leaves out, and
    /// the list of what was filled in. Returns <paramref name="root"/> itself when no family default applies, and
    /// when <paramref name="families"/> (the registered families' profiles) is null: then no family is known.
    /// </summary>
    public static (ConfigTable Root, IReadOnlyList<FamilyDefault> Applied) Apply(ConfigTable root, IReadOnlyCollection<FamilyProfile>? families)
    {
        ArgumentNullException.ThrowIfNull(root);
        var model = root.Table(ModelOptions.SectionPath);
        if (model is null || families is null) return (root, []);
        ConfigEntry? chooser = null;
        FamilyProfile? profile = null;
        if (model.TryGet("family", out var family))
        {
            profile = family.Value is ConfigValue { Value: string name } ? families.FirstOrDefault(f => f.Name == name) : null;
            chooser = family;
        }
        else if (model.TryGet("size", out var size) && size.Value is ConfigValue { Value: string sizeName })
        {
            // Only a size no other family claims chooses a family.
            var claimants = families.Where(f => f.ChosenBySize == sizeName).Take(2).ToList();
            profile = claimants.Count == 1 ? claimants[0] : null;
            chooser = size;
        }
        if (profile is null || chooser is null) return (root, []);

        var because = chooser.Value.Location;
        var source = $"{chooser.Key} = {chooser.Value}";
        var applied = new List<FamilyDefault>();
        var added = new Dictionary<string, List<ConfigEntry>>(StringComparer.Ordinal);
        IEnumerable<FamilySetting> values = profile.Defaults;
        if (chooser.Key == "size") values = values.Prepend(new FamilySetting("model.family", profile.Name));
        foreach (var (keyPath, value) in values)
        {
            if (root.TryGetPath(keyPath, out _)) continue;
            var dot = keyPath.IndexOf('.', StringComparison.Ordinal);
            var (section, key) = (keyPath[..dot], keyPath[(dot + 1)..]);
            // A section written as something other than a table is an error the loader reports; leave it alone.
            if (root.TryGet(section, out var written) && written.Value is not ConfigTable) continue;
            var node = new ConfigValue(value, because);
            if (!added.TryGetValue(section, out var list)) added[section] = list = [];
            list.Add(new ConfigEntry(key, because, node));
            applied.Add(new FamilyDefault(keyPath, node.ToString(), because, source, profile.Name));
        }
        if (applied.Count == 0) return (root, applied);

        var entries = root.Entries.Select(entry => added.Remove(entry.Key, out var extra)
            ? entry with { Value = new ConfigTable([.. ((ConfigTable)entry.Value).Entries, .. extra], entry.Value.Location) }
            : entry).ToList();
        // Sections the file does not write at all get a table of their own.
        entries.AddRange(added.Select(a => new ConfigEntry(a.Key, because, new ConfigTable(a.Value, because))));
        return (new ConfigTable(entries, root.Location), applied);
    }

    /// <summary>
    /// One line for <c>check</c>, <c>plan</c> and <c>train</c>: which settings the family filled in and why, for example
    /// <c>my.toml:2:10: note: family = "tiny" sets what the file leaves out to the tiny family's values: model.size = "tiny", ...</c>.
    /// </summary>
    public static string? Describe(IReadOnlyList<FamilyDefault> applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        if (applied.Count == 0) return null;
        var first = applied[0];
        return $"{first.Because}: note: {first.Source} sets what the file leaves out to the {first.Family} family's values: " +
               string.Join(", ", applied.Select(a => $"{a.KeyPath} = {a.Value}")) + ". Write a key to choose another value.";
    }
}
