using VlmForge.Engine.Pipeline;

namespace VlmForge.Engine.Tests.Pipeline;

public class CpuFeaturesTests
{
    [Theory]
    [InlineData("flags\t\t: fpu avx512f avx512bw avx512_vnni", false)]
    [InlineData("flags\t\t: fpu avx512f avx512_bf16 avx512_vnni", true)]
    [InlineData("flags\t\t: fpu amx_bf16 amx_tile", true)]
    [InlineData("processor : 0", false)]
    public void Native_bf16_is_read_from_the_flags_line(string cpuinfo, bool expected)
    {
        Assert.Equal(expected, CpuFeatures.ListsNativeBf16("processor\t: 0\n" + cpuinfo + "\nbugs\t\t: avx512_bf16_fake"));
    }
}
