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

    /// <summary>Each row of <paramref name="together"/>'s logits equals the logits of that row's batch run alone (its real length).</summary>
    public static void AssertRowsMatchAlone(Tensor together, IReadOnlyList<Tensor> alone, double atol = 1e-5)
    {
        for (int row = 0; row < alone.Count; row++)
        {
            var length = alone[row].shape[1];
            var part = together.narrow(0, row, 1).narrow(1, 0, length);
            Assert.True(part.allclose(alone[row], rtol: 0, atol: atol),
                $"row {row}: max |difference| {(part - alone[row]).abs().max().item<float>()}");
        }
    }
}
