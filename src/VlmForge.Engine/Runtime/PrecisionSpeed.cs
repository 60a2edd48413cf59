using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using static TorchSharp.torch;

namespace VlmForge.Engine.Runtime;

/// <summary>
/// Measured CPU training throughput (a small MLP step) in fp32, bf16 and fp16 on this machine. Most CPUs without avx512_bf16 / AMX emulate
/// bf16 and fp16 matmuls, which makes them many times slower than fp32 (measured: a tiny training step 25x slower),
/// while the page's default precision is bf16. <c>doctor</c> prints the measurement; <c>check</c>, <c>plan</c> and
/// <c>train</c> warn from the cached one.
/// </summary>
/// <param name="Gflops">GFLOP/s by precision name (<c>fp32</c>, <c>bf16</c>, <c>fp16</c>).</param>
/// <param name="Threads">libtorch threads during the measurement.</param>
/// <param name="Cpu">The CPU model the measurement belongs to.</param>
public sealed record PrecisionSpeed(IReadOnlyDictionary<string, double> Gflops, int Threads, string Cpu)
{
    /// <summary>A precision at least this many times slower than the fastest gets a warning.</summary>
    public const double WarnFactor = 2.0;

    private const int Side = 256;

    /// <summary>The fastest precision here.</summary>
    public string Fastest => Gflops.MaxBy(p => p.Value).Key;

    /// <summary>How many times slower <paramref name="precision"/> is than the fastest (1 = it is the fastest; 1 for unknown names).</summary>
    public double SlowdownOf(string precision) =>
        Gflops.TryGetValue(precision, out double speed) && speed > 0 ? Gflops[Fastest] / speed : 1;

    /// <summary>A warning when <paramref name="precision"/> is at least <see cref="WarnFactor"/> times slower than the fastest, else null.</summary>
    public string? Warning(string precision)
    {
        double factor = SlowdownOf(precision);
        if (factor < WarnFactor) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"model.precision = \"{precision}\" trains {factor:F1}x slower than \"{Fastest}\" on this CPU ({Cpu}; measured " +
            $"{Gflops[precision]:F1} vs {Gflops[Fastest]:F1} GFLOP/s, see `vlmforge doctor`); set precision = \"{Fastest}\" to train on this CPU, " +
            $"keep \"{precision}\" for a GPU or a CPU with native {precision}.");
    }

    /// <summary>
    /// Runs a small MLP training step (forward and backward of two linear layers with a GELU, as in a decoder layer) in
    /// each precision for about <paramref name="budgetPerPrecision"/> each. A bare matmul is not enough: on CPUs that
    /// emulate bf16 the matmul itself can keep up while the backward pass and the elementwise work fall far behind.
    /// </summary>
    public static PrecisionSpeed Measure(TimeSpan? budgetPerPrecision = null)
    {
        var budget = budgetPerPrecision ?? TimeSpan.FromMilliseconds(200);
        const int rows = 64, width = Side, hidden = 4 * Side;
        // Forward and backward: three matmuls' worth per linear layer.
        const double flopsPerStep = 3.0 * 2 * 2 * rows * width * hidden;
        var speeds = new Dictionary<string, double>();
        foreach (var (name, dtype) in new[] { ("fp32", ScalarType.Float32), ("bf16", ScalarType.BFloat16), ("fp16", ScalarType.Float16) })
        {
            using var scope = NewDisposeScope();
            var x = randn(rows, width).to(dtype);
            var up = (randn(hidden, width) * 0.02).to(dtype).requires_grad_();
            var down = (randn(width, hidden) * 0.02).to(dtype).requires_grad_();
            void Step()
            {
                using var step = NewDisposeScope();
                var y = nn.functional.linear(nn.functional.gelu(nn.functional.linear(x, up)), down);
                y.square().mean().backward();
                up.grad!.zero_();
                down.grad!.zero_();
            }
            Step(); // warm-up: first calls pick kernels and allocate
            int iterations = 0;
            var clock = Stopwatch.StartNew();
            do
            {
                Step();
                iterations++;
            }
            while (clock.Elapsed < budget);
            speeds[name] = flopsPerStep * iterations / clock.Elapsed.TotalSeconds / 1e9;
        }
        return new PrecisionSpeed(speeds, get_num_threads(), CpuModel());
    }

    /// <summary>
    /// The measurement for this CPU and thread count from the cache (<c>$XDG_CACHE_HOME/vlmforge</c> or
    /// <c>~/.cache/vlmforge</c>), measuring and caching it first when there is none.
    /// </summary>
    public static PrecisionSpeed Cached(string? cacheFolder = null)
    {
        string folder = cacheFolder ?? DefaultCacheFolder();
        string file = Path.Combine(folder, "precision-speed-v2.json");
        string cpu = CpuModel();
        int threads = get_num_threads();
        try
        {
            if (File.Exists(file) && JsonSerializer.Deserialize<PrecisionSpeed>(File.ReadAllText(file)) is { } cached
                && cached.Cpu == cpu && cached.Threads == threads && cached.Gflops.Count == 3)
                return cached;
        }
        catch (JsonException)
        {
            // A damaged cache is measured again.
        }
        var measured = Measure();
        try
        {
            Directory.CreateDirectory(folder);
            Abstractions.IO.DurableFile.WriteAllText(file, JsonSerializer.Serialize(measured));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No writable cache: measure again next time.
        }
        return measured;
    }

    private static string DefaultCacheFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "vlmforge");
    }

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null) return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        return $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture} CPU";
    }
}
