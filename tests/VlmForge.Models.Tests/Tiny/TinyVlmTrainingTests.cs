using TorchSharp;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Tiny;

public class TinyVlmTrainingTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void A_few_AdamW_steps_on_one_batch_reduce_the_loss(ScalarType dtype)
    {
        using var model = TestModels.BuildFull(dtype);
        model.train();
        using var optimizer = optim.AdamW(model.TrainableParameters().Select(p => p.Parameter), lr: 3e-3);
        var batch = TestModels.Batch(model.Config, [14, 12, 10, 14]);

        var losses = new List<float>();
        for (var step = 0; step < 12; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = model.Forward(batch).Loss!;
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        Assert.True(losses[^1] < losses[0] * 0.7, $"loss should fall by 30%: {string.Join(", ", losses)}");
    }

    [Fact]
    public void Trainable_weights_stay_float32_while_bf16_runs_the_matmuls()
    {
        using var model = TestModels.BuildFull(ScalarType.BFloat16);
        using var scope = NewDisposeScope();
        Assert.All(model.TrainableParameters(), p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));

        var batch = TestModels.Batch(model.Config, [10]);
        var loss = model.Forward(batch).Loss!;
        loss.backward();

        // Gradients reach the float32 master weights through the bf16 casts.
        var grad = model.TrainableParameters().Single(p => p.Name == "language_model.layers.0.mlp.up_proj.weight").Parameter.grad!;
        Assert.Equal(ScalarType.Float32, grad.dtype);
        Assert.True(grad.abs().sum().item<float>() > 0);
    }
}
