namespace VlmForge.Settings.Generator.Model;

/// <summary>One setting of a schema, with everything already checked and turned into C# and TOML text.</summary>
/// <param name="Key">The TOML key (snake_case).</param>
/// <param name="PropertyName">The C# property (PascalCase of the key).</param>
/// <param name="Kind">Its type.</param>
/// <param name="Documentation">Doc text from the schema.</param>
/// <param name="DefaultToml">The default as TOML text, or null for an optional setting without one.</param>
/// <param name="DefaultCSharp">The default as a C# expression, or null.</param>
/// <param name="Range">Allowed numbers (for lists: per item), or null.</param>
/// <param name="EnumTypeName">For enums: the C# enum type.</param>
/// <param name="PluginKind">For plugins: the PluginKind member name (Optimizer, Quantizer, Precision, Sampler).</param>
/// <param name="BuiltIns">For plugins: names of the built-in plugins.</param>
/// <param name="ItemKind">For lists: the item type (String, Int or Float).</param>
/// <param name="MinItems">For lists: fewest items.</param>
/// <param name="MaxItems">For lists: most items.</param>
internal sealed record SettingModel(
    string Key,
    string PropertyName,
    SettingKind Kind,
    string Documentation,
    string? DefaultToml,
    string? DefaultCSharp,
    RangeModel? Range,
    string? EnumTypeName,
    string? PluginKind,
    EquatableArray<string> BuiltIns,
    SettingKind? ItemKind,
    int? MinItems,
    int? MaxItems)
{
    /// <summary>True when the setting has no default: the property is nullable and unset unless the file sets it.</summary>
    public bool IsOptional => DefaultCSharp is null;
}
