using System.Collections.Generic;
using System.Linq;
using VlmForge.Settings.Generator.Diagnostics;
using VlmForge.Settings.Generator.Model;

namespace VlmForge.Settings.Generator.Parsing;

/// <summary>
/// Reads <c>[[rules]]</c>: <c>when = { key = value, ... }</c>, <c>require = { key = [values] }</c> or, for an int or
/// float setting, <c>require = { key = "&gt; 0" }</c> (a range in the notation of <c>range</c>), and <c>message</c>.
/// Conditions compare bool, int, string, path, enum and plugin settings that have a default. A rule the defaults
/// themselves break is a schema error.
/// </summary>
internal static class RuleParser
{
    public static List<RuleModel> Parse(ParseContext context, TomlTableNode root, List<SettingModel> settings, List<EnumModel> enums)
    {
        var rules = new List<RuleModel>();
        if (!root.TryGet("rules", out var entry)) return rules;
        if (entry.Value is not TomlList list || list.Items.Any(i => i is not TomlTableNode))
        {
            context.Report(SchemaDiagnostics.WrongValueType, entry.Value.Location, "rules", "an array of tables ([[rules]])", entry.Value.Describe());
            return rules;
        }

        int number = 0;
        foreach (TomlTableNode rule in list.Items)
        {
            number++;
            context.CheckKeys(rule, "when", "require", "message");
            var when = context.Table(rule, "when");
            var require = context.Table(rule, "require");
            var message = context.String(rule, "message");
            if (when is null || require is null || message is null || when.Entries.Count == 0 || require.Entries.Count == 0)
            {
                context.Report(SchemaDiagnostics.InvalidRule, rule.Location, number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "a rule needs when = { key = value }, require = { key = [allowed values] } and message = \"...\"");
                continue;
            }

            var conditions = new List<ConditionModel>();
            bool ok = true;
            foreach (var condition in when.Entries)
            {
                var parsed = Condition(context, number, condition, settings, enums, requireList: false);
                if (parsed is null) ok = false;
                else conditions.Add(parsed);
            }
            var requirements = new List<ConditionModel>();
            foreach (var requirement in require.Entries)
            {
                var parsed = Condition(context, number, requirement, settings, enums, requireList: true);
                if (parsed is null) ok = false;
                else requirements.Add(parsed);
            }
            if (!ok) continue;

            var text = SchemaParser.Doc((string)message.Value);
            foreach (var requirement in requirements)
            {
                var model = new RuleModel(conditions.ToEquatableArray(), requirement, text);
                if (BrokenByDefaults(model, settings))
                {
                    context.Report(SchemaDiagnostics.InvalidRule, rule.Location, number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "the settings' own defaults break it; change a default or the rule");
                    continue;
                }
                rules.Add(model);
            }
        }
        return rules;
    }

    private static ConditionModel? Condition(ParseContext context, int number, TomlEntry entry, List<SettingModel> settings, List<EnumModel> enums, bool requireList)
    {
        var ruleId = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var setting = settings.FirstOrDefault(s => s.Key == entry.Key);
        if (setting is null)
        {
            var suggestion = ParseContext.Suggest(entry.Key, settings.Select(s => s.Key));
            context.Report(SchemaDiagnostics.InvalidRule, entry.KeyLocation, ruleId,
                $"'{entry.Key}' is not a setting of this schema{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")}");
            return null;
        }
        if (requireList && !setting.IsOptional && setting.Kind is SettingKind.Int or SettingKind.Float
            && entry.Value is TomlScalar { Value: string rangeText })
        {
            var range = RangeParser.ParseText(rangeText, setting.Kind == SettingKind.Int, out var rangeError);
            if (range is null)
            {
                context.Report(SchemaDiagnostics.InvalidRule, entry.Value.Location, ruleId, $"require.{entry.Key} = \"{rangeText}\" is not a range: {rangeError}");
                return null;
            }
            return new ConditionModel(setting.Key, setting.PropertyName, setting.Kind, null, EquatableArray<ValueModel>.Empty, range.Model);
        }
        if (setting.Kind is SettingKind.Float or SettingKind.List || setting.IsOptional)
        {
            context.Report(SchemaDiagnostics.InvalidRule, entry.KeyLocation, ruleId,
                $"'{entry.Key}' cannot be used in a rule this way; conditions compare bool, int, string, path, enum and plugin settings that have a default, " +
                "and a required int or float may be given a range such as \"> 0\"");
            return null;
        }

        var nodes = new List<TomlNode>();
        if (requireList)
        {
            if (entry.Value is not TomlList list || list.Items.Count == 0)
            {
                context.Report(SchemaDiagnostics.InvalidRule, entry.Value.Location, ruleId, $"require.{entry.Key} must be a non-empty array of allowed values");
                return null;
            }
            nodes.AddRange(list.Items);
        }
        else
        {
            nodes.Add(entry.Value);
        }

        var values = new List<ValueModel>();
        foreach (var node in nodes)
        {
            var value = Value(setting, node, enums);
            if (value is null)
            {
                context.Report(SchemaDiagnostics.InvalidRule, node.Location, ruleId,
                    $"{(node as TomlScalar)?.Text ?? node.Describe()} is not a value '{setting.Key}' can have");
                return null;
            }
            values.Add(value);
        }
        return new ConditionModel(setting.Key, setting.PropertyName, setting.Kind, setting.EnumTypeName, values.ToEquatableArray());
    }

    private static ValueModel? Value(SettingModel setting, TomlNode node, List<EnumModel> enums)
    {
        if (node is not TomlScalar scalar) return null;
        switch (setting.Kind)
        {
            case SettingKind.Bool when scalar.Value is bool b:
                return new ValueModel(b ? "true" : "false", b ? "true" : "false");
            case SettingKind.Int when scalar.Value is long l && l >= int.MinValue && l <= int.MaxValue:
                return new ValueModel(Literals.Integer(l), Literals.Integer(l));
            case SettingKind.String or SettingKind.Path or SettingKind.Plugin when scalar.Value is string s:
                return new ValueModel(Literals.TomlString(s), Literals.CSharpString(s));
            case SettingKind.Enum when scalar.Value is string name:
                var member = enums.First(e => e.TypeName == setting.EnumTypeName).Members.FirstOrDefault(m => m.TomlName == name);
                return member is null ? null : new ValueModel(Literals.TomlString(name), setting.EnumTypeName + "." + member.MemberName);
            default:
                return null;
        }
    }

    private static bool BrokenByDefaults(RuleModel rule, List<SettingModel> settings)
    {
        string Default(string key) => settings.First(s => s.Key == key).DefaultToml!;
        if (!rule.When.All(c => c.Values[0].Toml == Default(c.Key))) return false;
        if (rule.Require.Range is { } range)
        {
            var parsed = RangeParser.ParseText(range.Text, integral: false, out _)!;
            return !parsed.Contains(double.Parse(Default(rule.Require.Key), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture));
        }
        return rule.Require.Values.All(v => v.Toml != Default(rule.Require.Key));
    }
}
