namespace VlmForge.Settings;

/// <summary>
/// The one rule for comparing model family names, wherever they are written (model.family, config.json's model_type,
/// a chat template's family, an adapter's vlmforge.json): "qwen2.5-vl", "Qwen2_5_VL" and "qwen25vl" name one family.
/// </summary>
public static class FamilyNames
{
    /// <summary>The comparison key of <paramref name="name"/>: its letters and digits, lower-case.</summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return new(name.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> name the same family.</summary>
    public static bool Same(string a, string b) => Key(a) == Key(b);
}
