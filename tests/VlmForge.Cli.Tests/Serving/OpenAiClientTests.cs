using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace VlmForge.Cli.Tests.Serving;

/// <summary>
/// The official <c>openai</c> npm client against <c>vlmforge serve</c>, and the loopback load script. <c>.ci/run</c>
/// installs the pinned client into <c>artifacts/node</c>; locally the client test is skipped (reported as skipped) when
/// it is missing, on CI (CI=true) it fails.
/// </summary>
[Collection(ServedRunCollection.Name)]
public sealed class OpenAiClientTests(ServedRun served, ITestOutputHelper log)
{
    private static string OpenAiModule => Path.Combine(Repository.Root(), "artifacts", "node", "node_modules", "openai");

    private static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    [SkippableFact]
    public void The_official_openai_client_lists_answers_streams_and_reads_errors()
    {
        bool installed = Directory.Exists(OpenAiModule);
        Assert.False(OnCi && !installed, $"CI=true but the openai npm client is not at {OpenAiModule}; .ci/run installs it.");
        Skip.IfNot(installed, $"the openai npm client is not installed at {OpenAiModule}: npm install --prefix artifacts/node openai@5.23.2 (as .ci/run does)");
        string image = Path.Combine(served.Images, "00004.png");
        string expected = served.Generate("--image", image, "--prompt", "What color is the circle?");

        var (exit, stdout, stderr) = Node(Path.Combine(AppContext.BaseDirectory, "Serving", "openai-client.cjs"),
            OpenAiModule, new Uri(served.Address, "v1").ToString(), served.ModelId, image);

        Assert.True(exit == 0, $"node exited with {exit}: {stderr}");
        var result = JsonDocument.Parse(stdout).RootElement;
        log.WriteLine(stdout);
        Assert.Equal(served.ModelId, Assert.Single(result.GetProperty("models").EnumerateArray()).GetString());
        Assert.Equal(expected, result.GetProperty("plain").GetString());
        Assert.Equal(expected, result.GetProperty("streamed").GetString());
        Assert.Equal("length", result.GetProperty("finish").GetString());
        var error = result.GetProperty("error");
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.True(error.GetProperty("isApiError").GetBoolean());
    }

    /// <summary>A short run of <c>scripts/serve-load.mjs</c> (plain fetch, no packages): none lost, batched answers equal answers alone.</summary>
    [Fact]
    public void A_concurrent_load_loses_no_request_and_batching_changes_no_answer()
    {
        var (exit, stdout, stderr) = Node(Path.Combine(Repository.Root(), "scripts", "serve-load.mjs"),
            "--url", new Uri(served.Address, "v1").ToString(), "--model", served.ModelId, "--images", served.Images,
            "--requests", "48", "--concurrency", "8", "--max-tokens", "4");

        log.WriteLine(stdout + stderr);
        Assert.True(exit == 0, $"the load script exited with {exit}:\n{stdout}\n{stderr}");
        var summary = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;
        Assert.Equal(48, summary.GetProperty("ok").GetInt32());
        Assert.Equal(0, summary.GetProperty("mismatched").GetInt32());
        Assert.Equal(48 * 4, summary.GetProperty("tokens").GetInt32());
    }

    private static (int Exit, string Stdout, string Stderr) Node(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "node did not finish in 3 minutes");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
