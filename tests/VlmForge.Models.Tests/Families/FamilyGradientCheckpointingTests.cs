using TorchSharp;
using VlmForge.Models.Tests.Support;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Families;

public class FamilyGradientCheckpointingTests
{
    [Fact]
    public void Checkpointed_vision_blocks_and_decoder_layers_give_the_same_gradients()
    {
        using var scope = NewDisposeScope();
        var batch = FamilyFixtures.QwenBatch([5, 3]);
        Dictionary<string, Tensor> Gradients(bool checkpointing)
        {
            using var model = FamilyFixtures.Build(FamilyFixtures.QwenConfig(), FamilyFixtures.LoraSetup(targets: ["q_proj", "qkv", "up_proj"]) with
            {
                GradientCheckpointing = checkpointing,
            });
            model.train();
            model.Forward(batch).Loss!.backward();
            return model.TrainableParameters().ToDictionary(p => p.Name, p => p.Parameter.grad!.clone().DetachFromDisposeScope());
        }

        var plain = Gradients(false);
        var checkpointed = Gradients(true);

        Assert.Equal(plain.Keys.Order(), checkpointed.Keys.Order());
        Assert.Contains(plain.Keys, k => k.StartsWith("visual.blocks.1.", StringComparison.Ordinal));
        foreach (var (name, gradient) in plain)
        {
            TensorAssert.Close(gradient, checkpointed[name], atol: 1e-6, rtol: 1e-4, what: name);
        }
        Assert.Contains(plain.Values, g => g.abs().sum().item<float>() > 0);
    }
}
