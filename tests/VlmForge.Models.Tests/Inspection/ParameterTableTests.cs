using VlmForge.Models.Inspection;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Training;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Inspection;

public class ParameterTableTests
{
    [Fact]
    public void Full_training_counts_every_parameter_as_trainable_float32()
    {
        using var model = TestModels.BuildFull(ScalarType.BFloat16);
        var table = model.DescribeParameters();

        var total = model.parameters().Sum(p => p.numel());
        Assert.Equal(total, table.TrainableParameters);
        Assert.Equal(total * 4, table.TrainableBytes);
        Assert.Equal(0, table.FrozenParameters);
        Assert.Equal(["vision_tower", "multi_modal_projector", "language_model", "lm_head"], table.Rows.Select(r => r.Module));
        Assert.All(table.Rows, r => Assert.Equal("Float32", r.Dtypes));
        // lm_head: 40 x 32 weights.
        Assert.Equal(1280, table.Rows.Single(r => r.Module == "lm_head").TrainableParameters);
    }

    [Fact]
    public void Lora_training_separates_adapters_from_frozen_bf16_base_weights()
    {
        using var model = TestModels.BuildLora(dtype: ScalarType.BFloat16);
        var table = model.DescribeParameters();
        var adapters = table.Rows.Single(r => r.Module == "language_model" && r.Kind == ParameterKind.Lora);
        var decoderBase = table.Rows.Single(r => r.Module == "language_model" && r.Kind == ParameterKind.Base);

        // Per decoder layer, rank 4: q (4·32 + 32·4) + k (4·32 + 16·4) + v (same as k) + o (same as q) = 896; 2 layers.
        Assert.Equal(1792, adapters.TrainableParameters);
        Assert.Equal(1792 * 4, adapters.TrainableBytes);
        Assert.Equal(0, adapters.FrozenParameters);
        Assert.Equal(0, decoderBase.TrainableParameters);
        Assert.Equal(decoderBase.FrozenParameters * 2, decoderBase.FrozenBytes);
        Assert.Equal("BFloat16", decoderBase.Dtypes);
        Assert.Equal(model.TrainableParameters().Sum(p => p.Parameter.numel()), table.TrainableParameters);
    }

    [Fact]
    public void Quantized_weights_count_the_weights_they_stand_for_and_the_bytes_they_hold()
    {
        using var model = TestModels.Build(new ModelSetup
        {
            Mode = TrainingMode.Lora, Lora = TestModels.Lora(), Quantizer = new RoundingQuantizer(), ComputeDtype = ScalarType.Float32,
        });
        var table = model.DescribeParameters();
        var quantized = table.Rows.Single(r => r.Module == "language_model" && r.Kind == ParameterKind.Quantized);

        // Per decoder layer: q 32·32, k 16·32, v 16·32, o 32·32, gate/up 64·32 each, down 32·64 = 9216; 2 layers.
        Assert.Equal(18432, quantized.FrozenParameters);
        Assert.Equal(18432 * 2, quantized.FrozenBytes);     // the test quantizer holds bf16
        Assert.Equal(0, quantized.TrainableParameters);
        Assert.Contains(table.Rows, r => r.Module == "vision_tower" && r.Kind == ParameterKind.Quantized);
    }

    [Fact]
    public void The_text_table_lists_each_row_and_a_total()
    {
        using var model = TestModels.BuildLora();
        var text = model.DescribeParameters().Format();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("module", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("language_model", StringComparison.Ordinal) && l.Contains("lora", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("total", StringComparison.Ordinal));
        Assert.StartsWith("trainable: ", lines[^1]);
    }
}
