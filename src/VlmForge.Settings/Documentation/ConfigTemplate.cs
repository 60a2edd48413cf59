using System.Text;
using VlmForge.Abstractions.Settings;
using VlmForge.Settings.Writing;

namespace VlmForge.Settings.Documentation;

/// <summary>The tasks <c>vlmforge init --task</c> writes a starting config for.</summary>
public enum TemplateTask
{
    /// <summary>Phrase grounding with the page's "Start with recommended defaults" block.</summary>
    Grounding,

    /// <summary>Visual question answering: the same defaults with the page's "Factual VQA" generation settings.</summary>
    Vqa,
}

/// <summary>
/// Writes a commented vlmforge.toml with the recommended defaults: every key with a line of documentation and its
/// allowed values, so the file explains itself. It is the resolved configuration of the template settings with the
/// descriptors' documentation woven in, so it always loads without errors.
/// </summary>
public static class ConfigTemplate
{
    /// <summary>The settings the template holds for <paramref name="task"/>.</summary>
    public static WorkflowSettings Settings(TemplateTask task)
    {
        // The page starts at batch size 4 (what fits most GPUs) and aims at an effective batch of 8-16: 4 x 2 = 8 meets
        // both, so the file `init` writes gets no advice from `check` about it.
        var start = WorkflowSettings.Default with { Training = TrainingOptions.Default with { GradientAccumulation = 2 } };
        return task switch
        {
            TemplateTask.Vqa => start with
            {
                Dataset = DatasetOptions.Default with { Task = DatasetTask.Vqa },
                // The page's "Factual VQA" combination: top-k 50, top-p 0.90, temperature 0.7; answers fit in 128-256 tokens.
                Evaluation = EvaluationOptions.Default with { MaxNewTokens = 256, TopP = 0.9, Temperature = 0.7 },
            },
            _ => start,
        };
    }

    /// <summary>The commented config text for <paramref name="task"/>.</summary>
    public static string Write(TemplateTask task)
    {
        var descriptors = WorkflowSettings.Descriptors.ToDictionary(d => d.Path);
        var sections = SettingsCatalog.BuiltIn.ToDictionary(s => s.Path);
        var text = new StringBuilder();
        text.Append($"# VlmForge workflow: {(task == TemplateTask.Vqa ? "visual question answering" : "phrase grounding")}, with the recommended starting defaults.\n");
        text.Append("# Every key, its type, default and allowed values: `vlmforge settings`. Validate with `vlmforge check`.\n");
        text.Append("# Editor completion: save `vlmforge settings --format json-schema` and point Taplo / Even Better TOML at it.\n");

        string section = "";
        foreach (var line in ResolvedConfigWriter.Write(Settings(task)).Split('\n'))
        {
            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
                text.Append('\n');
                if (sections.TryGetValue(section, out var s)) Comment(text, s.Description);
                text.Append(line).Append('\n');
                continue;
            }
            if (line.Length == 0) continue;

            var key = line.StartsWith("# ", StringComparison.Ordinal) ? line[2..line.IndexOf(':', StringComparison.Ordinal)] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            if (descriptors.TryGetValue($"{section}.{key}", out var descriptor))
            {
                Comment(text, FirstSentence(descriptor.Documentation) + Allowed(descriptor));
            }
            text.Append(line.StartsWith("# ", StringComparison.Ordinal) ? $"# {key} = \"...\"    # optional, not set\n" : line + "\n");
        }
        return text.ToString();
    }

    private static string Allowed(SettingDescriptor d)
    {
        if (d.AllowedValues.Count > 0) return $" One of: {string.Join(", ", d.AllowedValues.Select(TomlFormat.String))}.";
        if (d.BuiltInPlugins.Count > 0) return $" Built-in: {string.Join(", ", d.BuiltInPlugins.Select(TomlFormat.String))}.";
        if (d.Range is not null) return $" Range: {d.Range}{(d.Type == "list" ? " per item" : "")}.";
        return "";
    }

    private static string FirstSentence(string doc)
    {
        var flat = SettingsTextRenderer.OneLine(doc);
        var end = flat.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? flat : flat[..(end + 1)];
    }

    private static void Comment(StringBuilder text, string comment)
    {
        // Wrap at ~110 columns so the file reads well in any editor.
        var line = new StringBuilder("#");
        foreach (var word in SettingsTextRenderer.OneLine(comment).Split(' '))
        {
            if (line.Length + word.Length + 1 > 110)
            {
                text.Append(line).Append('\n');
                line.Clear().Append('#');
            }
            line.Append(' ').Append(word);
        }
        text.Append(line).Append('\n');
    }
}
