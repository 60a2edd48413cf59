using System.Collections.Concurrent;
using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;

namespace VlmForge.Data.Images;

/// <summary>
/// Prepares each record's image once and keeps it (managed float arrays: 48 KB per 64 px image), so that
/// every epoch and every task of the same image reuse it. Safe to use from several threads.
/// </summary>
public sealed class PreparedImageCache(ImagePreprocessor preprocessor, BoxConvention convention)
{
    private readonly ConcurrentDictionary<string, Lazy<PreparedImage>> _images = new(StringComparer.Ordinal);

    public ImagePreprocessor Preprocessor { get; } = preprocessor ?? throw new ArgumentNullException(nameof(preprocessor));

    public BoxConvention Convention { get; } = convention ?? throw new ArgumentNullException(nameof(convention));

    public int Count => _images.Count;

    /// <summary>The prepared image; a decode failure throws <see cref="DatasetFormatException"/> naming the record's file and line.</summary>
    public PreparedImage Get(DatasetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Lazy<PreparedImage> entry = _images.GetOrAdd(record.ImagePath, _ => new Lazy<PreparedImage>(() => Preprocessor.Load(record, Convention)));
        try
        {
            return entry.Value;
        }
        catch (DatasetFormatException)
        {
            // Do not keep the failure: a later call (another record of the same file) reports its own line.
            _images.TryRemove(record.ImagePath, out _);
            throw;
        }
    }
}
