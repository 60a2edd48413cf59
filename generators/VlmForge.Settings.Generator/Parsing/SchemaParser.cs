using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Tomlyn.Parsing;
using VlmForge.Settings.Generator.Diagnostics;
using VlmForge.Settings.Generator.Model;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>
/// Reads one <c>*.settings.toml</c> schema into a <see cref="SectionModel"/>, reporting every mistake with its
/// location. The schema format:
/// <code>
/// [schema]
/// section = "training"              # the vlmforge.toml table (plugins use "plugins.&lt;name&gt;")
/// type = "TrainingOptions"          # optional; default PascalCase(last segment) + "Options"
/// namespace = "VlmForge.Settings"   # optional; default the project's RootNamespace
/// doc = "..."
///
/// [settings.epochs]                 # one table per setting, in the order users read them
/// type = "int"                      # bool, int, float, string, path, enum, list, plugin
/// default = 100
/// range = "[1, 100000]"             # [a, b] (a, b] [a, b) (a, b) >= a > a &lt;= b &lt; b
/// doc = "..."
///
/// [[rules]]                         # when every `when` holds, `require` must hold
/// when = { training_mode = "full" }
/// require = { quantization = ["none"] }
/// message = "why, and what to do"
/// </code>
/// </summary>
internal static class SchemaParser
{
    /// <summary>Namespace used when neither the schema nor the project names one.</summary>
    public const string FallbackNamespace = "VlmForge.Settings.Generated";

    private static readonly string[] SettingTypes = { "bool", "int", "float", "string", "path", "enum", "list", "plugin" };
    private static readonly string[] PluginKinds = { "optimizer", "quantizer", "precision", "sampler" };
    private static readonly string[] ItemTypes = { "string", "int", "float" };

    public static SchemaParseResult Parse(SchemaFile file, string? rootNamespace, CancellationToken cancellationToken)
    {
        var context = new ParseContext(file.Path);
        var document = SyntaxParser.Parse(file.Text, file.Path, validate: true);
        if (document.HasErrors)
        {
            foreach (var message in document.Diagnostics)
            {
                if (message.Kind == Tomlyn.Syntax.DiagnosticMessageKind.Error)
                    context.Report(SchemaDiagnostics.InvalidToml, TextLocation.Of(message.Span), message.Message);
            }
            return new SchemaParseResult(null, context.Diagnostics);
        }
        cancellationToken.ThrowIfCancellationRequested();

        var root = TomlTreeBuilder.Build(document);
        context.CheckKeys(root, "schema", "settings", "rules");

        var header = context.Table(root, "schema");
        if (header is null)
        {
            context.Report(SchemaDiagnostics.MissingSchemaSection, default, ".");
            return new SchemaParseResult(null, context.Diagnostics);
        }
        context.CheckKeys(header, "section", "type", "namespace", "doc");

        var section = context.String(header, "section");
        if (section is null)
        {
            context.Report(SchemaDiagnostics.MissingSchemaSection, header.Location, "; [schema] has no section key.");
            return new SchemaParseResult(null, context.Diagnostics);
        }
        var sectionPath = (string)section.Value;
        if (!Naming.IsSectionPath(sectionPath))
            context.Report(SchemaDiagnostics.InvalidName, section.Location, sectionPath, "a section path", "use lower-case snake_case segments separated by dots, for example \"plugins.lion\"");

        var lastSegment = sectionPath.Split('.').Last();
        var typeName = context.String(header, "type") is { } t ? (string)t.Value : Naming.PascalCase(lastSegment) + "Options";
        if (!Naming.IsIdentifier(typeName))
            context.Report(SchemaDiagnostics.InvalidName, header.TryGet("type", out var te) ? te.Value.Location : section.Location, typeName, "a C# type name", "use letters, digits and '_'");

        var ns = context.String(header, "namespace") is { } n ? (string)n.Value : string.IsNullOrWhiteSpace(rootNamespace) ? FallbackNamespace : rootNamespace!;
        if (!Naming.IsNamespace(ns))
            context.Report(SchemaDiagnostics.InvalidName, header.TryGet("namespace", out var ne) ? ne.Value.Location : section.Location, ns, "a namespace", "use dotted C# identifiers");

        var doc = context.String(header, "doc") is { } d ? Doc((string)d.Value) : $"The [{sectionPath}] table of vlmforge.toml.";

        var settings = new List<SettingModel>();
        var enums = new List<EnumModel>();
        var settingTables = context.Table(root, "settings");
        if (settingTables is not null)
        {
            foreach (var entry in settingTables.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (entry.Value is not TomlTableNode table)
                {
                    context.Report(SchemaDiagnostics.WrongValueType, entry.Value.Location, $"settings.{entry.Key}", "a table ([settings." + entry.Key + "])", entry.Value.Describe());
                    continue;
                }
                var setting = SettingParser.Parse(context, entry, table, lastSegment, enums);
                if (setting is not null) settings.Add(setting);
            }
        }

        var names = new HashSet<string>();
        foreach (var setting in settings)
        {
            if (!names.Add(setting.PropertyName) || setting.PropertyName == typeName)
                context.Report(SchemaDiagnostics.InvalidName, settingTables!.TryGet(setting.Key, out var e) ? e.KeyLocation : default,
                    setting.Key, "a setting key", $"its property name {setting.PropertyName} is already taken");
        }

        var rules = RuleParser.Parse(context, root, settings, enums);

        if (context.HasErrors) return new SchemaParseResult(null, context.Diagnostics);
        var model = new SectionModel(ns, typeName, sectionPath, doc, System.IO.Path.GetFileName(file.Path),
            settings.ToEquatableArray(), enums.ToEquatableArray(), rules.ToEquatableArray());
        return new SchemaParseResult(model, context.Diagnostics);
    }

    /// <summary>Trims a doc string and its lines (schemas use multi-line strings).</summary>
    public static string Doc(string text) =>
        string.Join("\n", text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd())).Trim();

    internal static IReadOnlyList<string> Types => SettingTypes;

    internal static IReadOnlyList<string> Kinds => PluginKinds;

    internal static IReadOnlyList<string> Items => ItemTypes;
}
