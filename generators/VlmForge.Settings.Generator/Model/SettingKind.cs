namespace VlmForge.Settings.Generator.Model;

/// <summary>The setting types a schema can declare (<c>type = "..."</c>).</summary>
internal enum SettingKind
{
    Bool,
    Int,
    Float,
    String,
    Path,
    Enum,
    List,
    Plugin,
}
