using System.Runtime;
using VlmForge.Engine.Runtime;

namespace VlmForge.Engine.Tests.Runtime;

[Collection(TorchGlobalState.Name)]
public class NoGcRegionTests
{
    [Fact]
    public void No_collection_starts_inside_a_region_and_the_region_ends_on_dispose()
    {
        int before;
        using (var region = NoGcRegion.Enter())
        {
            Assert.True(region.IsActive);
            before = GC.CollectionCount(0);
            for (int i = 0; i < 10_000; i++) _ = new byte[256];
            Assert.Equal(before, GC.CollectionCount(0));
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void Regions_do_not_nest()
    {
        using var outer = NoGcRegion.Enter();
        using var inner = NoGcRegion.Enter();
        Assert.True(outer.IsActive);
        Assert.False(inner.IsActive);
    }

    [Fact]
    public void Allocating_past_the_budget_ends_the_region_without_failing_dispose()
    {
        var region = NoGcRegion.Enter(budget: 1024 * 1024);
        var keep = new List<byte[]>();
        for (int i = 0; i < 64; i++) keep.Add(new byte[256 * 1024]);
        region.Dispose();
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        GC.KeepAlive(keep);
    }
}
