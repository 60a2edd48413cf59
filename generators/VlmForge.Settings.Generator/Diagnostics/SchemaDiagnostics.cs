using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using VlmForge.Settings.Generator.Model;

namespace VlmForge.Settings.Generator.Diagnostics;

/// <summary>
/// Every mistake a settings schema can have, with a stable id. They are reported at build time, located in the
/// schema file, so editors jump to the offending line.
/// </summary>
internal static class SchemaDiagnostics
{
    private const string Category = "VlmForge.Settings";

    public static readonly DiagnosticDescriptor InvalidToml = Error("VLMF0001", "Schema is not valid TOML",
        "The settings schema is not valid TOML: {0}");

    public static readonly DiagnosticDescriptor MissingSchemaSection = Error("VLMF0002", "Schema has no [schema] section",
        "The settings schema needs a [schema] table with section = \"<table path>\" (for example section = \"training\" or section = \"plugins.lion\"){0}");

    public static readonly DiagnosticDescriptor UnknownSchemaKey = Error("VLMF0003", "Unknown key in a schema",
        "'{0}' is not a schema key here; allowed: {1}.{2}");

    public static readonly DiagnosticDescriptor UnknownType = Error("VLMF0004", "Unknown setting type",
        "Setting '{0}' has type \"{1}\", which is not a setting type; use one of bool, int, float, string, path, enum, list, plugin.{2}");

    public static readonly DiagnosticDescriptor WrongValueType = Error("VLMF0005", "Schema value has the wrong type",
        "'{0}' must be {1}, found {2}");

    public static readonly DiagnosticDescriptor InvalidRange = Error("VLMF0006", "Invalid range",
        "Setting '{0}' has range \"{1}\": {2}");

    public static readonly DiagnosticDescriptor InvalidDefault = Error("VLMF0007", "Default does not fit the setting",
        "The default of setting '{0}' is {1}: {2}");

    public static readonly DiagnosticDescriptor InvalidEnum = Error("VLMF0008", "Invalid enum values",
        "Setting '{0}': {1}");

    public static readonly DiagnosticDescriptor InvalidName = Error("VLMF0009", "Invalid name",
        "'{0}' cannot be used as {1}: {2}");

    public static readonly DiagnosticDescriptor InvalidRule = Error("VLMF0010", "Invalid rule",
        "Rule {0}: {1}");

    public static readonly DiagnosticDescriptor MissingDocumentation = new(
        "VLMF0011", "Setting has no documentation",
        "Setting '{0}' has no doc; users read it in `vlmforge settings`, the JSON schema and XML docs",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MissingDefault = Error("VLMF0012", "Setting needs a default",
        "Setting '{0}' of type {1} needs a default (only string, path, int and float settings may be left unset)");

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = new[]
    {
        InvalidToml, MissingSchemaSection, UnknownSchemaKey, UnknownType, WrongValueType, InvalidRange,
        InvalidDefault, InvalidEnum, InvalidName, InvalidRule, MissingDocumentation, MissingDefault,
    }.ToDictionary(d => d.Id);

    /// <summary>Turns the plain record back into a Roslyn diagnostic located in the schema file.</summary>
    public static Diagnostic ToDiagnostic(DiagnosticInfo info)
    {
        var location = Location.Create(
            info.FilePath,
            new TextSpan(info.Offset, info.Length),
            new LinePositionSpan(new LinePosition(info.StartLine, info.StartColumn), new LinePosition(info.EndLine, info.EndColumn)));
        return Diagnostic.Create(ById[info.Id], location, info.Arguments.Cast<object>().ToArray());
    }

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
