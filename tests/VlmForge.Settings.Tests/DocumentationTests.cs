using System.Text.Json;
using Snapshooter.Xunit;
using VlmForge.Settings.Documentation;

namespace VlmForge.Settings.Tests;

public class DocumentationTests
{
    [Fact]
    public void The_json_schema_is_draft_07_with_descriptions_enums_defaults_and_ranges()
    {
        using var schema = JsonDocument.Parse(SettingsJsonSchema.Write(SettingsCatalog.BuiltIn));
        var root = schema.RootElement;

        Assert.Equal("http://json-schema.org/draft-07/schema#", root.GetProperty("$schema").GetString());
        Assert.False(root.GetProperty("additionalProperties").GetBoolean());
        var training = root.GetProperty("properties").GetProperty("training");
        Assert.False(training.GetProperty("additionalProperties").GetBoolean());

        var rate = training.GetProperty("properties").GetProperty("learning_rate");
        Assert.Equal("number", rate.GetProperty("type").GetString());
        Assert.Equal(0, rate.GetProperty("exclusiveMinimum").GetDouble());
        Assert.Equal(1, rate.GetProperty("maximum").GetDouble());
        Assert.Equal(0.0001, rate.GetProperty("default").GetDouble());
        Assert.StartsWith("How much parameters change each step", rate.GetProperty("description").GetString(), StringComparison.Ordinal);

        var schedule = training.GetProperty("properties").GetProperty("lr_schedule");
        Assert.Equal(["constant", "linear", "cosine"], schedule.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));

        var epochs = training.GetProperty("properties").GetProperty("epochs");
        Assert.Equal(("integer", 1, 100000, 100), (epochs.GetProperty("type").GetString(), epochs.GetProperty("minimum").GetInt32(), epochs.GetProperty("maximum").GetInt32(), epochs.GetProperty("default").GetInt32()));

        var decay = training.GetProperty("properties").GetProperty("weight_decay");
        Assert.Equal((0.0, 1.0, 0.01), (decay.GetProperty("minimum").GetDouble(), decay.GetProperty("maximum").GetDouble(), decay.GetProperty("default").GetDouble()));
        var targets = root.GetProperty("properties").GetProperty("model").GetProperty("properties").GetProperty("lora_target_modules");
        Assert.Equal(1, targets.GetProperty("minItems").GetInt32());
        Assert.Equal(["q_proj", "k_proj", "v_proj", "o_proj"], targets.GetProperty("default").EnumerateArray().Select(e => e.GetString()));

        var optimizer = training.GetProperty("properties").GetProperty("optimizer");
        Assert.Equal(["adamw", "adam"], optimizer.GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()));

        Assert.Equal("object", root.GetProperty("properties").GetProperty("plugins").GetProperty("additionalProperties").GetProperty("type").GetString());
    }

    [Fact]
    public void The_json_schema_snapshot()
    {
        Snapshot.Match(SettingsJsonSchema.Write(SettingsCatalog.BuiltIn).Split('\n'));
    }

    [Fact]
    public void The_markdown_reference_has_a_table_row_per_setting()
    {
        var markdown = SettingsMarkdownRenderer.Render(SettingsCatalog.BuiltIn);

        Assert.Equal(WorkflowSettings.Descriptors.Count, markdown.Split('\n').Count(l => l.StartsWith("| `", StringComparison.Ordinal)));
        Assert.Contains("| `learning_rate` | float | `1e-4` | (0, 1] |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `quantization` | plugin(quantizer) | `\"nf4\"` | built-in: `none`, `nf4`, `fp4`, or an installed plugin |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_text_listing_shows_type_default_range_and_doc()
    {
        var text = SettingsTextRenderer.Render(SettingsCatalog.BuiltIn);

        Assert.Contains("  top_p  float  default 0.95  range (0, 1]\n", text, StringComparison.Ordinal);
        Assert.Contains("  lr_schedule  enum  default \"constant\"  one of constant, linear, cosine\n", text, StringComparison.Ordinal);
        Assert.Contains("  path  path  default (not set)\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TemplateTask.Grounding)]
    [InlineData(TemplateTask.Vqa)]
    public void The_init_template_loads_without_errors_and_names_every_setting(TemplateTask task)
    {
        var text = ConfigTemplate.Write(task);
        var result = TestConfig.Load(text);

        Assert.Empty(result.Errors);
        Assert.Equal(ConfigTemplate.Settings(task).Training, result.Settings!.Training);
        Assert.Equal(ConfigTemplate.Settings(task).Evaluation, result.Settings.Evaluation);
        foreach (var d in WorkflowSettings.Descriptors)
            Assert.Contains($"\n{(d.Default is null ? "# " : "")}{d.Key} = ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_vqa_template_uses_the_pages_factual_vqa_generation_settings()
    {
        var settings = TestConfig.Load(ConfigTemplate.Write(TemplateTask.Vqa)).Settings!;

        Assert.Equal(DatasetTask.Vqa, settings.Dataset.Task);
        Assert.Equal((256, 50, 0.9, 0.7), (settings.Evaluation.MaxNewTokens, settings.Evaluation.TopK, settings.Evaluation.TopP, settings.Evaluation.Temperature));
    }

    [Fact]
    public void The_grounding_template_snapshot()
    {
        Snapshot.Match(ConfigTemplate.Write(TemplateTask.Grounding).Split('\n'));
    }
}
