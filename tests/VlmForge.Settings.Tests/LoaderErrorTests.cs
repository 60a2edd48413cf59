namespace VlmForge.Settings.Tests;

/// <summary>Every kind of config mistake, each with its exact file:line:col, key path, what was found and what is allowed.</summary>
public class LoaderErrorTests
{
    private static string Single(string toml) => Assert.Single(TestConfig.Load(toml).Errors).ToString();

    [Fact]
    public void A_toml_syntax_error_is_located_at_the_offending_token()
    {
        var errors = TestConfig.Load("[training]\nepochs = = 3\n").Errors.Select(e => e.ToString()).ToList();

        Assert.Equal(
        [
            "vlmforge.toml:2:10: error VLMF0100: (syntax): Unexpected token `=` for a value. The file is not valid TOML here.",
            "vlmforge.toml:2:12: error VLMF0100: (syntax): Unexpected token found `3` (token: `integer`) while expecting token `newline`. The file is not valid TOML here.",
        ], errors);
    }

    [Fact]
    public void A_duplicate_key_names_both_places()
    {
        var error = Single("[training]\nepochs = 3\nepochs = 4\n");

        Assert.Equal("vlmforge.toml:3:1: error VLMF0101: training.epochs: 'training.epochs' is already defined at vlmforge.toml:2:1; TOML does not allow a second value here. Remove one of the two.", error);
    }

    [Fact]
    public void A_duplicate_table_names_both_headers()
    {
        var error = Single("[training]\nepochs = 3\n\n[training]\nseed = 1\n");

        Assert.Equal("vlmforge.toml:4:2: error VLMF0101: training: 'training' is already defined at vlmforge.toml:1:2; TOML does not allow a second [training] table here. Remove one of the two.", error);
    }

