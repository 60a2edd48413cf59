using VlmForge.Engine.Tests.Pipeline.FamilyRuns;
using VlmForge.Models.Safetensors;

namespace VlmForge.Cli.Tests;

/// <summary>
/// `vlmforge export runs/x --merged`: LoRA runs of tiny random Qwen2.5-VL and SmolVLM snapshots exported as Hugging Face
/// snapshots with the adapter merged, checked by the command against the adapter model, and used again as model.path.
/// </summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Config = """
        [model]
        family = "{family}"
        size = "small"
        path = "{path}"
        training_mode = "{mode}"
        lora_rank = 4
        lora_alpha = 8
        lora_dropout = 0.0
        quantization = "{quantization}"
        precision = "fp32"

        [training]
        epochs = 1
        learning_rate = 0.01
        batch_size = 4
        max_steps = 3
        checkpoint_interval = 3
        seed = 5

        [evaluation]
        max_new_tokens = 4
        do_sample = false

        [dataset]
        path = "data"
        synthetic = "shapes"
        synthetic_count = 15
        image_size = 32
        task = "mixed"
        validation_split = 0.2

        [run]
        name = "{name}"
        threads = 1
        """;

    private string Train(string family, string snapshot, string name, string quantization = "none", string mode = "lora")
    {
        var config = Path.Combine(_dir, name + ".toml");
        File.WriteAllText(config, Config.Replace("{family}", family).Replace("{path}", snapshot.Replace('\\', '/')).Replace("{name}", name)
            .Replace("{quantization}", quantization).Replace("{mode}", mode));
        var error = new StringWriter();
        Assert.True(CliApp.Run(["train", "--config", config], new StringWriter(), error) == 0, error.ToString());
        return Path.Combine(_dir, "runs", name);
    }

    private (int Exit, string Output, string Error) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_Qwen_lora_run_exports_a_merged_sharded_snapshot_that_trains_and_evaluates_as_model_path()
    {
        var snapshot = TinySnapshots.WriteQwen(Path.Combine(_dir, "qwen"));
        var run = Train("qwen2_5_vl", snapshot, "qwen");
        var merged = Path.Combine(_dir, "qwen-merged");

        var (exit, output, error) = Cli("export", run, "--merged", "--out", merged, "--check-examples", "3", "--max-shard-mb", "0.02", "--dtype", "fp32");

        Assert.True(exit == 0, error + output);
        Assert.Matches(@"check: merged vs adapter logits on 3 validation examples \(\d+ positions\): max \|difference\| .* \(tolerance 0.0001\) ok", output);
        foreach (var file in new[] { "config.json", "model.safetensors.index.json", "tokenizer.json", "preprocessor_config.json" })
        {
            Assert.True(File.Exists(Path.Combine(merged, file)), file);
        }
        Assert.True(Directory.GetFiles(merged, "model-*-of-*.safetensors").Length > 1, "20 KiB shards split the checkpoint");
        Assert.False(Directory.Exists(merged + ".partial"));

        // The adapted projections changed, everything else is the base snapshot's.
        using (var original = SafetensorsCheckpoint.Open(snapshot))
        using (var exported = SafetensorsCheckpoint.Open(merged))
        {
            Assert.Equal(original.Names, exported.Names);
            using var baseQ = original.Read("model.layers.0.self_attn.q_proj.weight");
            using var mergedQ = exported.Read("model.layers.0.self_attn.q_proj.weight");
            using var baseUp = original.Read("model.layers.0.mlp.up_proj.weight");
            using var mergedUp = exported.Read("model.layers.0.mlp.up_proj.weight");
            Assert.False(baseQ.to(TorchSharp.torch.ScalarType.Float32).allclose(mergedQ, rtol: 0, atol: 0), "the LoRA update is merged into q_proj");
            Assert.True(baseUp.to(TorchSharp.torch.ScalarType.Float32).allclose(mergedUp, rtol: 0, atol: 0), "up_proj was not adapted");
        }

        // The export is a plain snapshot: another run trains from it, then evaluates.
        var again = Train("qwen2_5_vl", merged, "from-merged");
        var (evalExit, evalOutput, evalError) = Cli("eval", again);
        Assert.True(evalExit == 0, evalError + evalOutput);
    }

    [Fact]
    public void A_SmolVlm_qlora_run_exports_its_dequantized_base_with_the_adapter_merged()
    {
        var snapshot = TinySnapshots.WriteSmol(Path.Combine(_dir, "smol"));
        var run = Train("smolvlm", snapshot, "smol", quantization: "nf4");
        var merged = Path.Combine(_dir, "smol-merged");

        var (exit, output, error) = Cli("export", run, "--merged", "--out", merged, "--dtype", "bf16");

        Assert.True(exit == 0, error + output);
        Assert.Matches(@"check: merged vs adapter logits on 4 validation examples .* ok", output);
        using var exported = SafetensorsCheckpoint.Open(merged);
        Assert.All(exported.Names, name => Assert.Equal(SafetensorsDtype.BF16, exported.GetEntry(name).Dtype));
        // NF4 keeps 16 levels per block: the exported (dequantized) base of a non-adapted decoder projection differs from
        // the original float weights, as the model trained on it.
        using var original = SafetensorsCheckpoint.Open(snapshot);
        var key = original.Names.First(n => n.Contains("mlp.up_proj.weight", StringComparison.Ordinal));
        using var before = original.Read(key);
        using var after = exported.Read(key);
        Assert.False(before.to(TorchSharp.torch.ScalarType.BFloat16).allclose(after, rtol: 0, atol: 0));
        Assert.Contains("\"torch_dtype\": \"bfloat16\"", File.ReadAllText(Path.Combine(merged, "config.json")));
    }

    [Fact]
    public void A_full_fine_tuning_run_of_a_family_exports_its_trained_weights_as_a_snapshot()
    {
        var snapshot = TinySnapshots.WriteQwen(Path.Combine(_dir, "qwen"));
        var run = Train("qwen2_5_vl", snapshot, "full", mode: "full");
        var merged = Path.Combine(_dir, "full-merged");

        var (exit, output, error) = Cli("export", run, "--merged", "--out", merged, "--dtype", "fp32");

        Assert.True(exit == 0, error + output);
        Assert.Contains("(tolerance 0.0001) ok", output);
        using var original = SafetensorsCheckpoint.Open(snapshot);
        using var exported = SafetensorsCheckpoint.Open(merged);
        using var before = original.Read("model.layers.0.mlp.up_proj.weight");
        using var after = exported.Read("model.layers.0.mlp.up_proj.weight");
        Assert.False(before.to(TorchSharp.torch.ScalarType.Float32).allclose(after, rtol: 0, atol: 0), "full fine-tuning trained up_proj too");
    }

    [Fact]
    public void An_export_whose_logits_differ_beyond_the_tolerance_fails_and_is_not_kept()
    {
        var snapshot = TinySnapshots.WriteQwen(Path.Combine(_dir, "qwen"));
        var run = Train("qwen2_5_vl", snapshot, "qwen");
        var merged = Path.Combine(_dir, "qwen-fp16");

        // fp16 storage rounds every weight: the difference is real, and a tolerance of 1e-9 cannot hold it.
        var (exit, output, error) = Cli("export", run, "--merged", "--out", merged, "--dtype", "fp16", "--tolerance", "1e-9");

        Assert.Equal(1, exit);
        Assert.Contains("MISMATCH", output);
        Assert.Contains("do not use it", error);
        Assert.False(Directory.Exists(merged));
        Assert.True(Directory.Exists(merged + ".partial"));
    }

    [Fact]
    public void Export_without_merged_says_what_to_do()
    {
        var (exit, _, error) = Cli("export", Path.Combine(_dir, "nothing"));
        Assert.Equal(1, exit);
        Assert.Contains("--merged", error);
    }
}
