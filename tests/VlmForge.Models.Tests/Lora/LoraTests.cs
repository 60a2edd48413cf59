using TorchSharp;
using VlmForge.Models.Layers;
using VlmForge.Models.Lora;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Lora;

public class LoraTests
{
    [Fact]
    public void A_fresh_adapter_leaves_the_model_output_unchanged()
    {
        using var plain = TestModels.BuildFull(seed: 5);
        using var adapted = TestModels.BuildLora(seed: 5);
        using var scope = NewDisposeScope();
        var batch = TestModels.Batch(plain.Config, [12, 10]);

        // Same seed: base weights are drawn first, so they are identical; lora_B = 0 makes the update zero.
        TensorAssert.Close(plain.Forward(batch).Logits, adapted.Forward(batch).Logits, atol: 1e-6);
    }

    [Fact]
    public void State_dict_names_follow_peft()
    {
        using var model = TestModels.BuildLora();
        var names = model.state_dict().Keys.ToHashSet();

        Assert.Contains("language_model.layers.0.self_attn.q_proj.base_layer.weight", names);
        Assert.Contains("language_model.layers.0.self_attn.q_proj.lora_A.weight", names);
        Assert.Contains("language_model.layers.0.self_attn.q_proj.lora_B.weight", names);
        Assert.Contains("vision_tower.encoder.layers.1.self_attn.v_proj.lora_A.weight", names);
        Assert.Contains("language_model.layers.1.mlp.up_proj.weight", names);          // not a target: unchanged
        Assert.DoesNotContain("language_model.layers.0.self_attn.q_proj.weight", names);
        Assert.DoesNotContain("vision_tower.encoder.layers.0.self_attn.out_proj.lora_A.weight", names); // out_proj is not o_proj
    }

    [Fact]
    public void Adapter_shapes_are_rank_by_input_and_output_by_rank()
    {
        using var model = TestModels.BuildLora();
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(new long[] { 4, 32 }, shapes["language_model.layers.0.self_attn.k_proj.lora_A.weight"]);
        Assert.Equal(new long[] { 16, 4 }, shapes["language_model.layers.0.self_attn.k_proj.lora_B.weight"]);
    }

