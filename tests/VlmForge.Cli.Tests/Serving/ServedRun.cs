using System.Text.RegularExpressions;
using VlmForge.Cli.Commands;
using VlmForge.Cli.Serving;

namespace VlmForge.Cli.Tests.Serving;

/// <summary>
/// A run trained through the CLI and served with <c>vlmforge serve</c> on a free loopback port, shared by the serving
/// tests. The learning rate is tiny so that the model stays near its random start: greedy answers are then long,
/// varied token strings (a briefly trained model answers every question with its end token at once, and answers that
/// are all empty would make comparisons meaningless). The run samples nothing by default and constrains grounding JSON.
/// </summary>
public sealed class ServedRun : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _serverOutput = new();
    private Task<int>? _server;

    public string Folder { get; } = Directory.CreateTempSubdirectory("vlmforge-serve-").FullName;

    public string RunPath => Path.Combine(Folder, "runs", ModelId);

    public string ModelId => "served";

    /// <summary>The shapes images the run was trained on (also the folder local image paths may name).</summary>
    public string Images => Path.Combine(Folder, "data", "images");

    /// <summary>e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(3) };

    /// <summary>Largest image the server accepts: above the shapes' 64 x 64 so that a 200 x 200 image is refused.</summary>
    public const long MaxImagePixels = 10_000;

    public async Task InitializeAsync()
    {
        string config = Path.Combine(Folder, "vlmforge.toml");
        File.WriteAllText(config, Configured(Repository.DefaultWorkflow(Path.Combine(Folder, "data"))));
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(["train", "--config", config], output, error);
        Assert.True(exit == 0, $"train exited with {exit}: {error}\n{output}");

        var serverOutput = TextWriter.Synchronized(_serverOutput);
        _server = ServeCommand.RunAsync(RunPath, new ServeOptions { Port = 0, ImageFolder = Images, MaxImagePixels = MaxImagePixels }, [],
            serverOutput, serverOutput, _stop.Token);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var match = Regex.Match(_serverOutput.ToString(), @"at (http://\S+/)v1 ");
            if (match.Success)
            {
                Address = new Uri(match.Groups[1].Value);
                return;
            }
            if (_server.IsCompleted || started.Elapsed > TimeSpan.FromMinutes(2))
                throw new InvalidOperationException($"serve did not start: {_serverOutput}");
            await Task.Delay(100);
        }
    }

    /// <summary>What <c>vlmforge generate</c> prints for the same run and inputs.</summary>
    public string Generate(params string[] arguments)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(["generate", RunPath, .. arguments], output, error);
        Assert.True(exit == 0, $"generate exited with {exit}: {error}");
        return output.ToString().TrimEnd('\n', '\r');
    }

    public string ServerOutput => _serverOutput.ToString();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_server is not null)
            Assert.Equal(0, await _server);
        Http.Dispose();
        _stop.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// The default workflow from random weights (no base) barely trained: its answers run to max_new_tokens and vary
    /// with sampling, which the serving tests measure (a fine-tuned base answers "red" and stops).
    /// </summary>
    private string Configured(string toml)
    {
        toml = TomlEdit.Remove(toml, "model", "path");
        toml = TomlEdit.Set(toml, "synthetic_count", "20");
        toml = TomlEdit.Set(toml, "max_steps", "1");
        toml = TomlEdit.Set(toml, "learning_rate", "0.0000001");
        toml = TomlEdit.Set(toml, "eval_interval", "1000");
        toml = TomlEdit.Set(toml, "max_examples", "2");
        toml = TomlEdit.Set(toml, "max_new_tokens", "12\nconstrain_json = true");
        toml = TomlEdit.Set(toml, "name", TomlEdit.Quoted(ModelId));
        toml = TomlEdit.Set(toml, "output", TomlEdit.Quoted(Path.Combine(Folder, "runs")));
        return toml;
    }
}

/// <summary>The test classes that share one <see cref="ServedRun"/> (trained once).</summary>
[CollectionDefinition(Name)]
public sealed class ServedRunCollection : ICollectionFixture<ServedRun>
{
    public const string Name = "served run";
}