    [Fact]
    public void A_dotted_key_that_repeats_a_table_key_is_a_duplicate()
    {
        var error = Single("training.epochs = 3\n[training]\nepochs = 4\n");

        Assert.StartsWith("vlmforge.toml:2:2: error VLMF0101: training: 'training' is already defined at vlmforge.toml:1:1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_suggests_the_closest_setting()
    {
        var error = Single("[training]\nlearning_rat = 0.0001\n");

        Assert.Equal("vlmforge.toml:2:1: error VLMF0102: training.learning_rat: [training] has no setting 'learning_rat'. Did you mean 'learning_rate'?", error);
    }

    [Fact]
    public void An_unknown_key_without_a_close_match_lists_the_known_keys()
    {
        var error = Single("[prompt]\ncolour = \"red\"\n");

        Assert.Equal("vlmforge.toml:2:1: error VLMF0102: prompt.colour: [prompt] has no setting 'colour'. Known keys: system, grounding_instruction, caption_instruction.", error);
    }

    [Fact]
    public void An_unknown_section_suggests_the_closest_section()
    {
        var error = Single("[trainig]\nepochs = 3\n");

        Assert.Equal("vlmforge.toml:1:2: error VLMF0103: trainig: there is no [trainig] section. Did you mean [training]? Sections: [model], [training], [evaluation], [dataset], [prompt], [run], [plugins].", error);
    }

    [Fact]
    public void A_setting_written_above_every_section_says_where_it_belongs()
    {
        var error = Single("epochs = 3\n[model]\nsize = \"small\"\n");

        Assert.Equal("vlmforge.toml:1:1: error VLMF0102: epochs: 'epochs' is written outside every section; it is a setting of [training]: move it below the [training] header.", error);
    }

    [Fact]
    public void A_wrong_type_says_what_was_expected_and_found()
    {
        Assert.Equal("vlmforge.toml:2:10: error VLMF0104: training.epochs: expected an integer, found string \"100\". Write the number without quotes.",
            Single("[training]\nepochs = \"100\"\n"));
        Assert.Equal("vlmforge.toml:2:10: error VLMF0104: training.epochs: expected an integer, found float 10.0. Write 10 without a decimal point.",
            Single("[training]\nepochs = 10.0\n"));
        Assert.Equal("vlmforge.toml:2:13: error VLMF0104: evaluation.do_sample: expected a boolean (true or false), found string \"yes\".",
            Single("[evaluation]\ndo_sample = \"yes\"\n"));
    }

    [Fact]
    public void An_integer_is_accepted_where_a_float_is_expected()
    {
        var result = TestConfig.Load("[model]\nlora_alpha = 16\n");

        Assert.Empty(result.Errors);
        Assert.Equal(16.0, result.Settings!.Model.LoraAlpha);
    }

    [Fact]
    public void Out_of_range_numbers_show_the_range()
    {
        Assert.Equal("vlmforge.toml:2:10: error VLMF0105: training.epochs: found 0; the value must be between 1 and 100000 ([1, 100000]).",
            Single("[training]\nepochs = 0\n"));
        Assert.Equal("vlmforge.toml:2:9: error VLMF0105: evaluation.top_p: found 0.0; the value must be between 0 (exclusive) and 1 ((0, 1]).",
            Single("[evaluation]\ntop_p = 0.0\n"));
        Assert.Equal("vlmforge.toml:2:22: error VLMF0105: evaluation.repetition_penalty: found 0.9; the value must be between 1 and 10 ([1, 10]).",
            Single("[evaluation]\nrepetition_penalty = 0.9\n"));
        Assert.Equal("vlmforge.toml:2:15: error VLMF0105: evaluation.temperature: found 0; the value must be between 0 (exclusive) and 100 ((0, 100]).",
            Single("[evaluation]\ntemperature = 0\n"));
    }

    [Fact]
    public void An_unknown_enum_value_lists_the_allowed_values()
    {
        Assert.Equal("vlmforge.toml:2:15: error VLMF0106: training.lr_schedule: found \"cosin\", which is not allowed; allowed: \"constant\", \"linear\", \"cosine\". Did you mean 'cosine'?",
            Single("[training]\nlr_schedule = \"cosin\"\n"));
    }

    [Fact]
    public void Adams_old_training_settings_say_where_they_live_now()
    {
        Assert.Equal("vlmforge.toml:3:1: error VLMF0102: training.betas: [training] has no setting 'betas' any more: Adam's betas are settings of the optimizer plugin. Write them as beta1 = ... and beta2 = ... in [plugins.adam].",
            Single("[training]\noptimizer = \"adam\"\nbetas = [0.9, 0.99]\n"));
        Assert.Equal("vlmforge.toml:2:1: error VLMF0102: training.eps: [training] has no setting 'eps' any more: Adam's epsilon is a setting of the optimizer plugin. Write it as eps = ... in [plugins.adamw].",
            Single("[training]\neps = 1e-6\n"));
    }

    [Fact]
    public void A_list_of_the_wrong_length_or_with_bad_items_is_reported()
    {
        Assert.Equal("vlmforge.toml:2:23: error VLMF0107: model.lora_target_modules: expected at least 1 item(s), found 0: [].",
            Single("[model]\nlora_target_modules = []\n"));
        Assert.Equal("vlmforge.toml:2:34: error VLMF0104: model.lora_target_modules[1]: expected an item of strings, found integer 3.",
            Single("[model]\nlora_target_modules = [\"q_proj\", 3]\n"));
    }

    [Fact]
    public void Full_fine_tuning_with_4bit_quantization_is_an_error_that_says_what_to_do()
    {
        // quantization is not written: the error points at training_mode, the key the user wrote.
        Assert.Equal("vlmforge.toml:2:17: error VLMF0108: model.training_mode: quantization = \"nf4\" is not allowed when training_mode = \"full\"; allowed: \"none\". Full fine-tuning trains every weight, so none can be stored 4-bit: use training_mode = \"lora\" (QLoRA) or quantization = \"none\".",
            Single("[model]\ntraining_mode = \"full\"\nsize = \"small\"\n"));
        Assert.StartsWith("vlmforge.toml:3:16: error VLMF0108: model.quantization: quantization = \"fp4\" is not allowed",
            Single("[model]\ntraining_mode = \"full\"\nquantization = \"fp4\"\n"), StringComparison.Ordinal);
        Assert.Empty(TestConfig.Load("[model]\ntraining_mode = \"full\"\nquantization = \"none\"\n").Errors);
    }

    [Fact]
    public void Plugin_names_must_be_lower_case()
    {
        Assert.Equal("vlmforge.toml:2:13: error VLMF0110: training.optimizer: found \"AdamW\", which is not a plugin name. Plugin names are lower-case: write \"adamw\".",
            Single("[training]\noptimizer = \"AdamW\"\n"));
    }

    [Fact]
    public void Without_a_plugin_catalog_an_unknown_plugin_name_is_a_warning()
    {
        var result = TestConfig.Load("[training]\noptimizer = \"lion\"\n[model]\nquantization = \"nf5\"\n");

        Assert.Empty(result.Errors);
        Assert.NotNull(result.Settings);
        var warnings = result.Warnings.Where(w => w.Code == "VLMF0109").Select(w => w.ToString()).ToList();
        Assert.Equal(
        [
            "vlmforge.toml:2:13: warning VLMF0109: training.optimizer: \"lion\" is not a built-in optimizer (built-in: \"adamw\", \"adam\"); make sure a plugin named \"lion\" is installed.",
            "vlmforge.toml:4:16: warning VLMF0109: model.quantization: \"nf5\" is not a built-in quantizer (built-in: \"none\", \"nf4\", \"fp4\"); make sure a plugin named \"nf5\" is installed. Did you mean 'nf4'?",
        ], warnings);
    }

    [Fact]
    public void With_a_plugin_catalog_an_unknown_plugin_name_is_an_error_listing_what_is_installed()
    {
        var result = TestConfig.Load("[training]\noptimizer = \"lion\"\n", FakePlugins.BuiltIns);

        Assert.Null(result.Settings);
        Assert.Equal("vlmforge.toml:2:13: error VLMF0109: training.optimizer: no optimizer plugin named \"lion\" is installed; installed: \"adamw\", \"adam\".",
            Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void With_a_plugin_catalog_an_installed_third_party_plugin_is_accepted()
    {
        var plugins = new FakePlugins(new() { [Abstractions.Plugins.PluginKind.Optimizer] = ["adamw", "lion"], [Abstractions.Plugins.PluginKind.Quantizer] = ["nf4"],
            [Abstractions.Plugins.PluginKind.Precision] = ["bf16"], [Abstractions.Plugins.PluginKind.Sampler] = ["standard"] });
        var result = TestConfig.Load("[training]\noptimizer = \"lion\"\n[plugins.lion]\nbeta1 = 0.95\n", plugins);

        Assert.Empty(result.Errors);
        Assert.Equal("lion", result.Settings!.Training.Optimizer);
        Assert.Equal(0.95, (double)((Abstractions.Settings.ConfigValue)result.Settings.PluginSection("lion")!.Entries[0].Value).Value);
    }

    [Fact]
    public void An_empty_path_is_an_error()
    {
        Assert.Equal("vlmforge.toml:2:8: error VLMF0110: dataset.path: found an empty string; remove the key to leave the setting unset, or give a value.",
            Single("[dataset]\npath = \"\"\n"));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_in_file_order()
    {
        const string toml = """
            [model]
            size = "huge"
            lora_rank = 0

            [training]
            epochs = -1
            learning_rate = "fast"
            optimiser = "adamw"

            [evaluaton]
            top_k = 5
            """;

        var errors = TestConfig.Load(toml).Errors.Select(e => $"{e.Location.Line}:{e.Location.Column} {e.Code} {e.KeyPath}").ToList();

        Assert.Equal(
        [
            "2:8 VLMF0106 model.size",
            "3:13 VLMF0105 model.lora_rank",
            "6:10 VLMF0105 training.epochs",
            "7:17 VLMF0104 training.learning_rate",
            "8:1 VLMF0102 training.optimiser",
            "10:2 VLMF0103 evaluaton",
        ], errors);
    }

    [Fact]
    public void A_missing_file_is_one_error_that_says_how_to_create_one()
    {
        var result = Loading.WorkflowLoader.LoadFile(Path.Combine(TestConfig.EmptyFolder, "missing.toml"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("VLMF0111", error.Code);
        Assert.Contains("vlmforge init", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Settings);
    }
}
