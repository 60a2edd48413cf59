using static TorchSharp.torch;

namespace VlmForge.Models.Tests.Support;

internal static class TensorAssert
{
    /// <summary>Asserts |expected - actual| ≤ atol + rtol·|expected| everywhere, reporting the worst element.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol = 0, string what = "tensors")
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var e = expected.to(ScalarType.Float64);
        var a = actual.to(ScalarType.Float64);
        var excess = (e - a).abs() - (e.abs() * rtol + atol);
        var worst = excess.max().item<double>();
        var maxDiff = (e - a).abs().max().item<double>();
        Assert.True(worst <= 0, $"{what} differ by up to {maxDiff:G4} (atol {atol}, rtol {rtol})");
    }

    public static double MaxAbsDiff(Tensor expected, Tensor actual)
    {
        using var scope = NewDisposeScope();
        return (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
    }
}
