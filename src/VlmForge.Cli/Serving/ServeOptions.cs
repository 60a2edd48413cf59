namespace VlmForge.Cli.Serving;

/// <summary>Where <c>vlmforge serve</c> listens and what one request may ask for.</summary>
public sealed record ServeOptions
{
    /// <summary>The address to listen on; loopback unless the user opens it up.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The port (0: any free port, for tests).</summary>
    public int Port { get; init; } = 8000;

    /// <summary>Folder under which <c>image_url</c> may name local files; null: only <c>data:</c> URLs are accepted.</summary>
    public string? ImageFolder { get; init; }

    /// <summary>Most greedy requests generated together in one batch.</summary>
    public int MaxBatch { get; init; } = 8;

    /// <summary>Requests waiting at most; more get 429.</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Largest image accepted, in pixels (width x height), checked from the header before decoding.</summary>
    public long MaxImagePixels { get; init; } = 50_000_000;

    /// <summary>Largest <c>max_tokens</c> a request may ask for.</summary>
    public int MaxTokens { get; init; } = 1024;

    /// <summary>Largest prompt (image placeholders included) plus <c>max_tokens</c>.</summary>
    public int MaxContextTokens { get; init; } = 4096;

    /// <summary>Largest request body in bytes (a base64 image is 4/3 of its file).</summary>
    public long MaxBodyBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(QueueCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxImagePixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxContextTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBodyBytes);
    }
}
