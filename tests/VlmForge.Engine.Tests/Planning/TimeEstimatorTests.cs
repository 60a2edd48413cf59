using VlmForge.Engine.Planning.Memory;
using VlmForge.Engine.Planning.Time;
using VlmForge.Models.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Planning;

public class TimeEstimatorTests
{
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
    public void Operations_of_a_step_by_hand()
    {
        // Vision (4 tokens): matmuls 2x4x128 = 1024, adapters 2x4x32 = 256, attention 4x4 tokens x 4 context x 4 wide = 256;
        //   forward 1536, backward input gradients 1280 + 2x256, adapter weight gradients 256: 3584.
        // Decoder (8 tokens): matmuls 2x8x2x576 = 18432, adapters 2x8x2x56 = 1792, causal attention 4x8x8x8x2 / 2 = 2048;
        //   forward 22272, backward 20224 + 4096, adapter gradients 1792: 48384.
        // Connector (4 image tokens, 96 weights): 768 forward, 768 backward. Head (8 tokens, 128 weights): 2048 + 2048.
        Assert.Equal(3584 + 48384 + 1536 + 4096, TimeEstimator.FlopsPerStep(HandLora));
    }

    [Fact]
    public void Gradient_checkpointing_runs_each_stored_stack_forward_once_more()
    {
        var plain = TimeEstimator.FlopsPerStep(HandLora);
        var checkpointed = TimeEstimator.FlopsPerStep(HandLora with { GradientCheckpointing = true });

        Assert.Equal(1536 + 22272, checkpointed - plain);
    }

    [Fact]
    public void Steps_and_time_of_a_run()
    {
        var time = TimeEstimator.Estimate(HandLora with { BatchSize = 4 }, sustainedTflops: 1e-9, trainExamples: 10, epochs: 3, maxSteps: 0);

        // At 1000 operations per second; ceil(10 / 4) = 3 steps per epoch, 9 in 3 epochs.
        Assert.Equal(TimeEstimator.FlopsPerStep(HandLora with { BatchSize = 4 }) / 1000, time.SecondsPerStep, 9);
        Assert.Equal(3, time.StepsPerEpoch);
        Assert.Equal(9, time.TotalSteps);
        Assert.Equal(9 * time.SecondsPerStep, time.TotalSeconds!.Value, 9);
    }

    [Fact]
    public void Max_steps_counts_optimizer_updates_and_fp32_runs_at_half_speed()
    {
        var input = HandLora with { GradientAccumulation = 2, Precision = PrecisionPlan.FromName("fp32") };

        var time = TimeEstimator.Estimate(input, sustainedTflops: 1e-9, trainExamples: 100, epochs: 5, maxSteps: 3);

        Assert.Equal(6, time.TotalSteps);
        Assert.Equal(2 * TimeEstimator.FlopsPerStep(input) / 1000, time.SecondsPerStep, 9);
    }
}
