namespace VlmForge.Abstractions.Settings;

/// <summary>
/// Stable ids of the problems a config file can have. <c>VLMF00xx</c> are mistakes in a settings schema (reported
/// by the generator at build time), <c>VLMF01xx</c> mistakes in a config file, <c>VLMA####</c> advice.
/// </summary>
public static class ConfigErrorCodes
{
    /// <summary>The file is not valid TOML.</summary>
    public const string SyntaxError = "VLMF0100";

    /// <summary>A key or table is defined twice.</summary>
    public const string DuplicateKey = "VLMF0101";

    /// <summary>A key the section does not have.</summary>
    public const string UnknownKey = "VLMF0102";

    /// <summary>A table no schema describes.</summary>
    public const string UnknownSection = "VLMF0103";

    /// <summary>A value of the wrong TOML type.</summary>
    public const string WrongType = "VLMF0104";

    /// <summary>A number outside its allowed range.</summary>
    public const string OutOfRange = "VLMF0105";

    /// <summary>A name that is not one of an enum's values.</summary>
    public const string UnknownEnumValue = "VLMF0106";

    /// <summary>A list with too few or too many items.</summary>
    public const string WrongLength = "VLMF0107";

    /// <summary>Two settings that cannot go together (a rule of the schema).</summary>
    public const string RuleViolation = "VLMF0108";

    /// <summary>A plugin name that is not installed (warning without a plugin catalog, error with one).</summary>
    public const string UnknownPlugin = "VLMF0109";

    /// <summary>A string that may not be empty, or a plugin name that is not lower-case.</summary>
    public const string InvalidValue = "VLMF0110";

    /// <summary>The config file cannot be read.</summary>
    public const string FileNotFound = "VLMF0111";

    /// <summary>
    /// A plugin problem found while the workflow loads: two installed plugins share a name, a plugin failed while
    /// reading its table, or a table configures a plugin the workflow does not select (a warning).
    /// </summary>
    public const string PluginProblem = "VLMF0112";
}
