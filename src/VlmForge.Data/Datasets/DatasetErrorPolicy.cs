namespace VlmForge.Data.Datasets;

/// <summary>dataset.on_error: what a bad record does to the load.</summary>
public enum DatasetErrorPolicy
{
    /// <summary>Report the record and carry on with the next line.</summary>
    Skip,

    /// <summary>Stop at the first bad record with a <see cref="DatasetFormatException"/>.</summary>
    Fail,
}

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
    public DatasetErrorPolicy OnError { get; init; } = DatasetErrorPolicy.Skip;

    public ImageCheck ImageCheck { get; init; } = ImageCheck.Header;

    /// <summary>Images whose header claims more pixels are refused before decoding (dataset.max_image_pixels).</summary>
    public long MaxImagePixels { get; init; } = Images.ImageDecoder.DefaultMaxPixels;
}
