using VlmForge.Abstractions.Settings;
using VlmForge.Settings;

namespace VlmForge.Settings.Tests;

public class DefaultsTests
{
    [Fact]
    public void An_empty_file_gives_the_pages_recommended_defaults()
    {
        var settings = TestConfig.Load("").Settings!;

        // "Start with recommended defaults": medium, LoRA, NF4, BFloat16; epochs 100, lr 0.0001, batch 4,
        // accumulation 1, AdamW; max new tokens 512, top-k 50, top-p 0.95, temperature 1.0, repetition penalty 1.05.
        Assert.Equal(ModelSize.Medium, settings.Model.Size);
        Assert.Equal(TrainingMode.Lora, settings.Model.TrainingMode);
        Assert.Equal("nf4", settings.Model.Quantization);
        Assert.Equal("bf16", settings.Model.Precision);
        Assert.Equal(100, settings.Training.Epochs);
        Assert.Equal(0.0001, settings.Training.LearningRate);
        Assert.Equal(4, settings.Training.BatchSize);
        Assert.Equal(1, settings.Training.GradientAccumulation);
        Assert.Equal("adamw", settings.Training.Optimizer);
        Assert.Equal(LrSchedule.Constant, settings.Training.LrSchedule);
        Assert.Equal(512, settings.Evaluation.MaxNewTokens);
        Assert.Equal(50, settings.Evaluation.TopK);
        Assert.Equal(0.95, settings.Evaluation.TopP);
        Assert.Equal(1.0, settings.Evaluation.Temperature);
        Assert.Equal(1.05, settings.Evaluation.RepetitionPenalty);
        Assert.Equal(0.01, settings.Training.WeightDecay);
        Assert.Equal(["q_proj", "k_proj", "v_proj", "o_proj"], settings.Model.LoraTargetModules);
        Assert.Null(settings.Model.Path);
        Assert.Null(settings.Dataset.ValidationPath);
    }

    [Fact]
    public void Binding_an_empty_file_equals_the_generated_defaults_section_by_section()
    {
        var settings = TestConfig.Load("").Settings!;

        Assert.Equal(ModelOptions.Default, settings.Model);
        Assert.Equal(TrainingOptions.Default, settings.Training);
        Assert.Equal(EvaluationOptions.Default, settings.Evaluation);
        Assert.Equal(DatasetOptions.Default, settings.Dataset);
        Assert.Equal(PromptOptions.Default, settings.Prompt);
        Assert.Equal(RunOptions.Default, settings.Run);
    }

    [Fact]
    public void Every_setting_is_documented_and_its_default_fits_its_range()
    {
        // model 12 + training 18 + evaluation 10 + dataset 10 + prompt 3 + run 4
        Assert.Equal(59, WorkflowSettings.Descriptors.Count); // betas and eps moved to [plugins.adamw] and [plugins.adam]; training.group_by_length and training.loss_weighting added
        foreach (var d in WorkflowSettings.Descriptors)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Documentation), d.Path);
            if (d.Bounds is not null && d.Default is not null && d.Type is "int" or "float")
                Assert.True(d.Bounds.Contains(double.Parse(d.Default, System.Globalization.CultureInfo.InvariantCulture)), d.Path);
        }
    }

    [Fact]
    public void Descriptors_carry_the_schema_contract()
    {
        var byPath = WorkflowSettings.Descriptors.ToDictionary(d => d.Path);

        Assert.Equal(("float", "1e-4", "(0, 1]"), (byPath["training.learning_rate"].Type, byPath["training.learning_rate"].Default, byPath["training.learning_rate"].Range));
        Assert.Equal("1e-4", byPath["training.learning_rate"].Default);
        Assert.Equal(["tiny", "small", "medium", "large"], byPath["model.size"].AllowedValues);
        // model.family names a registered family (checked against the engine's registry while loading), not a closed list.
        Assert.Equal("string", byPath["model.family"].Type);
        Assert.Empty(byPath["model.family"].AllowedValues ?? []);
        Assert.Equal(Abstractions.Plugins.PluginKind.Quantizer, byPath["model.quantization"].PluginKind);
        Assert.Equal(["none", "nf4", "fp4"], byPath["model.quantization"].BuiltInPlugins);
        Assert.Equal("list<string>", byPath["model.lora_target_modules"].DisplayType);
        Assert.Equal((1, (int?)null), (byPath["model.lora_target_modules"].MinItems, byPath["model.lora_target_modules"].MaxItems));
        Assert.Equal(new NumericRange(0, false, 1, false), byPath["training.weight_decay"].Bounds);
        Assert.Null(byPath["model.path"].Default);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_config_files_folder()
    {
        var folder = Directory.CreateTempSubdirectory("vlmforge-paths-").FullName;
        var file = Path.Combine(folder, "vlmforge.toml");
        File.WriteAllText(file, "[dataset]\npath = \"data/shapes\"\n");

        var settings = Loading.WorkflowLoader.LoadFile(file).Settings!;

        Assert.Equal(Path.Combine(folder, "data", "shapes"), settings.ResolvePath(settings.Dataset.Path));
    }
}
