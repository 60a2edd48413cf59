using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Plugins;
using VlmForge.Abstractions.Settings;
using VlmForge.Cli;
using VlmForge.Engine.Plugins;
using VlmForge.Settings.Loading;
using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Samples;

/// <summary>
/// The Lion sample, built as an outside author would build it and copied into a plugins folder, loads through the
/// host, reads its own [plugins.lion] table and trains.
/// </summary>
public sealed class LionSampleTests : IDisposable
{
    private static readonly string SampleFolder = Path.Combine(AppContext.BaseDirectory, "sample-plugins");

    private readonly PluginCatalog _catalog = PluginCatalog.Load([SampleFolder]);

    [Fact]
    public void Loads_through_the_host_in_its_own_folder_with_its_settings()
    {
        Assert.Empty(_catalog.Failures);
        var lion = _catalog.Get(PluginKind.Optimizer, "lion");
        Assert.Equal("1.0.0", lion.Version);
        Assert.Equal(Path.Combine(SampleFolder, "VlmForge.Samples.Lion"), lion.Folder);
        Assert.Equal(["plugins.lion.beta1", "plugins.lion.beta2"], lion.Settings.Select(s => s.Path));
        Assert.Equal("0.99", lion.Settings[1].Default);
    }

    [Fact]
    public void One_step_moves_every_weight_by_the_learning_rate_in_the_direction_against_the_gradient()
    {
        Load("[training]\noptimizer = \"lion\"\n");
        var weight = new Parameter(tensor(new[] { 0.5f, -0.25f, 2.0f }));
        using var optimizer = _catalog.Optimizer("lion").Create([new("weight", weight)], new OptimizerHyperparameters(WeightDecay: 0.1));
        using (var loss = (weight * tensor(new[] { 3f, -2f, 0.5f })).sum())
            loss.backward(); // gradient (3, -2, 0.5)

        optimizer.Step(0.01);

        // θ·(1 − lr·wd) − lr·sign(g): the first momentum is (1 − β1)·g, so its sign is the gradient's.
        Assert.Equal(new[] { 0.5f * 0.999f - 0.01f, -0.25f * 0.999f + 0.01f, 2.0f * 0.999f - 0.01f }, weight.data<float>().ToArray());
        Assert.Equal(1, optimizer.StepCount);
        Assert.Equal(["step", "weight.exp_avg"], optimizer.SaveState().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Trains_a_linear_map_the_loss_falls()
    {
        Load("[training]\noptimizer = \"lion\"\n");
        var generator = new Generator(21);
        using var x = randn([64, 4], generator: generator);
        using var truth = randn([2, 4], generator: generator);
        using var y = x.matmul(truth.t());
        using var model = nn.Linear(4, 2);
        // Start from zeros, not the global generator: a shared RNG made the result depend on test order.
        using (no_grad())
        {
            model.weight!.zero_();
            model.bias!.zero_();
        }
        var parameters = model.named_parameters().Select(p => new NamedParameter(p.name, p.parameter)).ToList();
        using var optimizer = _catalog.Optimizer("lion").Create(parameters, new OptimizerHyperparameters(WeightDecay: 0.0));

        float first = 0, last = 0;
        for (var step = 0; step < 150; step++)
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            // Lion moves every weight by the full learning rate each step, so it only settles
            // when the rate decays, as it would under a linear schedule.
            optimizer.Step(0.05 * (1.0 - step / 150.0));
            last = loss.item<float>();
            if (step == 0)
                first = last;
        }
        Assert.True(last < first / 10, $"loss should fall at least tenfold: {first} -> {last}");
    }

    [Fact]
    public void Its_settings_table_overrides_the_betas()
    {
        // Gradients 1, -0.5, -0.001 from w = 1 with lr 0.1. After two steps (w = 0.9, then 1.0) the momentum is
        // 0.99·0.01 − 0.01·0.5 = 0.0049 > 0 while the third gradient is negative. With the default beta1 = 0.9 the
        // direction c = 0.9·0.0049 − 0.1·0.001 is positive and w drops to 0.9; with beta1 = 0 it is the gradient's sign
        // and w rises to 1.1.
        Assert.Equal(0.9f, ThreeSteps(""), 1e-6f);

        Assert.Equal(1.1f, ThreeSteps("beta1 = 0.0\n"), 1e-6f);
        Assert.Equal(0.9f, ThreeSteps(""), 1e-6f); // a later workflow without the value gets the default again

        float ThreeSteps(string lionTable)
        {
            Assert.DoesNotContain(Load($"[training]\noptimizer = \"lion\"\n\n[plugins.lion]\n{lionTable}").Diagnostics, d => d.KeyPath.StartsWith("plugins", StringComparison.Ordinal));
            var weight = new Parameter(tensor(new[] { 1f }));
            using var optimizer = _catalog.Optimizer("lion").Create([new("w", weight)], new OptimizerHyperparameters(WeightDecay: 0));
            foreach (var gradient in new[] { 1f, -0.5f, -0.001f })
            {
                weight.grad = tensor(new[] { gradient });
                optimizer.Step(0.1);
            }
            return weight.item<float>();
        }
    }

    [Fact]
    public void Bad_values_in_its_table_are_reported_at_their_location_when_the_workflow_loads()
    {
        var result = Load("[training]\noptimizer = \"lion\"\n\n[plugins.lion]\nbeta1 = 1.5\nbeta2 = \"high\"\nbeta_3 = 0.5\n");

        // The generated LionOptions.Bind reports these, in the generator's words, when the loader hands the table over.
        Assert.Equal(
        [
            "vlmforge.toml:5:9: error VLMF0105: plugins.lion.beta1: found 1.5; the value must be between 0 and 1 (exclusive) ([0, 1)).",
            "vlmforge.toml:6:9: error VLMF0104: plugins.lion.beta2: expected a number, found string \"high\".",
            "vlmforge.toml:7:1: error VLMF0102: plugins.lion.beta_3: [plugins.lion] has no setting 'beta_3'. Did you mean 'beta1'?",
        ], result.Diagnostics.Where(d => d.KeyPath.StartsWith("plugins", StringComparison.Ordinal)).Select(d => d.ToString()));
        Assert.Null(result.Settings);
    }

    [Fact]
    public void Vlmforge_plugins_lists_it_with_its_settings()
    {
        var output = new StringWriter();
        var exit = CliApp.Run(["plugins", "--plugins", SampleFolder], output, new StringWriter());

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Matches(@"(?m)^lion\s+optimizer\s+1\.0\.0\s+3\s+.*sample-plugins/VlmForge\.Samples\.Lion$", text);
        Assert.Contains("    settings: [plugins.lion]", text, StringComparison.Ordinal);
        Assert.Contains("      beta2  float  default 0.99  range [0, 1)  - Decay of the momentum", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Its_build_output_folder_loads_as_it_is_when_named_with_plugins()
    {
        // bin/<configuration>/net10.0 is not named after the assembly; its one .deps.json says which assembly to load.
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "VlmForge.sln"))) repository = repository.Parent!;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // tests/.../bin/<configuration>/net10.0/
        var buildOutput = Path.Combine(repository.FullName, "plugins", "samples", "VlmForge.Samples.Lion", "bin", configuration, "net10.0");

        using var catalog = PluginCatalog.Load([buildOutput], includeBuiltIns: false);

        Assert.Empty(catalog.Failures);
        Assert.Equal(buildOutput, catalog.Get(PluginKind.Optimizer, "lion").Folder);
    }

