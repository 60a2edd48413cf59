using VlmForge.Data.Batching;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Training;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// Task examples as training batches: encoded once, images prepared once (cached), order shuffled per epoch from
/// the seed, so batch (epoch, step) is the same on every run and after a resume.
/// </summary>
public sealed class ExampleBatches : ITrainingData
{
    private readonly IReadOnlyList<TaskExample> _examples;
    private readonly EncodedExample[] _encoded;
    private readonly PreparedImageCache _images;
    private readonly BatchCollator _collator;
    private readonly BatchSchedule? _schedule;

    public ExampleBatches(IReadOnlyList<TaskExample> examples, ConversationEncoder encoder, PreparedImageCache images,
        BatchCollator collator, ulong seed, bool shuffle = true)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(collator);
        _examples = examples;
        _encoded = examples.Select(e => encoder.EncodeTraining(e.UserText, e.Answer)).ToArray();
        _images = images;
        _collator = collator;
        _schedule = shuffle && examples.Count > 0 ? new BatchSchedule(examples.Count, 1, seed) : null;
    }

    public int Count => _examples.Count;

    /// <summary>The longest encoded example (tokens), for sizing and reports.</summary>
    public int MaxLength => _encoded.Length == 0 ? 0 : _encoded.Max(e => e.Length);

    public VlmBatch Batch(int epoch, int stepInEpoch, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int start = stepInEpoch * batchSize;
        if (start < 0 || start >= Count)
            throw new ArgumentOutOfRangeException(nameof(stepInEpoch), $"Step {stepInEpoch} of batch {batchSize} is past the {Count} examples.");
        int take = Math.Min(batchSize, Count - start);
        var items = new CollateItem[take];
        for (int i = 0; i < take; i++)
        {
            int index = _schedule is null ? start + i : _schedule.OrderOf(epoch)[start + i];
            items[i] = new CollateItem(_images.Get(_examples[index].Record), _encoded[index]);
        }
        return _collator.CollateForTraining(items);
    }
}
