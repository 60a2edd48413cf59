using System.Text.Json.Nodes;

namespace VlmForge.Cli.Serving;

/// <summary>
/// A request the server refuses, answered in OpenAI's error shape:
/// <c>{"error": {"message", "type", "param", "code"}}</c> with a 4xx status (5xx only for the server's own faults).
/// </summary>
public sealed class ApiError : Exception
{
    public ApiError(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error")
        : base(message)
    {
        Status = status;
        Param = param;
        Code = code;
        Type = type;
    }

    /// <summary>The HTTP status code.</summary>
    public int Status { get; }

    /// <summary>The request field at fault, as OpenAI names it (<c>messages[0].content[1].image_url</c>), or null.</summary>
    public string? Param { get; }

    /// <summary>A machine-readable code (<c>model_not_found</c>, <c>context_length_exceeded</c>), or null.</summary>
    public string? Code { get; }

    /// <summary><c>invalid_request_error</c>, <c>rate_limit_error</c> or <c>server_error</c>.</summary>
    public string Type { get; }

    /// <summary>A 400 for the field <paramref name="param"/>.</summary>
    public static ApiError BadRequest(string message, string? param = null, string? code = null) => new(400, message, param, code);

    /// <summary>The JSON body.</summary>
    public JsonObject ToJson() => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = Message,
            ["type"] = Type,
            ["param"] = Param,
            ["code"] = Code,
        },
    };
}
