using VlmForge.Engine.Training;

namespace VlmForge.Engine.Tests.Training;

/// <summary>The page's worked examples for epochs, batch size and gradient accumulation.</summary>
public class TrainingPlanTests
{
    [Fact]
    public void Hundred_images_batch_two_is_fifty_steps_per_epoch_and_five_hundred_in_ten_epochs()
    {
        var plan = new TrainingPlan(examples: 100, batchSize: 2, gradientAccumulation: 1, epochs: 10);
        Assert.Equal(50, plan.StepsPerEpoch);
        Assert.Equal(500, plan.TotalSteps);
    }

    [Fact]
    public void Hundred_images_batch_four_is_twenty_five_steps_per_epoch_and_250_in_ten_epochs()
    {
        var plan = new TrainingPlan(100, 4, 1, 10);
        Assert.Equal(25, plan.StepsPerEpoch);
        Assert.Equal(250, plan.TotalSteps);
    }

    [Theory]
    [InlineData(4, 4, 16)] // "Batch size 4, accumulation steps 4: effective batch size 16"
    [InlineData(2, 4, 8)]  // memory constrained
    [InlineData(4, 2, 8)]  // balanced
    [InlineData(8, 1, 8)]  // memory available
    public void Effective_batch_is_batch_times_accumulation(int batch, int accumulation, int effective)
    {
        Assert.Equal(effective, new TrainingPlan(1000, batch, accumulation, 1).EffectiveBatchSize);
    }

    [Fact]
    public void Configurations_with_the_same_effective_batch_make_the_same_updates_per_epoch()
    {
        // The page's Configuration A (8 x 1) and B (2 x 4): updates per epoch = dataset_size / 8 for both.
        var a = new TrainingPlan(800, 8, 1, 1);
        var b = new TrainingPlan(800, 2, 4, 1);
        Assert.Equal(100, a.UpdatesPerEpoch);
        Assert.Equal(100, b.UpdatesPerEpoch);
        Assert.Equal(4 * a.StepsPerEpoch, b.StepsPerEpoch);
    }

    [Fact]
    public void A_partial_last_batch_still_counts_as_a_step()
    {
        Assert.Equal(34, new TrainingPlan(100, 3, 1, 1).StepsPerEpoch);
    }

    [Fact]
    public void Updates_every_accumulation_steps_and_at_the_end_of_an_epoch()
    {
        // 10 steps per epoch, accumulation 4: groups of 4, 4, 2.
        var plan = new TrainingPlan(20, 2, 4, 2);
        var positions = Enumerable.Range(0, (int)plan.TotalSteps).Select(s => plan.Locate(s)).ToArray();

        Assert.Equal(3, plan.UpdatesPerEpoch);
        Assert.Equal(6, plan.TotalUpdates);
        Assert.Equal([3, 7, 9, 13, 17, 19], positions.Select((p, i) => (p, i)).Where(x => x.p.UpdatesAfter).Select(x => x.i));
        Assert.Equal(4, positions[0].AccumulationGroupSize);
        Assert.Equal(2, positions[8].AccumulationGroupSize);
        Assert.Equal(2, positions[9].AccumulationGroupSize);
        Assert.Equal(5, positions[19].Update);
        Assert.Equal(1, positions[10].Epoch);
        Assert.Equal(0, positions[10].StepInEpoch);
    }

    [Fact]
    public void Max_steps_cuts_the_run_and_closes_the_last_group_early()
    {
        var plan = new TrainingPlan(20, 2, 4, 5, maxSteps: 6);
        Assert.Equal(6, plan.TotalSteps);
        Assert.Equal(2, plan.TotalUpdates);
        Assert.Equal(2, plan.Locate(4).AccumulationGroupSize);
        Assert.True(plan.Locate(5).UpdatesAfter);
    }

    [Theory]
    [InlineData(36, 4, 1, 10, 10)]   // no accumulation: an update per step
    [InlineData(36, 4, 2, 10, 18)]   // 9 steps make 5 updates an epoch (the last group is 1 step): 10 updates = 2 epochs
    [InlineData(36, 4, 2, 7, 13)]    // one epoch (5 updates, 9 steps) + 2 groups of 2 steps
    [InlineData(20, 2, 4, 2, 8)]
    public void Max_steps_counts_optimizer_updates_so_the_run_makes_exactly_that_many(int examples, int batch, int accumulation, int updates, long steps)
    {
        Assert.Equal(steps, TrainingPlan.StepsForUpdates(examples, batch, accumulation, updates));
        Assert.Equal(updates, new TrainingPlan(examples, batch, accumulation, 100, steps).TotalUpdates);
    }

    [Theory]
    [InlineData(8, 100, 2, 2, 1, "8 steps/epoch x 100 epochs = 800 steps, capped by max_steps = 2: 2 steps")]
    [InlineData(9, 100, 18, 10, 2, "9 steps/epoch x 100 epochs = 900 steps, capped by max_steps = 10 updates (x accumulation 2): 18 steps")]
    [InlineData(8, 3, 24, 0, 1, "8 steps/epoch x 3 epochs = 24 steps")]
    [InlineData(8, 3, 24, 50, 1, "8 steps/epoch x 3 epochs = 24 steps")]
    public void The_step_line_says_when_max_steps_caps_the_epochs(long perEpoch, int epochs, long total, long maxUpdates, int accumulation, string expected) =>
        Assert.Equal(expected, TrainingPlan.DescribeSteps(perEpoch, epochs, total, maxUpdates, accumulation));
}
