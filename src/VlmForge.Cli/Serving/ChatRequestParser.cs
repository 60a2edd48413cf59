using System.Globalization;
using System.Text.Json;
using VlmForge.Abstractions.Sampling;
using VlmForge.Data.Batching;
using VlmForge.Data.Images;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Pipeline;

namespace VlmForge.Cli.Serving;

/// <summary>
/// Turns a <c>/v1/chat/completions</c> body into a <see cref="ChatRequest"/>, or an <see cref="ApiError"/> naming the
/// field at fault. The run answers one user turn about one image, as it was trained; unknown fields are ignored, as
/// OpenAI-compatible servers do, so that clients sending extra options keep working.
/// </summary>
public sealed class ChatRequestParser
{
    private readonly string _modelId;
    private readonly RunContext _run;
    private readonly ServeOptions _options;
    private readonly ImagePreprocessor _preprocessor;

    public ChatRequestParser(string modelId, RunContext run, ServeOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        _modelId = modelId;
        _run = run;
        _options = options;
        _preprocessor = run.Conventions.Preprocessor();
    }

    /// <summary>Parses and validates <paramref name="body"/>; decodes the image.</summary>
    public ChatRequest Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"The request body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest("The request body must be a JSON object with \"model\" and \"messages\".");
            }
            string model = RequiredString(root, "model");
            if (model != _modelId)
            {
                throw new ApiError(404, $"The model '{model}' does not exist; this server serves '{_modelId}' (GET /v1/models).", "model", "model_not_found");
            }
            if (Optional(root, "n") is { } n && (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out int count) || count != 1))
            {
                throw ApiError.BadRequest("Only n = 1 is supported.", "n");
            }
            var (text, imageUrl, imageParam) = ReadMessages(root);
            bool grounding = ReadGrounding(root);
            bool stream = Optional(root, "stream") is { } s && Bool(s, "stream");
            int maxTokens = ReadMaxTokens(root);
            var sampling = ReadSampling(root);

            var prompt = ImageInput.Load(imageUrl, imageParam, _options, path => GenerationPrompt.FromImageFile(
                path, text, _preprocessor, _run.Conventions.Boxes, constrainGrounding: grounding));
            // Counted with the image's own size: a Qwen2.5-VL image's token count follows its size.
            int promptTokens = _run.Encoder.EncodeGenerationPrompt(text, prompt.Image).Length;
            if (promptTokens + maxTokens > _options.MaxContextTokens)
            {
                throw ApiError.BadRequest(
                    $"The prompt is {promptTokens} tokens (image included) and max_tokens is {maxTokens}: {promptTokens + maxTokens} is more than this " +
                    $"server's {_options.MaxContextTokens}. Shorten the text or lower max_tokens.", "messages", "context_length_exceeded");
            }
            return new ChatRequest(prompt, sampling, maxTokens, grounding, stream, promptTokens);
        }
    }

    private (string Text, string ImageUrl, string ImageParam) ReadMessages(JsonElement root)
    {
        if (Optional(root, "messages") is not { ValueKind: JsonValueKind.Array } messages || messages.GetArrayLength() == 0)
        {
            throw ApiError.BadRequest("\"messages\" must be a non-empty array.", "messages");
        }
        string? text = null;
        string? imageUrl = null;
        string? imageParam = null;
        int index = -1;
        foreach (var message in messages.EnumerateArray())
        {
            index++;
            string param = $"messages[{index}]";
            if (message.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"{param} must be an object with \"role\" and \"content\".", param);
            }
            string role = RequiredString(message, "role", param + ".role");
            var content = Optional(message, "content") ?? throw ApiError.BadRequest($"{param} has no \"content\".", param + ".content");
            switch (role)
            {
                case "system" or "developer":
                    string system = ContentText(content, param + ".content");
                    if (system.Trim() != (_run.Encoder.SystemPrompt ?? "").Trim())
                    {
                        throw ApiError.BadRequest(
                            $"This run was trained with the system prompt \"{_run.Encoder.SystemPrompt}\" and always uses it; leave the system message out " +
                            "or send exactly that text.", param + ".content");
                    }
                    break;
                case "user":
                    if (text is not null)
                    {
                        throw ApiError.BadRequest("The run answers one user turn about one image; send a single user message.", param);
                    }
                    (text, imageUrl, imageParam) = UserContent(content, param + ".content");
                    break;
                case "assistant":
                    throw ApiError.BadRequest("Multi-turn conversations are not supported: the run answers one question about one image.", param);
                default:
                    throw ApiError.BadRequest($"Unknown role '{role}'; use \"system\" or \"user\".", param + ".role");
            }
        }
        if (text is null)
        {
            throw ApiError.BadRequest("There is no user message.", "messages");
        }
        if (imageUrl is null)
        {
            throw ApiError.BadRequest("The user message has no image: add a content part {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,...\"}}.", "messages");
        }
        return (text, imageUrl, imageParam!);
    }

    private static (string Text, string? ImageUrl, string? ImageParam) UserContent(JsonElement content, string param)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return (content.GetString()!, null, null);
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw ApiError.BadRequest($"{param} must be a string or an array of text and image_url parts.", param);
        }
        var texts = new List<string>();
        string? url = null;
        string? urlParam = null;
        int index = -1;
        foreach (var part in content.EnumerateArray())
        {
            index++;
            string partParam = $"{param}[{index}]";
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw ApiError.BadRequest($"{partParam} must be an object with a \"type\".", partParam);
            }
            switch (RequiredString(part, "type", partParam + ".type"))
            {
                case "text":
                    texts.Add(RequiredString(part, "text", partParam + ".text"));
                    break;
                case "image_url":
                    if (url is not null)
                    {
                        throw ApiError.BadRequest("The run sees one image per question; send a single image_url part.", partParam);
                    }
                    urlParam = partParam + ".image_url";
                    var image = Optional(part, "image_url") ?? throw ApiError.BadRequest($"{partParam} has no \"image_url\".", urlParam);
                    url = image.ValueKind == JsonValueKind.String ? image.GetString() : RequiredString(image, "url", urlParam + ".url");
                    break;
                case var other:
                    throw ApiError.BadRequest($"Content parts of type '{other}' are not supported; use \"text\" and \"image_url\".", partParam + ".type");
            }
        }
        return (string.Join("\n", texts), url, urlParam);
    }

    private static string ContentText(JsonElement content, string param)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }
        var (text, image, _) = UserContent(content, param);
        if (image is not null)
        {
            throw ApiError.BadRequest("A system message cannot hold an image.", param);
        }
        return text;
    }

    /// <summary>
    /// Grounding JSON is asked for with <c>response_format</c> <c>json_object</c>, or <c>json_schema</c> named
    /// <c>grounding</c>, or the extension field <c>"grounding": true</c>: the answer is then constrained to valid
    /// grounding JSON (whatever <c>evaluation.constrain_json</c> says) and its boxes are in the image's own pixels.
    /// </summary>
    private static bool ReadGrounding(JsonElement root)
    {
        bool grounding = Optional(root, "grounding") is { } g && Bool(g, "grounding");
        if (Optional(root, "response_format") is not { } format || format.ValueKind == JsonValueKind.Null)
        {
            return grounding;
        }
        if (format.ValueKind != JsonValueKind.Object)
        {
            throw ApiError.BadRequest("response_format must be an object such as {\"type\": \"text\"}.", "response_format");
        }
        switch (RequiredString(format, "type", "response_format.type"))
        {
            case "text":
                return grounding;
            case "json_object":
                return true;
            case "json_schema":
                string? name = Optional(format, "json_schema") is { ValueKind: JsonValueKind.Object } schema && Optional(schema, "name") is { ValueKind: JsonValueKind.String } n
                    ? n.GetString() : null;
                if (name != "grounding")
                {
                    throw ApiError.BadRequest(
                        "The only JSON schema this server constrains to is the grounding answer: use {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"grounding\"}}.",
                        "response_format.json_schema.name");
                }
                return true;
            case var other:
                throw ApiError.BadRequest($"response_format type '{other}' is not supported; use \"text\", \"json_object\" or \"json_schema\".", "response_format.type");
        }
    }

    private int ReadMaxTokens(JsonElement root)
    {
        var (value, name) = Optional(root, "max_completion_tokens") is { ValueKind: not JsonValueKind.Null } completion
            ? (completion, "max_completion_tokens")
            : (Optional(root, "max_tokens") ?? default, "max_tokens");
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Math.Min(_run.Settings.Evaluation.MaxNewTokens, _options.MaxTokens);
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int tokens) || tokens < 1)
        {
            throw ApiError.BadRequest($"{name} must be a whole number of at least 1.", name);
        }
        if (tokens > _options.MaxTokens)
        {
            throw ApiError.BadRequest($"{name} = {tokens} is more than this server allows ({_options.MaxTokens}; serve --max-tokens raises it).", name, "context_length_exceeded");
        }
        return tokens;
    }

    /// <summary>
    /// The run's <c>[evaluation]</c> sampling, overridden field by field. As in OpenAI's API, temperature 0 means greedy;
    /// a positive temperature turns sampling on.
    /// </summary>
    private SamplingOptions ReadSampling(JsonElement root)
    {
        var evaluation = _run.Settings.Evaluation;
        bool doSample = evaluation.DoSample;
        double temperature = evaluation.Temperature;
        if (Number(root, "temperature", 0, 2) is double t)
        {
            doSample = t > 0;
            temperature = t > 0 ? t : evaluation.Temperature;
        }
        double topP = Number(root, "top_p", 0, 1) ?? evaluation.TopP;
        if (topP <= 0)
        {
            throw ApiError.BadRequest("top_p must be above 0 (1 keeps every token).", "top_p");
        }
        int topK = evaluation.TopK;
        if (Number(root, "top_k", 0, int.MaxValue) is double k)
        {
            if (k != Math.Floor(k))
            {
                throw ApiError.BadRequest("top_k must be a whole number (0 keeps every token).", "top_k");
            }
            topK = (int)k;
        }
        double penalty = Number(root, "repetition_penalty", double.Epsilon, 100) ?? evaluation.RepetitionPenalty;
        long seed = evaluation.Seed;
        if (Optional(root, "seed") is { ValueKind: not JsonValueKind.Null } s)
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out seed))
            {
                throw ApiError.BadRequest("seed must be a whole number.", "seed");
            }
        }
        return new SamplingOptions(doSample, temperature, topK, topP, penalty, seed);
    }

    private static double? Number(JsonElement root, string name, double min, double max)
    {
        if (Optional(root, name) is not { ValueKind: not JsonValueKind.Null } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number) || number < min || number > max)
        {
            throw ApiError.BadRequest(
                $"{name} must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].", name);
        }
        return number;
    }

    private static bool Bool(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False or JsonValueKind.Null => false,
        _ => throw ApiError.BadRequest($"{name} must be true or false.", name),
    };

    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? value : null;

    private static string RequiredString(JsonElement parent, string name, string? param = null) =>
        Optional(parent, name) is { ValueKind: JsonValueKind.String } value
            ? value.GetString()!
            : throw ApiError.BadRequest($"\"{name}\" must be a string.", param ?? name);
}
