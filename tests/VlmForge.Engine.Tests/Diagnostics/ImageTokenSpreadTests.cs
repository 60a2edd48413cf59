using VlmForge.Engine.Diagnostics;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Diagnostics;

public class ImageTokenSpreadTests
{
    [Fact]
    public void Images_are_compared_token_by_token_within_equal_token_counts()
    {
        using var scope = NewDisposeScope();
        // A and B (2 tokens each) differ by 1 from their per-token means [2, 2]: RMS deviation 1, RMS size sqrt(20 / 4).
        // C (3 tokens) has no image of its own count to compare with and is left out.
        Tensor[] images = [tensor(new float[] { 1, 3 }).view(2, 1), tensor(new float[] { 3, 1 }).view(2, 1), tensor(new float[] { 5, 5, 5 }).view(3, 1)];

        Assert.Equal(1 / Math.Sqrt(5), ImageUseDiagnosis.TokenSpread(images), 6);
    }

    [Fact]
    public void Images_of_all_different_counts_compare_their_mean_tokens()
    {
        using var scope = NewDisposeScope();
        // Means 2 and 5: RMS deviation from 3.5 is 1.5, RMS size sqrt((4 + 25) / 2).
        Tensor[] images = [tensor(new float[] { 1, 3 }).view(2, 1), tensor(new float[] { 5, 5, 5 }).view(3, 1)];

        Assert.Equal(1.5 / Math.Sqrt(14.5), ImageUseDiagnosis.TokenSpread(images), 6);
        Assert.True(double.IsNaN(ImageUseDiagnosis.TokenSpread([images[0]])));
    }
}
