using TorchSharp;
using VlmForge.Models.Safetensors;
using VlmForge.Models.StateDicts;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.StateDicts;

public class StrictStateDictLoaderTests
{
    [Fact]
    public void A_saved_model_loads_back_into_a_fresh_one_exactly()
    {
        using var folder = new TempDirectory();
        using var saved = TestModels.BuildFull(seed: 1);
        using var fresh = TestModels.BuildFull(seed: 2);
        using var scope = NewDisposeScope();
        SafetensorsWriter.Write(folder.File("m.safetensors"), saved.state_dict());

        using var source = SafetensorsFile.Open(folder.File("m.safetensors"));
        var loaded = StrictStateDictLoader.Load(fresh, source);

        Assert.Equal(saved.state_dict().Count, loaded.Count);
        var batch = TestModels.Batch(saved.Config, [10]);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(saved.Forward(batch).Logits, fresh.Forward(batch).Logits));
    }

    [Fact]
    public void Every_missing_unexpected_and_mismatched_key_is_reported_at_once_and_nothing_is_copied()
    {
        using var model = TestModels.BuildFull(seed: 1);
        using var scope = NewDisposeScope();
        var state = model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        state.Remove("lm_head.weight");
        state.Remove("language_model.norm.weight");
        state["language_model.layers.9.mlp.up_proj.weight"] = zeros(2, 2);
        state["language_model.layers.0.self_attn.k_proj.weight"] = zeros(32, 32);
        state["language_model.embed_tokens.weight"] = zeros([40, 32], ScalarType.Int64);
        var before = model.named_parameters().First().parameter.detach().clone();

        var error = Assert.Throws<StateDictMismatchException>(() => StrictStateDictLoader.Load(model, state));

        Assert.Equal(["language_model.norm.weight", "lm_head.weight"], error.Missing);
        Assert.Equal(["language_model.layers.9.mlp.up_proj.weight"], error.Unexpected);
        Assert.Equal(["language_model.embed_tokens.weight", "language_model.layers.0.self_attn.k_proj.weight"], error.Mismatched.Select(m => m.Name));
        Assert.Contains("2 missing, 1 unexpected, 2 mismatched", error.Message);
        Assert.Contains("mismatched: language_model.layers.0.self_attn.k_proj.weight: the model has [16, 32] Float32, the checkpoint [32, 32] Float32", error.Message);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(before, model.named_parameters().First().parameter));
    }

    [Fact]
    public void Float_weights_convert_to_the_model_dtype()
    {
        using var model = TestModels.BuildFull(seed: 1);
        using var scope = NewDisposeScope();
        var state = model.state_dict().ToDictionary(p => p.Key, p => (Tensor)full_like(p.Value, 0.5).to(ScalarType.BFloat16));

        StrictStateDictLoader.Load(model, state);

        Assert.All(model.parameters(), p => Assert.Equal(0.5f, p.mean().item<float>()));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void A_trainable_only_checkpoint_loads_with_a_key_filter()
    {
        using var folder = new TempDirectory();
        using var trained = TestModels.BuildLora(seed: 3);
        using var fresh = TestModels.BuildLora(seed: 3);
        using var scope = NewDisposeScope();
        foreach (var p in trained.TrainableParameters())
        {
            using var noGrad = no_grad();
            p.Parameter.normal_();
        }
        var adapters = trained.TrainableParameters().ToDictionary(p => p.Name, p => (Tensor)p.Parameter);
        SafetensorsWriter.Write(folder.File("adapter.safetensors"), adapters);

        var trainable = fresh.TrainableParameters().Select(p => p.Name).ToHashSet();
        using var source = SafetensorsFile.Open(folder.File("adapter.safetensors"));
        StrictStateDictLoader.Load(fresh, source, trainable.Contains);

        var batch = TestModels.Batch(trained.Config, [10]);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(trained.Forward(batch).Logits, fresh.Forward(batch).Logits));
    }
}
