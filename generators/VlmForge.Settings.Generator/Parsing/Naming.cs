using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>Names: TOML snake_case keys to C# PascalCase, and the patterns names must follow.</summary>
internal static class Naming
{
    private static readonly Regex SnakeCase = new("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant);
    private static readonly Regex TomlName = new("^[a-z0-9][a-z0-9_.-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex Identifier = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);
    private static readonly Regex SectionPath = new("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$", RegexOptions.CultureInvariant);

    /// <summary>Members every generated option record has; a setting cannot take these property names.</summary>
    public static readonly string[] ReservedMembers =
    {
        "SectionPath", "Description", "Descriptors", "Default", "Bind", "WriteTo", "EqualityContract", "Equals", "GetHashCode",
        "ToString", "PrintMembers", "Deconstruct", "GetType", "MemberwiseClone", "Finalize",
    };

    public static bool IsSnakeCase(string key) => SnakeCase.IsMatch(key);

    public static bool IsTomlName(string value) => TomlName.IsMatch(value);

    public static bool IsIdentifier(string name) => Identifier.IsMatch(name);

    public static bool IsNamespace(string name) => name.Split('.').All(IsIdentifier);

    public static bool IsSectionPath(string path) => SectionPath.IsMatch(path);

    /// <summary><c>lora_rank</c> -> <c>LoraRank</c>, <c>qwen2_5_vl</c> -> <c>Qwen25Vl</c>, <c>4bit</c> -> <c>V4bit</c>.</summary>
    public static string PascalCase(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var part in name.Split('_', '-', '.', ' '))
        {
            if (part.Length == 0) continue;
            builder.Append(char.ToUpperInvariant(part[0])).Append(part.Substring(1));
        }
        if (builder.Length == 0 || char.IsDigit(builder[0])) builder.Insert(0, 'V');
        return builder.ToString();
    }
}
