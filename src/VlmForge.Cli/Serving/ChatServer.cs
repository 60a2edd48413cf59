using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VlmForge.Engine.Pipeline;

namespace VlmForge.Cli.Serving;

/// <summary>
/// An OpenAI-compatible HTTP server for one trained run: <c>GET /v1/models</c> and <c>POST /v1/chat/completions</c>
/// (plain JSON or <c>stream: true</c> as server-sent events). Every refused request gets a 4xx JSON error in OpenAI's
/// shape; nothing a client sends can stop the server.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly WebApplication _app;
    private readonly GenerationQueue _queue;
    private readonly ChatRequestParser _parser;
    private readonly string _modelId;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private ChatServer(WebApplication app, GenerationQueue queue, ChatRequestParser parser, string modelId)
    {
        _app = app;
        _queue = queue;
        _parser = parser;
        _modelId = modelId;
    }

    /// <summary>The model id clients name: the run folder's name.</summary>
    public string ModelId => _modelId;

    /// <summary>The address the server listens on, e.g. <c>http://127.0.0.1:8000</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The generation queue (batch and request counts).</summary>
    public GenerationQueue Queue => _queue;

    /// <summary>Starts serving <paramref name="run"/>, which the server then uses from its own thread (the caller disposes it after the server).</summary>
    public static async Task<ChatServer> StartAsync(RunContext run, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!IPAddress.TryParse(options.Host, out var address))
        {
            throw new ArgumentException($"--host must be an IP address such as 127.0.0.1, got '{options.Host}'.", nameof(options));
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });
        var app = builder.Build();
        string modelId = run.Folder.Name;
        var queue = new GenerationQueue(run, options.MaxBatch, options.QueueCapacity);
        var server = new ChatServer(app, queue, new ChatRequestParser(modelId, run, options), modelId);
        server.Map();
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            queue.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(bound);
        return server;
    }

    private void Map()
    {
        _app.MapGet("/v1/models", () => Json(200, new JsonObject { ["object"] = "list", ["data"] = new JsonArray(ModelJson()) }));
        _app.MapGet("/v1/models/{id}", (string id) => id == _modelId
            ? Json(200, ModelJson())
            : Error(new ApiError(404, $"The model '{id}' does not exist; this server serves '{_modelId}'.", "model", "model_not_found")));
        _app.MapPost("/v1/chat/completions", ChatCompletions);
        _app.MapFallback((HttpContext context) =>
            Error(new ApiError(404, $"{context.Request.Method} {context.Request.Path} is not an endpoint of this server: use GET /v1/models or POST /v1/chat/completions.")));
    }

    private JsonObject ModelJson() => new()
    {
        ["id"] = _modelId,
        ["object"] = "model",
        ["created"] = _created,
        ["owned_by"] = "vlmforge",
    };

    private async Task ChatCompletions(HttpContext context)
    {
        ChatJob job;
        try
        {
            var body = await ReadBody(context.Request).ConfigureAwait(false);
            job = new ChatJob(_parser.Parse(body));
            if (!_queue.TryEnqueue(job))
            {
                throw new ApiError(429, "The server's queue is full; retry shortly.", type: "rate_limit_error", code: "queue_full");
            }
        }
        catch (ApiError error)
        {
            await Error(error).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await Error(new ApiError(500, $"The request could not be read: {e.Message}", type: "server_error")).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        string id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (job.Request.Stream)
        {
            await Stream(context, job, id, created).ConfigureAwait(false);
            return;
        }
        try
        {
            var answer = await job.Answer.ConfigureAwait(false);
            await Json(200, new JsonObject
            {
                ["id"] = id,
                ["object"] = "chat.completion",
                ["created"] = created,
                ["model"] = _modelId,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = answer.Text },
                    ["finish_reason"] = answer.FinishReason,
                }),
                ["usage"] = Usage(job, answer),
            }).ExecuteAsync(context).ConfigureAwait(false);
        }
        catch (ApiError error)
        {
            await Error(error).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Server-sent events as OpenAI sends them: a first chunk with the role, one chunk per text delta, a last chunk with
    /// the finish reason (and usage), then <c>data: [DONE]</c>. An error after the stream began is sent as an error event.
    /// </summary>
    private async Task Stream(HttpContext context, ChatJob job, string id, long created)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        JsonObject Chunk(JsonObject delta, string? finish) => new()
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = _modelId,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };
        try
        {
            await Send(response, Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null)).ConfigureAwait(false);
            await foreach (var delta in job.Deltas.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await Send(response, Chunk(new JsonObject { ["content"] = delta }, null)).ConfigureAwait(false);
            }
            var answer = await job.Answer.ConfigureAwait(false);
            var last = Chunk(new JsonObject(), answer.FinishReason);
            last["usage"] = Usage(job, answer);
            await Send(response, last).ConfigureAwait(false);
            await response.WriteAsync("data: [DONE]\n\n", context.RequestAborted).ConfigureAwait(false);
        }
        catch (ApiError error)
        {
            await Send(response, error.ToJson()).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client went away; its answer is still generated and dropped.
        }
    }

    private static Task Send(HttpResponse response, JsonObject chunk) =>
        response.WriteAsync("data: " + chunk.ToJsonString(Compact) + "\n\n", Encoding.UTF8, response.HttpContext.RequestAborted);

    private static JsonObject Usage(ChatJob job, ChatAnswer answer) => new()
    {
        ["prompt_tokens"] = job.Request.PromptTokens,
        ["completion_tokens"] = answer.CompletionTokens,
        ["total_tokens"] = job.Request.PromptTokens + answer.CompletionTokens,
    };

    private static async Task<ReadOnlyMemory<byte>> ReadBody(HttpRequest request)
    {
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
        catch (BadHttpRequestException e)
        {
            throw new ApiError(e.StatusCode, $"The request body could not be read: {e.Message}");
        }
    }

    private static IResult Json(int status, JsonObject body) =>
        Results.Content(body.ToJsonString(Compact), "application/json", Encoding.UTF8, status);

    private static IResult Error(ApiError error) => Json(error.Status, error.ToJson());

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        _queue.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
