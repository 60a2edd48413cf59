using VlmForge.Data.Tasks;
using VlmForge.Engine.Diagnostics;

namespace VlmForge.Engine.Tests.Diagnostics;

public sealed class ImageUseReportTests
{
    [Theory]
    [InlineData(-0.00001, "+0.000")]
    [InlineData(0.0, "+0.000")]
    [InlineData(0.1234, "+0.123")]
    [InlineData(-0.0046, "-0.005")]
    public void Gaps_read_with_one_sign_even_when_they_round_to_zero(double gap, string expected) =>
        Assert.Equal(expected, ImageUseReport.FormatGap(gap));

    [Fact]
    public void The_verdict_of_a_model_blind_to_its_images_writes_a_tiny_negative_gap_as_zero()
    {
        var report = new ImageUseReport([new TaskImageUse(TaskKind.Vqa, 64, 3.87001, 3.87, [0.2, 0.2], 0.9)]);

        Assert.StartsWith("ignores the images", report.Verdict, StringComparison.Ordinal);
        Assert.Contains("(vqa +0.000 nats per answer token)", report.Verdict, StringComparison.Ordinal);
    }
}
