namespace VlmForge.Data.Images;

/// <summary>An image file that is missing or cannot be decoded.</summary>
public sealed class ImageDecodeException : IOException
{
    public ImageDecodeException(string path, bool isMissing, string message)
        : base(message)
    {
        Path = path;
        IsMissing = isMissing;
    }

    public string Path { get; }

    /// <summary>The file does not exist (as opposed to existing but being unreadable).</summary>
    public bool IsMissing { get; }
}
