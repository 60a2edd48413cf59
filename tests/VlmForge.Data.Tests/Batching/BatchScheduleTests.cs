using VlmForge.Data.Batching;

namespace VlmForge.Data.Tests.Batching;

public class BatchScheduleTests
{
    [Fact]
    public void Steps_per_epoch_is_the_ceiling_of_examples_over_batch_size()
    {
        var schedule = new BatchSchedule(10, 4, seed: 1);
        Assert.Equal(3, schedule.BatchesPerEpoch);
        Assert.Equal([4, 4, 2], schedule.Batches(DataPosition.Start, 1).Select(b => b.Indices.Count));
        Assert.Equal(2, new BatchSchedule(10, 4, seed: 1, dropLast: true).BatchesPerEpoch);
    }

    [Fact]
    public void Each_epoch_is_a_permutation_that_depends_on_seed_and_epoch_only()
    {
        var a = new BatchSchedule(50, 8, seed: 42);
        var b = new BatchSchedule(50, 8, seed: 42);
        Assert.Equal(Enumerable.Range(0, 50), a.OrderOf(0).Order());
        Assert.Equal(a.OrderOf(3), b.OrderOf(3));
        Assert.NotEqual(a.OrderOf(0), a.OrderOf(1));
        Assert.NotEqual(a.OrderOf(0), new BatchSchedule(50, 8, seed: 43).OrderOf(0));
        Assert.Equal(Enumerable.Range(0, 50), new BatchSchedule(50, 8, seed: 42, shuffle: false).OrderOf(5));
    }

    [Fact]
    public void Resuming_from_a_saved_position_gives_the_batches_of_an_uninterrupted_run()
    {
        var schedule = new BatchSchedule(10, 4, seed: 7);
        List<DataBatch> full = schedule.Batches(DataPosition.Start, 3).ToList();
        Assert.Equal(9, full.Count);

        // Stop after the 4th batch (epoch 1, second batch) and resume from what it recorded.
        DataPosition saved = full[3].Next;
        Assert.Equal(new DataPosition(1, 4), saved);
        List<DataBatch> resumed = new BatchSchedule(10, 4, seed: 7).Batches(saved, 3).ToList();
        Assert.Equal(full.Skip(4).Select(b => b.Indices), resumed.Select(b => b.Indices));
        Assert.Equal(full.Skip(4).Select(b => (b.Epoch, b.BatchInEpoch)), resumed.Select(b => (b.Epoch, b.BatchInEpoch)));
        Assert.Equal(new DataPosition(3, 0), resumed[^1].Next);
    }
}
