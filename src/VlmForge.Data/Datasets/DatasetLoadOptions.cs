using VlmForge.Settings;

namespace VlmForge.Data.Datasets;

/// <summary>How much of each image the loader reads.</summary>
public enum ImageCheck
{
    /// <summary>Only the header (size): cheap; truncated pixel data shows up when the image is decoded.</summary>
    Header,

    /// <summary>Decode every image once at load, so corrupt pixel data is counted in the summary too.</summary>
    FullDecode,
}

/// <summary>Options for <see cref="JsonlDatasetLoader"/>.</summary>
public sealed record DatasetLoadOptions
{
    public RecordErrorPolicy OnError { get; init; } = RecordErrorPolicy.Skip;

    public ImageCheck ImageCheck { get; init; } = ImageCheck.Header;

    /// <summary>Images whose header claims more pixels are refused before decoding (dataset.max_image_pixels).</summary>
    public long MaxImagePixels { get; init; } = Images.ImageDecoder.DefaultMaxPixels;
}
