using VlmForge.Engine.Planning;
using VlmForge.Engine.Planning.Memory;
using Xunit.Abstractions;

namespace VlmForge.Engine.Tests.Planning;

public class PageFiguresTests(ITestOutputHelper output)
{
    [Fact]
    public void Print_reference_numbers()
    {
        foreach (var (family, size) in new[] { ("qwen2_5_vl", "small"), ("qwen2_5_vl", "medium"), ("qwen2_5_vl", "large"), ("smolvlm", "small") })
        foreach (var text in new[] { 570, 186 })
        {
            var shape = PlanningFixtures.Preset(family, size);
            var seq = family == "smolvlm" ? new SequenceShape(1, 81, 729, text, text) : new SequenceShape(1, 256, 1024, text, text);
            var line = $"{size} {family} text {text}:";
            foreach (var b in new[] { 1, 2, 4, 8, 16, 32 })
            {
                var e = MemoryEstimator.Estimate(PlanningFixtures.PageDefaults(shape, seq) with { BatchSize = b });
                line += $" b{b}={Quantities.GiB(e.TotalBytes):0.0}";
            }
            output.WriteLine(line);
        }
        var l = "13B:";
        foreach (var b in new[] { 1, 2, 4, 8, 16, 32 })
        {
            var e = MemoryEstimator.Estimate(PlanningFixtures.PageDefaults(PlanningFixtures.Llava13B, PlanningFixtures.Llava13BSequence) with { BatchSize = b });
            l += $" b{b}={Quantities.GiB(e.TotalBytes):0.0}";
        }
        output.WriteLine(l);
    }
}
