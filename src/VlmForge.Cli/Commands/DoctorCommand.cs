using System.CommandLine;
using System.Diagnostics;
using TorchSharp;
using VlmForge.Engine.Runtime;
using static TorchSharp.torch;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge doctor</c>: proves this installation can train. It loads libtorch from the install folder,
/// fits a small linear map with AdamW and reports what the machine offers (threads, CUDA, bf16 speed).
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check that TorchSharp loads here and can train; print device facts.");
        command.SetAction(parse => Run(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(TextWriter output, TextWriter error)
    {
        try
        {
            output.WriteLine(BuildInfo.Describe());
            output.WriteLine($"libtorch threads: {torch.get_num_threads()}");
            output.WriteLine($"CUDA available: {(torch.cuda.is_available() ? $"yes ({torch.cuda.device_count()} device(s))" : "no")}");

            var (first, last, elapsed) = FitLinearMap();
            output.WriteLine($"training check: AdamW on a 16x8 linear map, loss {first:G4} -> {last:G4} in 100 steps ({elapsed.TotalMilliseconds:F0} ms)");
            if (!(last < first / 10))
            {
                error.WriteLine("error: the training check did not learn; libtorch may be broken on this machine.");
                return 1;
            }
            var speed = PrecisionSpeed.Measure();
            output.WriteLine($"training throughput (MLP step) on {speed.Cpu} ({speed.Threads} threads): " +
                             string.Join(", ", speed.Gflops.Select(p => $"{p.Key} {p.Value:F1} GFLOP/s")));
            output.WriteLine($"precision: train in \"{speed.Fastest}\" on this CPU (model.precision)" +
                             string.Concat(speed.Gflops.Keys.Where(p => p != speed.Fastest).Select(p => $"; {p} is {speed.SlowdownOf(p):F1}x slower")) +
                             (cuda.is_available() ? "; on the GPU prefer bf16" : ""));
            output.WriteLine("ok");
            return 0;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            error.WriteLine($"error: TorchSharp could not load libtorch from {AppContext.BaseDirectory}: {e.GetBaseException().Message}");
            error.WriteLine("On Linux the build marks libLibTorchSharp.so's GLIBCXX_3.4.32 need weak; rebuild without -p:VlmForgeFixLibTorch=false.");
            return 1;
        }
    }

    private static (float First, float Last, TimeSpan Elapsed) FitLinearMap()
    {
        var generator = new torch.Generator(7);
        using var truth = randn(8, 16, generator: generator);
        using var x = randn(256, 16, generator: generator);
        using var y = x.matmul(truth.t());
        using var model = nn.Linear(16, 8);
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.05, weight_decay: 0);
        float first = 0, last = 0;
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < 100; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        return (first, last, clock.Elapsed);
    }
}
