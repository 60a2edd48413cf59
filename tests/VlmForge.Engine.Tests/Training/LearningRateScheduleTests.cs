using VlmForge.Engine.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Constant_keeps_the_rate()
    {
        var s = new LearningRateSchedule(LrSchedule.Constant, 1e-4, 100, 0);
        Assert.All(new long[] { 0, 50, 99 }, u => Assert.Equal(1e-4, s.At(u)));
    }

    [Fact]
    public void Warmup_rises_linearly_and_starts_above_zero()
    {
        var s = new LearningRateSchedule(LrSchedule.Constant, 1e-4, 100, 10);
        Assert.Equal(1e-5, s.At(0), 12);
        Assert.Equal(5e-5, s.At(4), 12);
        Assert.Equal(1e-4, s.At(9), 12);
        Assert.Equal(1e-4, s.At(10), 12);
    }

    [Fact]
    public void Linear_falls_to_zero_at_the_end()
    {
        var s = new LearningRateSchedule(LrSchedule.Linear, 1e-4, 110, 10);
        Assert.Equal(1e-4, s.At(10), 12);
        Assert.Equal(5e-5, s.At(60), 12);
        Assert.Equal(0, s.At(110), 12);
    }

    [Fact]
    public void Cosine_follows_half_a_cosine()
    {
        var s = new LearningRateSchedule(LrSchedule.Cosine, 2e-4, 100, 0);
        Assert.Equal(2e-4, s.At(0), 12);
        Assert.Equal(1e-4, s.At(50), 12);
        Assert.Equal(2e-4 * 0.5 * (1 + Math.Cos(Math.PI * 0.25)), s.At(25), 12);
        Assert.True(s.At(75) < s.At(50) && s.At(99) < s.At(75));
    }

    [Fact]
    public void Cosine_is_smoother_than_linear_early_and_lower_late()
    {
        var linear = new LearningRateSchedule(LrSchedule.Linear, 1e-4, 100, 0);
        var cosine = new LearningRateSchedule(LrSchedule.Cosine, 1e-4, 100, 0);
        Assert.True(cosine.At(10) > linear.At(10));
        Assert.True(cosine.At(90) < linear.At(90));
    }
}
