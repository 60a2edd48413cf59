namespace VlmForge.Settings.Generator.Model;

/// <summary>A C# enum generated for an <c>enum</c> setting.</summary>
/// <param name="TypeName">The enum's name.</param>
/// <param name="Documentation">Doc text (the setting's).</param>
/// <param name="Members">Members in schema order.</param>
internal sealed record EnumModel(string TypeName, string Documentation, EquatableArray<EnumMemberModel> Members);

/// <summary>One enum member.</summary>
/// <param name="TomlName">The name written in TOML, for example <c>qwen2_5_vl</c>.</param>
/// <param name="MemberName">The C# member, for example <c>Qwen25Vl</c>.</param>
/// <param name="Documentation">Doc text or empty.</param>
internal sealed record EnumMemberModel(string TomlName, string MemberName, string Documentation);
