using static TorchSharp.torch;

namespace VlmForge.Plugins.Tests.Support;

public static class TensorAssert
{
    /// <summary>Same shape, same dtype and bit-for-bit the same values.</summary>
    public static void Identical(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        using var same = expected.eq(actual).all();
        Assert.True(same.item<bool>(), $"tensors differ; largest difference {(expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>()}");
    }

    /// <summary>Same shape and dtype, values within <paramref name="tolerance"/> of each other (absolute).</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        double largest = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max().item<double>();
        Assert.True(largest <= tolerance, $"tensors differ by up to {largest}, more than {tolerance}");
    }
}
