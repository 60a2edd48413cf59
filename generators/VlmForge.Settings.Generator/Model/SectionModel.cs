namespace VlmForge.Settings.Generator.Model;

/// <summary>Everything the emitter needs for one schema: one option record and its enums.</summary>
/// <param name="Namespace">Namespace of the generated types.</param>
/// <param name="TypeName">The option record's name, for example <c>TrainingOptions</c>.</param>
/// <param name="SectionPath">The TOML table, for example <c>training</c> or <c>plugins.lion</c>.</param>
/// <param name="Documentation">What the section holds.</param>
/// <param name="SchemaFileName">The schema's file name (no folders, so output does not depend on the clone's path).</param>
/// <param name="Settings">Settings in schema order.</param>
/// <param name="Enums">Enums the settings declare.</param>
/// <param name="Rules">Cross-setting rules.</param>
internal sealed record SectionModel(
    string Namespace,
    string TypeName,
    string SectionPath,
    string Documentation,
    string SchemaFileName,
    EquatableArray<SettingModel> Settings,
    EquatableArray<EnumModel> Enums,
    EquatableArray<RuleModel> Rules);
