using VlmForge.Abstractions.Settings;

namespace VlmForge.Settings.Loading;

/// <summary>One setting the file leaves out that its model family fills in, and what made it apply.</summary>
/// <param name="KeyPath">The setting, for example <c>model.precision</c>.</param>
/// <param name="Value">Its value as TOML writes it.</param>
/// <param name="Because">Where the setting that chose the family is written (<c>family = "tiny"</c>, or <c>size = "tiny"</c>).</param>
/// <param name="Source">That setting as written, for messages: <c>family = "tiny"</c>.</param>
public sealed record FamilyDefault(string KeyPath, string Value, SourceLocation Because, string Source);

/// <summary>
/// Defaults that depend on the model family. The schema's defaults are the page's recommendations for fine-tuning a
/// real, pretrained VLM on a GPU (LoRA, NF4, bf16, 448 px). The tiny family trains from random weights on a CPU, where
/// those values cannot work in minutes: for every one of these settings the file leaves out, a tiny workflow gets the
/// value that does (the repository's vlmforge.toml). Values the file writes always win; advice says when they cannot
/// work well. <c>size = "tiny"</c> with no family implies the tiny family (it is the only family with that size).
/// </summary>
public static class FamilyDefaults
{
    /// <summary>The tiny family's values, by key path, as they are applied to settings the file leaves out.</summary>
    public static IReadOnlyList<(string KeyPath, object Value)> Tiny { get; } =
    [
        ("model.size", "tiny"),
        ("model.training_mode", "full"),     // random weights: LoRA on a frozen random base learns almost nothing
        ("model.quantization", "none"),      // full training stores no 4-bit weights
        ("model.precision", "fp32"),         // most CPUs emulate bf16 (several times slower than fp32)
        ("training.learning_rate", 0.001),   // from scratch: 10x the page's fine-tuning rate
        ("training.batch_size", 16L),        // a small model: 16 fits any CPU's memory and is the recommended effective batch
        ("dataset.image_size", 64L),         // the tiny vision tower reads small images; 448 px is ~50x the work
        ("evaluation.max_new_tokens", 96L),  // one token per coordinate: the tiny model's answers are short
    ];

    /// <summary>
    /// The tree with the family's defaults written into it for every setting <paramref name="root"/> leaves out, and
    /// the list of what was filled in. Returns <paramref name="root"/> itself when no family default applies.
    /// </summary>
    public static (ConfigTable Root, IReadOnlyList<FamilyDefault> Applied) Apply(ConfigTable root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var model = root.Table(ModelOptions.SectionPath);
        ConfigEntry? chooser = null;
        if (model is not null && model.TryGet("family", out var family))
        {
            if (family.Value is ConfigValue { Value: FamilyNames.Tiny }) chooser = family;
        }
        else if (model is not null && model.TryGet("size", out var size) && size.Value is ConfigValue { Value: "tiny" })
        {
            chooser = size;
        }
        if (chooser is null) return (root, []);

        var because = chooser.Value.Location;
        var source = $"{chooser.Key} = {chooser.Value}";
        var applied = new List<FamilyDefault>();
        var added = new Dictionary<string, List<ConfigEntry>>(StringComparer.Ordinal);
        IEnumerable<(string KeyPath, object Value)> values = Tiny;
        if (chooser.Key == "size") values = values.Prepend(("model.family", FamilyNames.Tiny));
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
            applied.Add(new FamilyDefault(keyPath, node.ToString(), because, source));
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
    /// <c>my.toml:2:10: note: family = "tiny" sets what the file leaves out: model.size = "tiny", ...</c>.
    /// </summary>
    public static string? Describe(IReadOnlyList<FamilyDefault> applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        if (applied.Count == 0) return null;
        var first = applied[0];
        return $"{first.Because}: note: {first.Source} sets what the file leaves out to the tiny family's values: " +
               string.Join(", ", applied.Select(a => $"{a.KeyPath} = {a.Value}")) + ". Write a key to choose another value.";
    }
}
