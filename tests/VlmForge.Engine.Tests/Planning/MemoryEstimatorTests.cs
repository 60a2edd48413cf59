using VlmForge.Engine.Planning;
using VlmForge.Engine.Planning.Memory;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Planning;

/// <summary>Every term of the estimate, worked out by hand on <see cref="PlanningFixtures.Hand"/>.</summary>
public class MemoryEstimatorTests
{
    private const long GiB = 1L << 30;

    /// <summary>LoRA r=2 on q_proj and v_proj without dropout, NF4, bf16, AdamW, batch 1 of 4 image + 4 text tokens.</summary>
    private static PlanInput HandLora => new()
    {
        Model = PlanningFixtures.Hand,
        Mode = TrainingMode.Lora,
        Lora = new LoraPlan(2, 0, ["q_proj", "v_proj"]),
        Quantization = PlanningFixtures.Nf4(),
        Precision = PrecisionPlan.Bf16,
        Optimizer = OptimizerPlan.AdamW,
        BatchSize = 1,
        Sequence = new SequenceShape(1, 4, 4, 4, 4),
    };

    [Fact]
    public void Lora_on_a_4_bit_base_term_by_term()
    {
        var estimate = MemoryEstimator.Estimate(HandLora);

        // Adapters r x (in + out): decoder q 2x(8+8) = 32 and v 2x(8+4) = 24 in 2 layers; vision q and v 2x(4+4) = 16 each.
        Assert.Equal(2 * 56 + 32, estimate.TrainableParameters);
        // 4-bit matrix of n weights: ceil(n/2) code bytes + a float32 absmax per 64 + the 16-entry float32 code book.
        // Decoder layer: q 64 -> 32+4+64 = 100, k and v 32 -> 84, o 100, gate/up/down 128 -> 136: 776, twice.
        // Vision layer: q/k/v/out 16 -> 76 each, fc1 and fc2 32 -> 84: 472.
        Assert.Equal(2 * 776 + 472, Bytes(estimate, "weights.quantized"));
        Assert.Equal(2 * 576 + 128, estimate.QuantizedWeights);
        // Everything else stays bf16: (1952 - 1280) x 2.
        Assert.Equal(672 * 2, Bytes(estimate, "weights.frozen"));
        Assert.Equal(144 * 4, Bytes(estimate, "trainable.weights"));
        Assert.Equal(144 * 4, Bytes(estimate, "trainable.gradients"));
        Assert.Equal(144 * 2 * 4, Bytes(estimate, "trainable.optimizer"));
        // Vision (LoRA on its q/v, so it keeps activations), per token: float32 norm inputs 2x4x4 = 32; the q/k/v input 4x2 = 8
        // shared by both adapters (no dropout) + each adapter's rank-2 output 2x2: 16; attention q, k, v, output 4x2x4 = 32
        // + one head's log-sum-exp 4: 36; GELU input 8x2 = 16. 100 x 4 tokens + post_layernorm's float32 input 4x4x4 = 64.
        Assert.Equal(100 * 4 + 64, Bytes(estimate, "activations.vision"));
        // Connector: the GELU input of 8 values x 2 bytes per image token, 4 tokens.
        Assert.Equal(16 * 4, Bytes(estimate, "activations.connector"));
        // Decoder per token and layer: norms 2x4x8 = 64; q/k/v input 8x2 + adapter outputs 2x2x2: 24; attention with the
        // key/value head repeated to both query heads 4x2x8 + 2 heads x 4 = 72; SwiGLU 3x16x2 = 96: 256. 2 layers x 8 tokens,
        // plus the final norm's float32 input 4x8x8 = 256.
        Assert.Equal(256 * 2 * 8 + 256, Bytes(estimate, "activations.decoder"));
        // Logits: 8 tokens x 16 entries x (3 float32 copies + 1 bf16).
        Assert.Equal(8 * 16 * 14, Bytes(estimate, "activations.logits"));
        // Kept for backward: the adapters' bf16 casts (decoder 56 x 2 per layer, vision 32 x 2) and the largest weight's
        // float32 dequantization buffer (128 x 4). The 4-bit weights are dequantized again in backward, not kept.
        Assert.Equal(2 * 112 + 64 + 512, Bytes(estimate, "activations.weight_copies"));
        Assert.Null(estimate.Term("activations.recompute"));
        long activations = 464 + 64 + 4352 + 1792 + 800;
        Assert.Equal(GiB + (long)Math.Round(activations * 0.1), Bytes(estimate, "overhead"));
        Assert.Equal(2024 + 1344 + 576 + 576 + 1152 + activations + GiB + (long)Math.Round(activations * 0.1), estimate.TotalBytes);
    }

    [Fact]
    public void Gradient_checkpointing_keeps_layer_inputs_and_one_recomputed_layer()
    {
        var estimate = MemoryEstimator.Estimate(HandLora with { GradientCheckpointing = true });

        // Layer inputs in bf16 (vision 1 x 4 tokens x 4 x 2, decoder 2 x 8 x 8 x 2) plus the final norms' float32 inputs.
        Assert.Equal(32 + 64, Bytes(estimate, "activations.vision"));
        Assert.Equal(256 + 256, Bytes(estimate, "activations.decoder"));
        // Only the largest float32 dequantization buffer stays: the recomputed layer holds its own copies.
        Assert.Equal(512, Bytes(estimate, "activations.weight_copies"));
        // The larger recomputed layer is a decoder one: 8 tokens x 256 + adapter casts 112 (its 4-bit weights are not kept).
        // Beside the 8 x 16 x 4 = 512 bytes of float32 logits still held it exceeds the logits' 1792-byte peak by 880.
        Assert.Equal(512 + 2160 - 1792, Bytes(estimate, "activations.recompute"));
    }

