using System.Collections.Generic;
using System.Linq;
using VlmForge.Settings.Generator.Diagnostics;
using VlmForge.Settings.Generator.Model;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>Reads one <c>[settings.&lt;key&gt;]</c> table: type, default, range, enum values, plugin kind, list shape.</summary>
internal static class SettingParser
{
    public static SettingModel? Parse(ParseContext context, TomlEntry entry, TomlTableNode table, string sectionName, List<EnumModel> enums)
    {
        var key = entry.Key;
        if (!Naming.IsSnakeCase(key))
        {
            context.Report(SchemaDiagnostics.InvalidName, entry.KeyLocation, key, "a setting key", "use lower-case snake_case (letters, digits and '_', starting with a letter)");
            return null;
        }
        var propertyName = Naming.PascalCase(key);
        if (Naming.ReservedMembers.Contains(propertyName))
        {
            context.Report(SchemaDiagnostics.InvalidName, entry.KeyLocation, key, "a setting key", $"every option type already has a member named {propertyName}");
            return null;
        }

        var typeNode = context.String(table, "type");
        if (typeNode is null)
        {
            context.Report(SchemaDiagnostics.UnknownType, table.TryGet("type", out var bad) ? bad.Value.Location : entry.KeyLocation, key, "", " Add type = \"...\".");
            return null;
        }
        var type = (string)typeNode.Value;
        if (!SchemaParser.Types.Contains(type))
        {
            var suggestion = ParseContext.Suggest(type, SchemaParser.Types);
            context.Report(SchemaDiagnostics.UnknownType, typeNode.Location, key, type, suggestion is null ? "" : $" Did you mean '{suggestion}'?");
            return null;
        }

        var kind = type switch
        {
            "bool" => SettingKind.Bool,
            "int" => SettingKind.Int,
            "float" => SettingKind.Float,
            "string" => SettingKind.String,
            "path" => SettingKind.Path,
            "enum" => SettingKind.Enum,
            "list" => SettingKind.List,
            _ => SettingKind.Plugin,
        };

        var allowedKeys = new List<string> { "type", "doc", "default" };
        switch (kind)
        {
            case SettingKind.Int:
            case SettingKind.Float:
                allowedKeys.Add("range");
                break;
            case SettingKind.Enum:
                allowedKeys.AddRange(new[] { "values", "value_docs", "enum" });
                break;
            case SettingKind.Plugin:
                allowedKeys.AddRange(new[] { "kind", "builtins" });
                break;
            case SettingKind.List:
                allowedKeys.AddRange(new[] { "items", "range", "length", "min_length", "max_length" });
                break;
        }
        context.CheckKeys(table, allowedKeys.ToArray());

        var doc = context.String(table, "doc") is { } d ? SchemaParser.Doc((string)d.Value) : "";
        if (doc.Length == 0) context.Report(SchemaDiagnostics.MissingDocumentation, entry.KeyLocation, key);

        table.TryGet("default", out var defaultEntry);
        var defaultNode = defaultEntry?.Value;

        switch (kind)
        {
            case SettingKind.Bool:
                return Bool(context, key, propertyName, doc, defaultNode, entry);
            case SettingKind.Int:
            case SettingKind.Float:
                return Number(context, key, propertyName, kind, doc, defaultNode, table);
            case SettingKind.String:
            case SettingKind.Path:
                return Text(context, key, propertyName, kind, doc, defaultNode);
            case SettingKind.Enum:
                return Enum(context, key, propertyName, doc, defaultNode, table, entry, sectionName, enums);
            case SettingKind.Plugin:
                return Plugin(context, key, propertyName, doc, defaultNode, table, entry);
            default:
                return List(context, key, propertyName, doc, defaultNode, table, entry);
        }
    }

