using VlmForge.Engine.Training;

namespace VlmForge.Engine.Tests.Training;

public class EarlyStoppingTests
{
    [Fact]
    public void Stops_after_patience_evaluations_without_improvement()
    {
        var stopping = new EarlyStopping(higherIsBetter: false, patience: 3, minDelta: 0.0);
        Assert.True(stopping.Observe(2.1));
        Assert.True(stopping.Observe(1.6));
        Assert.False(stopping.Observe(1.7));
        Assert.False(stopping.Observe(1.6));
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Observe(1.65));
        Assert.True(stopping.ShouldStop);
        Assert.Equal(1.6, stopping.Best);
    }

    [Fact]
    public void Improvements_smaller_than_min_delta_do_not_count()
    {
        // The page's "converged" example: 0.25, 0.24, 0.24 with min_delta 0.02 is no progress.
        var stopping = new EarlyStopping(higherIsBetter: false, patience: 2, minDelta: 0.02);
        stopping.Observe(0.25);
        Assert.False(stopping.Observe(0.24));
        Assert.False(stopping.Observe(0.24));
        Assert.True(stopping.ShouldStop);
    }

    [Fact]
    public void Higher_is_better_metrics_improve_upwards()
    {
        var stopping = new EarlyStopping(higherIsBetter: true, patience: 1, minDelta: 0.0);
        stopping.Observe(0.5);
        Assert.True(stopping.Observe(0.6));
        Assert.False(stopping.Observe(0.55));
        Assert.True(stopping.ShouldStop);
    }

    [Fact]
    public void A_nan_metric_never_improves()
    {
        var stopping = new EarlyStopping(false, 1, 0);
        stopping.Observe(1.0);
        Assert.False(stopping.Observe(double.NaN));
        Assert.Equal(1.0, stopping.Best);
    }
}