    [Fact]
    public void Only_adapters_train_in_lora_mode_and_frozen_weights_are_stored_in_the_compute_dtype()
    {
        using var model = TestModels.BuildLora(dtype: ScalarType.BFloat16);
        using var scope = NewDisposeScope();

        var trainable = model.TrainableParameters();
        Assert.NotEmpty(trainable);
        Assert.All(trainable, p => Assert.Matches(@"\.lora_[AB]\.weight$", p.Name));
        Assert.All(trainable, p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
        Assert.All(
            model.named_parameters().Where(p => !p.parameter.requires_grad),
            p => Assert.Equal(ScalarType.BFloat16, p.parameter.dtype));

        var loss = model.Forward(TestModels.Batch(model.Config, [12, 10])).Loss!;
        loss.backward();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var hasGrad = parameter.grad is not null;
            Assert.True(hasGrad == parameter.requires_grad, $"{name}: requires_grad {parameter.requires_grad}, has grad {hasGrad}");
        }
        // B starts at zero, so A gets no gradient in the very first step, but B does.
        var bGrad = trainable.Single(p => p.Name == "language_model.layers.1.self_attn.v_proj.lora_B.weight").Parameter.grad!;
        Assert.True(bGrad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void A_starts_kaiming_uniform_and_B_starts_at_zero()
    {
        using var model = TestModels.BuildLora();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var a = parameters["language_model.layers.0.self_attn.q_proj.lora_A.weight"];
        var b = parameters["language_model.layers.0.self_attn.q_proj.lora_B.weight"];

        // kaiming_uniform(a = √5) on [r, in] draws from U(-1/√in, 1/√in).
        var bound = 1 / Math.Sqrt(32);
        Assert.True(a.abs().max().item<float>() <= bound);
        Assert.True(a.abs().max().item<float>() > bound / 2);
        Assert.Equal(0f, b.abs().sum().item<float>());
    }

    [Fact]
    public void Merged_output_equals_unmerged_output_and_unmerge_restores_the_weight()
    {
        manual_seed(3);
        using var baseLayer = new CastingLinear(6, 5, hasBias: true, ScalarType.Float32, CPU);
        var original = baseLayer.Weight.detach().clone();
        using var lora = new LoraLinear(baseLayer, 6, 5, new LoraSettings(2, 4, 0, ["x"]), ScalarType.Float32, CPU);
        using (no_grad())
        {
            lora.B.Weight.normal_();   // a non-zero update, as after training
        }
        using var x = randn(3, 6);

        var unmerged = lora.call(x);
        lora.Merge();
        var merged = lora.call(x);
        // Merged: base weight holds W + (alpha/r)·B·A.
        TensorAssert.Close(original + 2 * lora.B.Weight.matmul(lora.A.Weight), baseLayer.Weight, atol: 1e-6);
        lora.Unmerge();
        var restored = lora.call(x);

        Assert.True(TensorAssert.MaxAbsDiff(unmerged, x.matmul(original.t()) + baseLayer.Bias!) > 1e-3);
        TensorAssert.Close(unmerged, merged, atol: 1e-5);
        TensorAssert.Close(unmerged, restored, atol: 1e-5);
        TensorAssert.Close(original, baseLayer.Weight, atol: 1e-6);
    }

    [Fact]
    public void Merging_into_a_quantized_base_is_refused()
    {
        using var model = TestModels.Build(new ModelSetup
        {
            Mode = TrainingMode.Lora, Lora = TestModels.Lora(), Quantizer = new RoundingQuantizer(),
        });
        var adapter = model.named_modules().Select(m => m.module).OfType<LoraLinear>().First();

        var error = Assert.Throws<InvalidOperationException>(adapter.Merge);
        Assert.Contains("quantized base layer", error.Message);
        Assert.False(adapter.Merged);
    }

    [Fact]
    public void Quantization_replaces_frozen_base_linears_of_the_decoder_and_vision_tower_only()
    {
        var quantizer = new RoundingQuantizer();
        using var model = TestModels.Build(new ModelSetup
        {
            Mode = TrainingMode.Lora, Lora = TestModels.Lora(), Quantizer = quantizer, ComputeDtype = ScalarType.BFloat16,
        });
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);

        Assert.IsType<FrozenRoundedLinear>(modules["language_model.layers.0.self_attn.q_proj.base_layer"]);
        Assert.IsType<FrozenRoundedLinear>(modules["language_model.layers.0.mlp.gate_proj"]);
        Assert.IsType<FrozenRoundedLinear>(modules["vision_tower.encoder.layers.0.mlp.fc1"]);
        Assert.IsType<CastingLinear>(modules["multi_modal_projector.linear_1"]);
        Assert.IsType<CastingLinear>(modules["lm_head"]);
        // Per decoder layer 7 linears, per vision block 6: 2·7 + 2·6.
        Assert.Equal(26, quantizer.Created);
        Assert.Equal(26, model.QuantizedLinears.Count);
        Assert.Contains("language_model.layers.0.self_attn.q_proj.base_layer.weight", model.state_dict().Keys);

        using var scope = NewDisposeScope();
        var loss = model.Forward(TestModels.Batch(model.Config, [12])).Loss!;
        loss.backward();
        Assert.All(model.TrainableParameters(), p => Assert.Matches(@"\.lora_[AB]\.weight$", p.Name));
    }

    [Fact]
    public void A_target_that_matches_no_linear_layer_is_an_error_listing_the_names()
    {
        var setup = new ModelSetup { Mode = TrainingMode.Lora, Lora = new LoraSettings(4, 8, 0, ["q_proj", "qkv"]) };
        var error = Assert.Throws<ArgumentException>(() => TestModels.Build(setup));
        Assert.Contains("'qkv'", error.Message);
        Assert.Contains("down_proj, fc1, fc2, gate_proj, k_proj, linear_1, linear_2, lm_head, o_proj, out_proj, q_proj, up_proj, v_proj", error.Message);
    }

    [Fact]
    public void Full_training_with_a_quantizer_is_refused()
    {
        var setup = new ModelSetup { Mode = TrainingMode.Full, Quantizer = new RoundingQuantizer() };
        var error = Assert.Throws<ArgumentException>(() => TestModels.Build(setup));
        Assert.Contains("lora", error.Message);
    }

    [Fact]
    public void Targets_match_the_last_name_segment_like_peft()
    {
        var settings = new LoraSettings(8, 16, 0.1, ["q_proj", "lm_head"]);
        Assert.True(settings.Targets("language_model.layers.3.self_attn.q_proj"));
        Assert.True(settings.Targets("lm_head"));
        Assert.False(settings.Targets("language_model.layers.3.self_attn.q_proj_extra"));
        Assert.False(settings.Targets("q_proj.inner"));
        Assert.Equal(2.0, settings.Scaling);
    }

    [Fact]
    public void Adapter_dropout_is_active_in_training_and_off_in_eval()
    {
        using var model = TestModels.BuildLora(dropout: 0.5);
        using var scope = NewDisposeScope();
        foreach (var adapter in model.named_modules().Select(m => m.module).OfType<LoraLinear>())
        {
            using var noGrad = no_grad();
            adapter.B.Weight.normal_();
        }
        var batch = TestModels.Batch(model.Config, [10]);

        model.train();
        var first = model.Forward(batch).Logits;
        var second = model.Forward(batch).Logits;
        model.eval();
        var third = model.Forward(batch).Logits;
        var fourth = model.Forward(batch).Logits;

        Assert.True(TensorAssert.MaxAbsDiff(first, second) > 1e-4);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(third, fourth));
    }
}

public class LoraAdaptersTests
{
    [Fact]
    public void Merging_every_adapter_keeps_the_model_output()
    {
        using var model = TestModels.BuildLora();
        using var scope = NewDisposeScope();
        foreach (var (_, layer) in LoraAdapters.Find(model))
        {
            using var noGrad = no_grad();
            layer.B.Weight.normal_(0, 0.05);
        }
        var batch = TestModels.Batch(model.Config, [12, 10]);
        var before = model.Forward(batch).Logits;

        LoraAdapters.MergeAll(model);
        var merged = model.Forward(batch).Logits;
        LoraAdapters.UnmergeAll(model);
        var after = model.Forward(batch).Logits;

        Assert.Equal(14, LoraAdapters.Find(model).Count);     // 2 decoder layers x q, k, v, o + 2 vision blocks x q, k, v (out_proj is no target)
        TensorAssert.Close(before, merged, atol: 1e-4);
        TensorAssert.Close(before, after, atol: 1e-4);
    }

    [Fact]
    public void Merging_a_model_with_a_quantized_base_merges_nothing()
    {
        using var model = TestModels.Build(new ModelSetup
        {
            Mode = TrainingMode.Lora, Lora = TestModels.Lora(), Quantizer = new RoundingQuantizer(),
        });
        var error = Assert.Throws<InvalidOperationException>(() => LoraAdapters.MergeAll(model));
        Assert.Contains("quantized base layers", error.Message);
        Assert.All(LoraAdapters.Find(model), l => Assert.False(l.Layer.Merged));
    }
}
