using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkiaSharp;
using VlmForge.Data.Images;
using Xunit.Abstractions;

namespace VlmForge.Cli.Tests.Serving;

/// <summary><c>vlmforge serve</c> over plain HTTP: answers equal <c>vlmforge generate</c>, streaming, and refused requests.</summary>
[Collection(ServedRunCollection.Name)]
public sealed class ServeCommandTests(ServedRun served, ITestOutputHelper log)
{
    private const string Question = "What color is the circle?";

    private string Image(int index) => Path.Combine(served.Images, $"{index:D5}.png");

    private static string DataUrl(string file) => "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(file));

    private JsonObject Chat(string imageUrl, string text = Question, Action<JsonObject>? extra = null)
    {
        var body = new JsonObject
        {
            ["model"] = served.ModelId,
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(
                    new JsonObject { ["type"] = "text", ["text"] = text },
                    new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = imageUrl } }),
            }),
        };
        extra?.Invoke(body);
        return body;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(JsonNode body) => await Post(body.ToJsonString());

    private async Task<(HttpStatusCode Status, JsonElement Body)> Post(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await served.Http.PostAsync(new Uri(served.Address, "v1/chat/completions"), content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Answer(JsonElement body) => body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    [Fact]
    public async Task Models_lists_the_run_by_its_folder_name()
    {
        string text = await served.Http.GetStringAsync(new Uri(served.Address, "v1/models"));
        var data = JsonDocument.Parse(text).RootElement.GetProperty("data");
        Assert.Equal(served.ModelId, Assert.Single(data.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_data_url_and_a_local_path_answer_what_generate_prints()
    {
        string expected = served.Generate("--image", Image(0), "--prompt", Question);
        Assert.True(expected.Length > 5, $"the near-random model should say something long, said '{expected}'");

        var (status, body) = await Post(Chat(DataUrl(Image(0))));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, Answer(body));
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(12, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 16, "the prompt counts its image placeholders");

        var (pathStatus, pathBody) = await Post(Chat("00000.png"));
        Assert.Equal(HttpStatusCode.OK, pathStatus);
        Assert.Equal(expected, Answer(pathBody));
    }

    [Fact]
    public async Task A_grounding_request_answers_constrained_json_in_image_pixels_as_generate_grounding_does()
    {
        string expected = served.Generate("--image", Image(1), "--prompt", "Locate the red circle.", "--grounding");
        var (status, body) = await Post(Chat(DataUrl(Image(1)), "Locate the red circle.",
            b => b["response_format"] = new JsonObject { ["type"] = "json_schema", ["json_schema"] = new JsonObject { ["name"] = "grounding" } }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, Answer(body));
        Assert.StartsWith("{", Answer(body), StringComparison.Ordinal);

        // Without response_format the same question is free text, not grounding JSON.
        var (_, free) = await Post(Chat(DataUrl(Image(1)), "Locate the red circle."));
        Assert.NotEqual(Answer(body), Answer(free));
    }

    [Fact]
    public async Task Sampling_settings_change_the_answer_and_a_seed_repeats_it()
    {
        var sampled = Chat(DataUrl(Image(2)), extra: b => { b["temperature"] = 1.5; b["top_p"] = 1.0; b["top_k"] = 0; b["seed"] = 7; });
        var (_, first) = await Post(sampled);
        var (_, again) = await Post(sampled);
        Assert.Equal(Answer(first), Answer(again));
        var (_, greedy) = await Post(Chat(DataUrl(Image(2)), extra: b => b["temperature"] = 0));
        var (_, otherSeed) = await Post(Chat(DataUrl(Image(2)), extra: b => { b["temperature"] = 1.5; b["top_k"] = 0; b["seed"] = 8; }));
        Assert.NotEqual(Answer(greedy), Answer(first));
        Assert.NotEqual(Answer(otherSeed), Answer(first));
        var (_, limited) = await Post(Chat(DataUrl(Image(2)), extra: b => b["max_tokens"] = 3));
        Assert.Equal(3, limited.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Streaming_sends_the_same_answer_as_server_sent_events()
    {
        var (_, whole) = await Post(Chat(DataUrl(Image(3))));
        using var content = new StringContent(Chat(DataUrl(Image(3)), extra: b => b["stream"] = true).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await served.Http.PostAsync(new Uri(served.Address, "v1/chat/completions"), content);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToArray();
        Assert.True(chunks.Length > 3, $"one event per text piece, got {chunks.Length}");
        string streamed = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal(Answer(whole), streamed);
        Assert.Equal("length", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    public static TheoryData<string, int, string?> BadRequests => new()
    {
        { "not json", 400, null },
        { "[1, 2]", 400, null },
        { """{"model": "served"}""", 400, "messages" },
        { """{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}""", 404, "model" },
        { """{"model": "served", "messages": [{"role": "user", "content": "no image"}]}""", 400, "messages" },
        { Body("data:image/png;base64,%%%not-base64%%%"), 400, "messages[0].content[1].image_url" },
        { Body("data:image/png;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes("hello, not a picture"))), 400, "messages[0].content[1].image_url" },
        { Body("data:text/plain;base64,aGVsbG8="), 400, "messages[0].content[1].image_url" },
        { Body("https://example.com/cat.png"), 400, "messages[0].content[1].image_url" },
        { Body("../../../../etc/passwd"), 403, "messages[0].content[1].image_url" },
        { Body("missing.png"), 400, "messages[0].content[1].image_url" },
        { Body("00000.png", """ "max_tokens": 100000, """), 400, "max_tokens" },
        { Body("00000.png", """ "max_tokens": 0, """), 400, "max_tokens" },
        { Body("00000.png", """ "temperature": "hot", """), 400, "temperature" },
        { Body("00000.png", """ "top_p": 0, """), 400, "top_p" },
        { Body("00000.png", """ "n": 3, """), 400, "n" },
        { Body("00000.png", """ "response_format": {"type": "json_schema", "json_schema": {"name": "invoice"}}, """), 400, "response_format.json_schema.name" },
        { """{"model": "served", "messages": [{"role": "assistant", "content": "hi"}]}""", 400, "messages[0]" },
        { """{"model": "served", "messages": [{"role": "system", "content": "You are a pirate."}]}""", 400, "messages[0].content" },
    };

    private static string Body(string url, string extra = "") =>
        $$$"""{"model": "served", {{{extra}}} "messages": [{"role": "user", "content": [{"type": "text", "text": "q"}, {"type": "image_url", "image_url": {"url": "{{{url}}}"}}]}]}""";

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_an_OpenAI_error_and_the_server_goes_on(string body, int status, string? param)
    {
        var (code, answer) = await Post(body);
        Assert.Equal(status, (int)code);
        var error = answer.GetProperty("error");
        log.WriteLine(error.GetProperty("message").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());

        var (after, _) = await Post(Chat("00001.png", extra: b => b["max_tokens"] = 1));
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task An_image_over_the_pixel_limit_is_refused_from_its_header()
    {
        using var large = new SKBitmap(200, 200);
        large.Erase(SKColors.Red);
        string url = "data:image/png;base64," + Convert.ToBase64String(PngWriter.Encode(large));
        var (status, body) = await Post(Chat(url));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("image_too_large", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("40000 pixels", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undecodable_image_is_refused_without_naming_the_servers_temporary_file()
    {
        string url = "data:image/png;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes("hello, not a picture"));
        var (status, body) = await Post(Chat(url));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Equal("invalid_image", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.StartsWith("The data URL's image cannot be decoded: it is not a readable image", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), message, StringComparison.Ordinal);
        Assert.DoesNotContain("'it'", message, StringComparison.Ordinal);
    }
}