    [Fact]
    public void Full_fine_tuning_in_float32_trains_and_keeps_every_linear_input()
    {
        var input = HandLora with { Mode = TrainingMode.Full, Lora = null, Quantization = QuantizationPlan.None, Precision = PrecisionPlan.FromName("fp32") };

        var estimate = MemoryEstimator.Estimate(input);

        Assert.Equal(1952, estimate.TrainableParameters);
        Assert.Null(estimate.Term("weights.frozen"));
        Assert.Equal(1952 * 4, Bytes(estimate, "trainable.weights"));
        Assert.Equal(1952 * 2 * 4, Bytes(estimate, "trainable.optimizer"));
        // Vision per token: norms with trainable weights keep the normalized values too 2x2x4x4 = 64; each distinct linear
        // input in float32: q/k/v 16, out_proj 16, fc1 16, fc2 32 = 80; attention 4x4x4 + 4 = 68; GELU input 32: 244.
        Assert.Equal(244 * 4 + 64, Bytes(estimate, "activations.vision"));
        // Connector: GELU input 8x4 + linear_1's input 16 + linear_2's input 32, per image token.
        Assert.Equal(80 * 4, Bytes(estimate, "activations.connector"));
        // Decoder: norms 128; inputs q/k/v 32, o 32, gate/up 32, down 64 = 160; attention 4x4x8 + 8 = 136; SwiGLU 192: 616.
        Assert.Equal(616 * 2 * 8 + 256, Bytes(estimate, "activations.decoder"));
        // lm_head trains, so its input (8 x 4 bytes) is kept beside the logits.
        Assert.Equal(8 * (16 * 16 + 32), Bytes(estimate, "activations.logits"));
        // float32 weights need no cast copies.
        Assert.Null(estimate.Term("activations.weight_copies"));
    }

    [Fact]
    public void Adapter_dropout_keeps_a_mask_and_a_dropped_input_per_adapter()
    {
        var without = MemoryEstimator.Estimate(HandLora);
        var with = MemoryEstimator.Estimate(HandLora with { Lora = new LoraPlan(2, 0.05, ["q_proj", "v_proj"]) });

        // Decoder: the shared 16-byte input is no longer read; each of 2 adapters keeps mask and output, 2 x 2 x 8 x 2 bytes
        // (+48 per token and layer, 2 x 8 of them); vision likewise 2 x 2 x 4 x 2 - 8 = +24 per token, 4 tokens.
        Assert.Equal(48 * 16, Bytes(with, "activations.decoder") - Bytes(without, "activations.decoder"));
        Assert.Equal(24 * 4, Bytes(with, "activations.vision") - Bytes(without, "activations.vision"));
    }

    [Fact]
    public void Frozen_vision_keeps_no_activations_when_no_adapter_reaches_it()
    {
        var estimate = MemoryEstimator.Estimate(HandLora with { Lora = new LoraPlan(2, 0, ["o_proj"]) });

        Assert.Null(estimate.Term("activations.vision"));
        Assert.Null(estimate.Term("activations.connector"));
        Assert.NotNull(estimate.Term("activations.decoder"));
    }

    [Theory]
    [InlineData(false, 4.5)]
    [InlineData(true, 4.127)]
    public void Four_bit_storage_costs_the_bitsandbytes_bits_per_weight(bool doubleQuantization, double bits)
    {
        var nf4 = PlanningFixtures.Nf4(doubleQuantization);
        const long weights = 5120L * 13824;

        Assert.Equal(bits, nf4.BitsPerWeight(2), 3);
        Assert.Equal(bits, nf4.StorageBytes([5120, 13824], 2) * 8.0 / weights, 3);
        Assert.Equal(weights * 2, QuantizationPlan.None.StorageBytes([5120, 13824], 2));
    }

    [Fact]
    public void Batch_size_scales_only_activations()
    {
        var one = MemoryEstimator.Estimate(HandLora);
        var four = MemoryEstimator.Estimate(HandLora with { BatchSize = 4, GradientAccumulation = 2 });

        Assert.Equal(one.Bytes(MemoryCategory.Weights), four.Bytes(MemoryCategory.Weights));
        Assert.Equal(one.Bytes(MemoryCategory.Trainable), four.Bytes(MemoryCategory.Trainable));
        Assert.Equal(4 * Bytes(one, "activations.decoder"), Bytes(four, "activations.decoder"));
    }

    [Theory]
    [InlineData("adamw", 2)]
    [InlineData("adam", 2)]
    [InlineData("lion", 1)]
    public void Optimizer_state_follows_the_optimizer(string name, int tensors)
    {
        var estimate = MemoryEstimator.Estimate(HandLora with { Optimizer = OptimizerPlan.FromName(name) });

        Assert.Equal(144L * 4 * tensors, Bytes(estimate, "trainable.optimizer"));
    }

    private static long Bytes(MemoryEstimate estimate, string key) =>
        (estimate.Term(key) ?? throw new Xunit.Sdk.XunitException($"no term {key}; terms: {string.Join(", ", estimate.Terms.Select(t => t.Key))}")).Bytes;
}
