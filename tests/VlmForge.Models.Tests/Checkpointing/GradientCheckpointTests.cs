using TorchSharp;
using VlmForge.Models.Checkpointing;
using VlmForge.Models.Tests.Support;
using VlmForge.Models.Tiny;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Checkpointing;

public class GradientCheckpointTests
{
    [Fact]
    public void Checkpointed_full_training_gives_the_gradients_of_plain_backward()
    {
        using var plain = TestModels.BuildFull();
        using var checkpointed = TestModels.BuildFull();
        checkpointed.GradientCheckpointing = true;

        AssertSameGradients(plain, checkpointed, seed: 1);
    }

    [Fact]
    public void Checkpointed_lora_training_with_dropout_recomputes_the_same_mask()
    {
        using var plain = TestModels.BuildLora(dropout: 0.3);
        using var checkpointed = TestModels.BuildLora(dropout: 0.3);
        checkpointed.GradientCheckpointing = true;
        foreach (var model in new[] { plain, checkpointed })
        {
            // A non-zero B so that A gets gradients too; same values in both.
            manual_seed(99);
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.EndsWith("lora_B.weight", StringComparison.Ordinal)))
            {
                using var noGrad = no_grad();
                parameter.normal_(0, 0.1);
            }
        }

        AssertSameGradients(plain, checkpointed, seed: 2);
    }

    [Fact]
    public void Gradients_reach_parameters_even_when_the_input_needs_none()
    {
        manual_seed(4);
        using var linear = nn.Linear(3, 3);
        using var input = randn(2, 3);       // no requires_grad, like frozen embeddings under LoRA
        var parameters = linear.parameters().ToList();

        var output = GradientCheckpoint.Run((x, _) => linear.call(x).tanh(), input, [], parameters);
        output.sum().backward();
        var checkpointedGrad = linear.weight!.grad!.clone();
        linear.zero_grad();
        linear.call(input).tanh().sum().backward();

        Assert.True(output.requires_grad);
        TensorAssert.Close(linear.weight!.grad!, checkpointedGrad, atol: 1e-7);
    }

    private static void AssertSameGradients(TinyVlm plain, TinyVlm checkpointed, int seed)
    {
        plain.train();
        checkpointed.train();
        var batch = TestModels.Batch(plain.Config, [12, 10, 11]);
        manual_seed(seed);
        using (var scope = NewDisposeScope())
        {
            plain.Forward(batch).Loss!.backward();
        }
        manual_seed(seed);
        using (var scope = NewDisposeScope())
        {
            checkpointed.Forward(batch).Loss!.backward();
        }

        var expected = plain.TrainableParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var actual = checkpointed.TrainableParameters();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (name, parameter) in actual)
        {
            var want = expected[name].grad;
            Assert.True(want is not null, $"{name} has no gradient without checkpointing");
            Assert.True(parameter.grad is not null, $"{name} has no gradient with checkpointing");
            TensorAssert.Close(want!, parameter.grad!, atol: 1e-6, rtol: 1e-4, what: name);
        }
    }
}