    private static SettingModel? Bool(ParseContext context, string key, string property, string doc, TomlNode? value, TomlEntry entry)
    {
        if (value is null)
        {
            context.Report(SchemaDiagnostics.MissingDefault, entry.KeyLocation, key, "bool");
            return null;
        }
        if (value is not TomlScalar { Value: bool b })
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, value.Describe(), "a bool setting needs true or false");
            return null;
        }
        var text = b ? "true" : "false";
        return new SettingModel(key, property, SettingKind.Bool, doc, text, text, null, null, null, default, null, null, null);
    }

    private static SettingModel? Number(ParseContext context, string key, string property, SettingKind kind, string doc, TomlNode? value, TomlTableNode table)
    {
        var range = RangeParser.Parse(context, key, table, integral: kind == SettingKind.Int);
        if (value is null)
            return new SettingModel(key, property, kind, doc, null, null, range?.Model, null, null, default, null, null, null);

        if (!TryNumber(context, key, kind, value, range, out var toml)) return null;
        var csharp = kind == SettingKind.Float ? Literals.CSharpDouble(toml) : toml;
        return new SettingModel(key, property, kind, doc, toml, csharp, range?.Model, null, null, default, null, null, null);
    }

    /// <summary>Checks a number (a default or a list item) against the type and range; gives its TOML text.</summary>
    private static bool TryNumber(ParseContext context, string key, SettingKind kind, TomlNode value, ParsedRange? range, out string toml)
    {
        toml = "";
        double number;
        if (kind == SettingKind.Int)
        {
            if (value is not TomlScalar { Value: long l } || l < int.MinValue || l > int.MaxValue)
            {
                context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, value.Describe(), "an int setting needs a 32-bit integer");
                return false;
            }
            number = l;
            toml = Literals.Integer(l);
        }
        else
        {
            switch (value)
            {
                case TomlScalar { Value: double f } scalar when !double.IsNaN(f) && !double.IsInfinity(f):
                    number = f;
                    toml = Literals.Float(f, scalar.Text);
                    break;
                case TomlScalar { Value: long l }:
                    number = l;
                    toml = Literals.Float(l, null);
                    break;
                default:
                    context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, value.Describe(), "a float setting needs a finite number");
                    return false;
            }
        }
        if (range is not null && !range.Contains(number))
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, toml, $"it lies outside the setting's range {range.Model.Text}");
            return false;
        }
        return true;
    }

    private static SettingModel? Text(ParseContext context, string key, string property, SettingKind kind, string doc, TomlNode? value)
    {
        if (value is null)
            return new SettingModel(key, property, kind, doc, null, null, null, null, null, default, null, null, null);
        if (value is not TomlScalar { Value: string s })
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, value.Describe(), $"a {(kind == SettingKind.Path ? "path" : "string")} setting needs a string");
            return null;
        }
        if (kind == SettingKind.Path && s.Length == 0)
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, "\"\"", "a path cannot be empty; leave the default out to make the setting optional");
            return null;
        }
        return new SettingModel(key, property, kind, doc, Literals.TomlString(s), Literals.CSharpString(s), null, null, null, default, null, null, null);
    }

    private static SettingModel? Enum(ParseContext context, string key, string property, string doc, TomlNode? value,
        TomlTableNode table, TomlEntry entry, string sectionName, List<EnumModel> enums)
    {
        var enumName = context.String(table, "enum") is { } e ? (string)e.Value : Naming.PascalCase(sectionName) + property;
        if (!Naming.IsIdentifier(enumName))
        {
            context.Report(SchemaDiagnostics.InvalidName, table.TryGet("enum", out var en) ? en.Value.Location : entry.KeyLocation, enumName, "an enum type name", "use letters, digits and '_'");
            return null;
        }
        if (enums.Any(x => x.TypeName == enumName))
        {
            context.Report(SchemaDiagnostics.InvalidEnum, entry.KeyLocation, key, $"the enum type {enumName} is already declared by another setting of this schema; give this one its own name with enum = \"...\"");
            return null;
        }

        var values = context.Strings(table, "values");
        if (values is null || values.Count == 0)
        {
            context.Report(SchemaDiagnostics.InvalidEnum, table.TryGet("values", out var ve) ? ve.Value.Location : entry.KeyLocation, key, "an enum needs values = [\"...\", ...] with at least one name");
            return null;
        }

        var valueDocs = context.Table(table, "value_docs");
        var members = new List<EnumMemberModel>();
        bool ok = true;
        foreach (var item in values)
        {
            var name = (string)item.Value;
            if (!Naming.IsTomlName(name))
            {
                context.Report(SchemaDiagnostics.InvalidEnum, item.Location, key, $"\"{name}\" is not a valid value name; use lower-case letters, digits, '_', '-' and '.'");
                ok = false;
                continue;
            }
            var member = Naming.PascalCase(name);
            if (members.Any(m => m.TomlName == name || m.MemberName == member))
            {
                context.Report(SchemaDiagnostics.InvalidEnum, item.Location, key, $"\"{name}\" repeats a value or maps to the same C# member {member} as another value");
                ok = false;
                continue;
            }
            var memberDoc = "";
            if (valueDocs is not null && valueDocs.TryGet(name, out var md))
            {
                if (md.Value is TomlScalar { Value: string mds }) memberDoc = SchemaParser.Doc(mds);
                else context.Report(SchemaDiagnostics.WrongValueType, md.Value.Location, $"value_docs.{name}", "a string", md.Value.Describe());
            }
            members.Add(new EnumMemberModel(name, member, memberDoc));
        }
        if (valueDocs is not null)
        {
            foreach (var docEntry in valueDocs.Entries.Where(x => values.All(v => (string)v.Value != x.Key)))
                context.Report(SchemaDiagnostics.InvalidEnum, docEntry.KeyLocation, key, $"value_docs names \"{docEntry.Key}\", which is not one of the values");
        }
        if (!ok) return null;

        if (value is null)
        {
            context.Report(SchemaDiagnostics.MissingDefault, entry.KeyLocation, key, "enum");
            return null;
        }
        if (value is not TomlScalar { Value: string chosen } || members.All(m => m.TomlName != chosen))
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, value is TomlScalar s ? s.Text : value.Describe(),
                $"it must be one of {string.Join(", ", members.Select(m => Literals.TomlString(m.TomlName)))}");
            return null;
        }

        var defaultMember = members.First(m => m.TomlName == chosen);
        enums.Add(new EnumModel(enumName, doc, members.ToEquatableArray()));
        return new SettingModel(key, property, SettingKind.Enum, doc, Literals.TomlString(chosen), enumName + "." + defaultMember.MemberName,
            null, enumName, null, default, null, null, null);
    }

    private static SettingModel? Plugin(ParseContext context, string key, string property, string doc, TomlNode? value, TomlTableNode table, TomlEntry entry)
    {
        var kindNode = context.String(table, "kind");
        if (kindNode is null || !SchemaParser.Kinds.Contains((string)kindNode.Value))
        {
            var found = kindNode is null ? "nothing" : Literals.TomlString((string)kindNode.Value);
            context.Report(SchemaDiagnostics.WrongValueType, kindNode?.Location ?? entry.KeyLocation, "kind",
                "one of \"optimizer\", \"quantizer\", \"precision\", \"sampler\"", found);
            return null;
        }
        var builtIns = context.Strings(table, "builtins") ?? new List<TomlScalar>();
        foreach (var builtIn in builtIns.Where(b => !Naming.IsTomlName((string)b.Value)))
            context.Report(SchemaDiagnostics.InvalidName, builtIn.Location, (string)builtIn.Value, "a plugin name", "plugin names use lower-case letters, digits, '_', '-' and '.'");

        if (value is null)
        {
            context.Report(SchemaDiagnostics.MissingDefault, entry.KeyLocation, key, "plugin");
            return null;
        }
        if (value is not TomlScalar { Value: string name } || !Naming.IsTomlName(name))
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, value is TomlScalar s ? s.Text : value.Describe(), "it must be a lower-case plugin name");
            return null;
        }
        var kind = Naming.PascalCase((string)kindNode.Value);
        return new SettingModel(key, property, SettingKind.Plugin, doc, Literals.TomlString(name), Literals.CSharpString(name), null, null, kind,
            builtIns.Select(b => (string)b.Value).ToEquatableArray(), null, null, null);
    }

    private static SettingModel? List(ParseContext context, string key, string property, string doc, TomlNode? value, TomlTableNode table, TomlEntry entry)
    {
        var itemsNode = context.String(table, "items");
        if (itemsNode is null || !SchemaParser.Items.Contains((string)itemsNode.Value))
        {
            context.Report(SchemaDiagnostics.WrongValueType, itemsNode?.Location ?? entry.KeyLocation, "items",
                "one of \"string\", \"int\", \"float\"", itemsNode is null ? "nothing" : Literals.TomlString((string)itemsNode.Value));
            return null;
        }
        var itemKind = (string)itemsNode.Value switch { "string" => SettingKind.String, "int" => SettingKind.Int, _ => SettingKind.Float };

        ParsedRange? range = null;
        if (itemKind != SettingKind.String) range = RangeParser.Parse(context, key, table, integral: itemKind == SettingKind.Int);
        else if (table.TryGet("range", out var r)) context.Report(SchemaDiagnostics.InvalidRange, r.Value.Location, key, (r.Value as TomlScalar)?.Text ?? "", "lists of strings have no range");

        int? length = context.Count(table, "length");
        int? min = context.Count(table, "min_length");
        int? max = context.Count(table, "max_length");
        if (length is not null && (min is not null || max is not null))
        {
            context.Report(SchemaDiagnostics.InvalidRange, table.TryGet("length", out var le) ? le.Value.Location : entry.KeyLocation, key, "length", "use either length or min_length/max_length");
            return null;
        }
        if (length is not null) min = max = length;
        if (min is not null && max is not null && min > max)
        {
            context.Report(SchemaDiagnostics.InvalidRange, entry.KeyLocation, key, $"{min}..{max}", "min_length is greater than max_length");
            return null;
        }

        if (value is null)
        {
            context.Report(SchemaDiagnostics.MissingDefault, entry.KeyLocation, key, "list");
            return null;
        }
        if (value is not TomlList list)
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, value.Describe(), "a list setting needs an array");
            return null;
        }

        var tomlItems = new List<string>();
        var csharpItems = new List<string>();
        foreach (var item in list.Items)
        {
            if (itemKind == SettingKind.String)
            {
                if (item is not TomlScalar { Value: string s })
                {
                    context.Report(SchemaDiagnostics.InvalidDefault, item.Location, key, item.Describe(), "every item must be a string");
                    return null;
                }
                tomlItems.Add(Literals.TomlString(s));
                csharpItems.Add(Literals.CSharpString(s));
            }
            else
            {
                if (!TryNumber(context, key, itemKind, item, range, out var toml)) return null;
                tomlItems.Add(toml);
                csharpItems.Add(itemKind == SettingKind.Float ? Literals.CSharpDouble(toml) : toml);
            }
        }
        if ((min is not null && list.Items.Count < min) || (max is not null && list.Items.Count > max))
        {
            context.Report(SchemaDiagnostics.InvalidDefault, value.Location, key, $"an array of {list.Items.Count}", "its length is outside length/min_length/max_length");
            return null;
        }

        var clrItem = itemKind switch { SettingKind.String => "string", SettingKind.Int => "int", _ => "double" };
        var csharp = $"global::VlmForge.Abstractions.Settings.SettingList.Create<{clrItem}>(new {clrItem}[] {{ {string.Join(", ", csharpItems)} }})";
        return new SettingModel(key, property, SettingKind.List, doc, "[" + string.Join(", ", tomlItems) + "]", csharp,
            range?.Model, null, null, default, itemKind, min, max);
    }
}
