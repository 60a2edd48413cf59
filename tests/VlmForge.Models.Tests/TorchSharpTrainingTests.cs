using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Tests;

/// <summary>TorchSharp runs real training from this output folder: gradients flow and AdamW learns.</summary>
public class TorchSharpTrainingTests
{
    [Fact]
    public void One_AdamW_step_changes_every_weight()
    {
        torch.manual_seed(1);
        using var model = nn.Linear(4, 3);
        var before = model.weight!.detach().clone();
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.01);

        using var x = randn(8, 4);
        using var loss = model.forward(x).pow(2).mean();
        loss.backward();
        optimizer.step();

        var delta = (model.weight!.detach() - before).abs();
        Assert.True(delta.min().item<float>() > 0, "every weight should move after one step");
        // The first Adam step moves each weight by about lr (m/sqrt(v) = ±1), plus decoupled decay lr·wd·w.
        Assert.InRange(delta.max().item<float>(), 0.009f, 0.0111f);
    }

    [Fact]
    public void Loss_falls_when_fitting_a_linear_map()
    {
        torch.manual_seed(2);
        using var truth = randn(3, 4);
        using var x = randn(64, 4);
        using var y = x.matmul(truth.t());
        using var model = nn.Linear(4, 3);
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.05, weight_decay: 0);

        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 20, $"loss should fall at least 20x: {first} -> {last}");
    }
}
