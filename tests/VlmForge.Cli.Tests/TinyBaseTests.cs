using VlmForge.Models.Safetensors;

namespace VlmForge.Cli.Tests;

/// <summary>
/// A pretrained tiny base: a tiny run exported with `vlmforge export --merged` is a folder that model.path loads as the
/// starting point of another run (LoRA on top of it), and eval/generate of that run rebuild it from the base.
/// </summary>
public sealed class TinyBaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-tinybase-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Config = """
        [model]
        family = "tiny"
        size = "tiny"
        {path}
        training_mode = "{mode}"
        lora_rank = 4
        lora_alpha = 8
        lora_dropout = 0.0
        quantization = "none"
        precision = "fp32"

        [training]
        epochs = 1
        learning_rate = 0.01
        batch_size = 4
        max_steps = 3
        vision_warmup_steps = {warmup}
        seed = 5

        [evaluation]
        max_new_tokens = 8
        do_sample = false
        max_examples = 4

        [dataset]
        path = "data-{data}"
        synthetic = "shapes"
        synthetic_count = 15
        synthetic_seed = {data}
        image_size = {size}
        task = "mixed"
        validation_split = 0.2

        [run]
        name = "{name}"
        threads = 1
        """;

    private string Write(string name, string mode, string? basePath, int data = 3, int size = 32, int warmup = 2)
    {
        var config = Path.Combine(_dir, name + ".toml");
        File.WriteAllText(config, Config
            .Replace("{path}", basePath is null ? "" : $"path = \"{basePath.Replace('\\', '/')}\"")
            .Replace("{mode}", mode).Replace("{name}", name).Replace("{data}", data.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("{size}", size.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Replace("{warmup}", warmup.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return config;
    }

    private static (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string PretrainAndExport()
    {
        var (exit, output, error) = Cli("train", "--config", Write("base", "full", null));
        Assert.True(exit == 0, error + output);
        var exported = Path.Combine(_dir, "tiny-base");
        (exit, output, error) = Cli("export", Path.Combine(_dir, "runs", "base"), "--merged", "--out", exported, "--check-examples", "3");
        Assert.True(exit == 0, error + output);
        Assert.Contains("check: merged vs adapter logits", output);
        Assert.Contains(" ok", output);
        return exported;
    }

    [Fact]
    public void A_tiny_run_exports_a_base_that_a_lora_run_on_other_data_fine_tunes_evaluates_and_generates_from()
    {
        var exported = PretrainAndExport();
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "vocab.txt" })
        {
            Assert.True(File.Exists(Path.Combine(exported, file)), file);
        }
        Assert.Contains("\"model_type\": \"vlmforge_tiny\"", File.ReadAllText(Path.Combine(exported, "config.json")));

        var (exit, output, error) = Cli("train", "--config", Write("tuned", "lora", exported, data: 8, warmup: 0));
        Assert.True(exit == 0, error + output);
        Assert.Contains("model: the tiny base at", output);
        var run = Path.Combine(_dir, "runs", "tuned");
        // LoRA keeps the base frozen: the run stores only its adapters, and the run's tokenizer is the base's.
        using (var trained = SafetensorsFile.Open(Path.Combine(run, "model", "trainable.safetensors")))
        {
            Assert.NotEmpty(trained.Names);
            Assert.All(trained.Names, name => Assert.Contains("lora_", name));
        }
        Assert.Equal(File.ReadAllText(Path.Combine(exported, "vocab.txt")), File.ReadAllText(Path.Combine(run, "tokenizer", "vocab.txt")));

        (exit, output, error) = Cli("eval", run);
        Assert.True(exit == 0, error + output);
        var image = Directory.EnumerateFiles(Path.Combine(_dir, "data-8"), "*.png", SearchOption.AllDirectories).First();
        (exit, output, error) = Cli("generate", run, "--image", image, "--prompt", "How many shapes are there?");
        Assert.True(exit == 0, error + output);

        // The LoRA run exports too: its adapters merged into the base, checked against the adapter model.
        (exit, output, error) = Cli("export", run, "--merged", "--out", Path.Combine(_dir, "tuned-merged"), "--check-examples", "2");
        Assert.True(exit == 0, error + output);
        Assert.Contains(" ok", output);
    }

    [Fact]
    public void A_base_for_another_image_size_or_a_folder_that_is_not_a_base_is_refused_with_what_to_do()
    {
        var exported = PretrainAndExport();
        var (exit, _, error) = Cli("train", "--config", Write("wrong-size", "lora", exported, size: 48, warmup: 0));
        Assert.Equal(1, exit);
        Assert.Contains("was pretrained on 32 px images, but dataset.image_size is 48; set dataset.image_size = 32", error);

        var empty = Directory.CreateDirectory(Path.Combine(_dir, "not-a-base")).FullName;
        (exit, _, error) = Cli("train", "--config", Write("no-base", "lora", empty, warmup: 0));
        Assert.Equal(1, exit);
        Assert.Contains("has no config.json", error);
        Assert.DoesNotContain("   at ", error);
    }
}
