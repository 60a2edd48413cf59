using System.CommandLine;
using System.Globalization;
using VlmForge.Cli.Serving;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge serve runs/x [--port N]</c>: an OpenAI-compatible chat completions server for a trained run.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var defaults = new ServeOptions();
        var run = new Argument<string>("run") { Description = "The trained run folder; its folder name is the model id." };
        var port = new Option<int>("--port") { Description = "Port to listen on.", DefaultValueFactory = _ => defaults.Port };
        var host = new Option<string>("--host") { Description = "Address to listen on (loopback by default; 0.0.0.0 opens it to the network).", DefaultValueFactory = _ => defaults.Host };
        var imageFolder = new Option<string?>("--image-folder") { Description = "Allow image_url to name local files under this folder (default: data: URLs only)." };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most greedy requests generated together.", DefaultValueFactory = _ => defaults.MaxBatch };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Largest max_tokens a request may ask for.", DefaultValueFactory = _ => defaults.MaxTokens };
        var maxPixels = new Option<long>("--max-image-pixels") { Description = "Largest image accepted (width x height).", DefaultValueFactory = _ => defaults.MaxImagePixels };
        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("serve", "Serve a trained run over an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/models).")
        {
            run, port, host, imageFolder, maxBatch, maxTokens, maxPixels, plugins,
        };
        command.SetAction((parse, cancel) => RunAsync(parse.GetValue(run)!, defaults with
        {
            Port = parse.GetValue(port),
            Host = parse.GetValue(host)!,
            ImageFolder = parse.GetValue(imageFolder),
            MaxBatch = parse.GetValue(maxBatch),
            MaxTokens = parse.GetValue(maxTokens),
            MaxImagePixels = parse.GetValue(maxPixels),
        }, parse.GetValue(plugins)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel));
        return command;
    }

    /// <summary>Serves until <paramref name="cancel"/> fires (Ctrl+C).</summary>
    public static async Task<int> RunAsync(string runPath, ServeOptions options, IEnumerable<string> pluginFolders, TextWriter output, TextWriter error,
        CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (options.ImageFolder is { } folder && !Directory.Exists(folder))
        {
            error.WriteLine($"error: --image-folder {folder} does not exist.");
            return 1;
        }
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        try
        {
            using var plugins = WorkflowSource.LoadPlugins(pluginFolders);
            using var context = RunLoader.Open(runPath, plugins, log: null);
            ChatServer server;
            try
            {
                server = await ChatServer.StartAsync(context, options).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                error.WriteLine($"error: cannot listen on {options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)} ({e.Message}); pick another --port.");
                return 1;
            }
            await using (server.ConfigureAwait(false))
            {
                output.WriteLine($"serving {server.ModelId} at {server.Address}v1 (OpenAI-compatible: POST /v1/chat/completions, GET /v1/models); Ctrl+C stops.");
                output.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    output.WriteLine($"stopped after {server.Queue.Requests} requests in {server.Queue.Batches} batches.");
                }
            }
            return 0;
        }
        catch (Exception e) when (e is WorkflowException or WorkflowConfigException or PluginNotFoundException or PluginRuntimeException
                                      or IOException or InvalidDataException or ArgumentException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
