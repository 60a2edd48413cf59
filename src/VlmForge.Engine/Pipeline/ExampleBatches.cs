using VlmForge.Data.Batching;
using VlmForge.Data.Datasets;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Training;
using VlmForge.Settings;

namespace VlmForge.Engine.Pipeline;

/// <summary>
/// Task examples as training batches: encoded once, images prepared once (cached), order shuffled per epoch from
/// the seed, so batch (epoch, step) is the same on every run and after a resume.
/// </summary>
internal sealed class ExampleBatches : ITrainingData
{
    private readonly IReadOnlyList<TaskExample> _examples;
    private readonly EncodedExample[] _encoded;
    private readonly PreparedImageCache _images;
    private readonly BatchCollator _collator;
    private readonly BatchSchedule? _schedule;
    private readonly IReadOnlyList<RegionAnnotation>?[] _regions;
    private readonly bool _groupByLength;
    private readonly LossWeighting _lossWeighting;
    // Each example's count of tokens that take a loss, for the row weights; counted once, not per batch.
    private readonly int[] _answerTokens;
    private readonly ulong _seed;
    private (int Epoch, int BatchSize, int[] Order)? _grouped;

    public ExampleBatches(IReadOnlyList<TaskExample> examples, ConversationEncoder encoder, PreparedImageCache images,
        BatchCollator collator, ulong seed, bool shuffle = true, bool groupByLength = false,
        LossWeighting lossWeighting = LossWeighting.Tokens)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(collator);
        _examples = examples;
        _encoded = examples.Select(e => encoder.EncodeTraining(e.UserText, e.Answer, images.Convention.ModelImageSize(e.Record.ImageSize),
            images.Preprocessor.GridOf(e.Record.ImageSize))).ToArray();
        _images = images;
        _collator = collator;
        _schedule = shuffle && examples.Count > 0 ? new BatchSchedule(examples.Count, 1, seed) : null;
        _groupByLength = groupByLength;
        _lossWeighting = lossWeighting;
        _answerTokens = _encoded.Select(e => e.Labels.Count(label => label != ConversationEncoder.IgnoreIndex)).ToArray();
        _seed = seed;
        var byRecord = new Dictionary<DatasetRecord, IReadOnlyList<RegionAnnotation>?>(ReferenceEqualityComparer.Instance);
        _regions = examples.Select(e => byRecord.TryGetValue(e.Record, out var known)
            ? known
            : byRecord[e.Record] = RegionsOf(e.Record, encoder, images.Convention)).ToArray();
    }

    /// <summary>
    /// A record's grounded boxes in model coordinates with their phrases' tokens: every example of the record (its
    /// questions and caption too) carries them, so a vision side that learns from grounding sees each image as often
    /// as the decoder does. Null for a record without grounding.
    /// </summary>
    private static IReadOnlyList<RegionAnnotation>? RegionsOf(DatasetRecord record, ConversationEncoder encoder, BoxConvention convention)
    {
        if (record.Grounding is not { } grounding)
        {
            return null;
        }
        return grounding.Groundings
            .SelectMany(phrase =>
            {
                var tokens = encoder.Tokenizer.Encode(phrase.Phrase).ToArray();
                return phrase.Boxes.Select(box => new RegionAnnotation(convention.ToModel(box, record.ImageSize), tokens));
            })
            .ToArray();
    }

    public int Count => _examples.Count;

    /// <summary>The longest encoded example (tokens), for sizing and reports.</summary>
    public int MaxLength => _encoded.Length == 0 ? 0 : _encoded.Max(e => e.Length);

    /// <summary>Each distinct image that carries grounding annotations, with its regions, in the examples' order.</summary>
    public IReadOnlyList<(PreparedImage Image, IReadOnlyList<RegionAnnotation> Regions)> AnnotatedImages()
    {
        var seen = new HashSet<DatasetRecord>(ReferenceEqualityComparer.Instance);
        var images = new List<(PreparedImage, IReadOnlyList<RegionAnnotation>)>();
        for (int i = 0; i < _examples.Count; i++)
        {
            if (_regions[i] is { } regions && seen.Add(_examples[i].Record))
            {
                images.Add((_images.Get(_examples[i].Record), regions));
            }
        }
        return images;
    }

    public VlmBatch Batch(int epoch, int stepInEpoch, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int start = stepInEpoch * batchSize;
        if (start < 0 || start >= Count)
            throw new ArgumentOutOfRangeException(nameof(stepInEpoch), $"Step {stepInEpoch} of batch {batchSize} is past the {Count} examples.");
        int take = Math.Min(batchSize, Count - start);
        var items = new CollateItem[take];
        var regions = new IReadOnlyList<RegionAnnotation>[take];
        var tasks = new TaskKind[take];
        var answerTokens = new int[take];
        bool annotated = false;
        var order = Order(epoch, batchSize);
        for (int i = 0; i < take; i++)
        {
            int index = order is null ? start + i : order[start + i];
            items[i] = new CollateItem(_images.Get(_examples[index].Record), _encoded[index]);
            regions[i] = _regions[index] ?? [];
            annotated |= _regions[index] is not null;
            tasks[i] = _examples[index].Task;
            answerTokens[i] = _answerTokens[index];
        }
        var batch = _collator.CollateForTraining(items)
            .WithRowLossWeights(RowLossWeights.For(_lossWeighting, tasks, answerTokens));
        return annotated ? batch.WithRegions(regions) : batch;
    }

    /// <summary>The epoch's example order: the seeded shuffle, regrouped by length with group_by_length.</summary>
    private IReadOnlyList<int>? Order(int epoch, int batchSize)
    {
        if (_schedule is null)
        {
            return null;
        }
        var shuffled = _schedule.OrderOf(epoch);
        if (!_groupByLength)
        {
            return shuffled;
        }
        if (_grouped is not { } cached || cached.Epoch != epoch || cached.BatchSize != batchSize)
        {
            cached = (epoch, batchSize, LengthGroupedOrder.Regroup(shuffled, i => _encoded[i].Length, batchSize, _seed, epoch));
            _grouped = cached;
        }
        return cached.Order;
    }
}