    [Fact]
    public void Vlmforge_settings_documents_every_installed_plugins_table_in_markdown_and_the_json_schema()
    {
        var markdown = new StringWriter();
        Assert.Equal(0, CliApp.Run(["settings", "--format", "markdown", "--plugins", SampleFolder], markdown, new StringWriter()));
        Assert.Contains("## [plugins.adamw]", markdown.ToString(), StringComparison.Ordinal);
        Assert.Contains("## [plugins.lion]", markdown.ToString(), StringComparison.Ordinal);
        Assert.Contains("| `beta2` | float | `0.99` | [0, 1) |", markdown.ToString(), StringComparison.Ordinal);

        var json = new StringWriter();
        Assert.Equal(0, CliApp.Run(["settings", "--format", "json-schema", "--plugins", SampleFolder], json, new StringWriter()));
        using var schema = System.Text.Json.JsonDocument.Parse(json.ToString());
        var plugins = schema.RootElement.GetProperty("properties").GetProperty("plugins").GetProperty("properties");
        var beta1 = plugins.GetProperty("lion").GetProperty("properties").GetProperty("beta1");
        Assert.Equal((0.0, 1.0, 0.9), (beta1.GetProperty("minimum").GetDouble(), beta1.GetProperty("exclusiveMaximum").GetDouble(), beta1.GetProperty("default").GetDouble()));
        Assert.Equal(1e-8, plugins.GetProperty("adamw").GetProperty("properties").GetProperty("eps").GetProperty("default").GetDouble());
    }

    [Fact]
    public void The_catalog_tells_the_settings_loader_which_plugins_are_installed()
    {
        using var withBuiltIns = PluginCatalog.Load([SampleFolder]);

        var lion = WorkflowLoader.LoadText("[training]\noptimizer = \"lion\"\n", "vlmforge.toml", withBuiltIns);
        var typo = WorkflowLoader.LoadText("[training]\noptimizer = \"loin\"\n", "vlmforge.toml", withBuiltIns);

        Assert.DoesNotContain(lion.Diagnostics, d => d.Code == ConfigErrorCodes.UnknownPlugin);
        var error = Assert.Single(typo.Diagnostics, d => d.Code == ConfigErrorCodes.UnknownPlugin);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("installed: \"adam\", \"adamw\", \"lion\"", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _catalog.Dispose();

    /// <summary>Loads a workflow against this catalog, as `vlmforge check` and `train` do; selected plugins bind their tables.</summary>
    private WorkflowLoadResult Load(string toml) => WorkflowLoader.LoadText(toml, "vlmforge.toml", _catalog, Path.GetTempPath());
}
