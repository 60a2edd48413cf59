using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Models.Layers;
using static TorchSharp.torch;

namespace VlmForge.Models.Detection;

/// <summary>
/// A vision tower that is a small detector speaking the decoder's vocabulary. On a grid of 8-pixel cells it predicts,
/// CenterNet-style, whether an annotated region is centred in the cell, the words of the phrase that names it and its
/// four box coordinates (regressed as offsets from the cell's corner, so the prediction is translation
/// equivariant). It learns from the grounding annotations of the training records alone (<see cref="Loss"/>), never
/// from the language model's loss.
/// <para>
/// Its read-out to the decoder is a short "scene in tokens": up to <c>maxObjects</c> detections in left-to-right order,
/// each as five tokens (the sum of its phrase words' embeddings weighted by their predicted probabilities, then of its x1, y1, x2 and y2 coordinate tokens,
/// drawn from the decoder's own embedding table), followed by <c>2x2</c> pooled feature tokens for what the phrases do
/// not name (backgrounds). Image tokens built from the decoder's own token vectors are what a freshly initialised
/// decoder learns to read and copy within minutes; learned continuous features were ignored for thousands of steps
/// (docs/experiments/seeing.md).
/// </para>
/// </summary>
public sealed class GroundingDetector : nn.Module<Tensor, DetectorMaps>, IVisionObjective, IFreezable
{
    /// <summary>Tokens per detected object: phrase, x1, y1, x2, y2.</summary>
    public const int TokensPerObject = 5;

    /// <summary>Pooled feature tokens per image (a 2x2 grid).</summary>
    public const int FeatureTokens = 4;

    private readonly DetectorBackbone backbone;
    private readonly Conv2d head_hidden;
    private readonly Conv2d head_out;
    private readonly CastingLinear feature_proj;
    private readonly Parameter token_type;
    private readonly Parameter object_slot;
    private readonly Parameter feature_position;
    // Not a Tensor field, so not registered: the codes are recreated from their seed, never stored in a checkpoint.
    private readonly WordCodes wordCodes;

    private readonly int imageSize;
    private readonly int grid;
    private readonly int vocabSize;
    private readonly int maxObjects;
    private readonly long[] coordinateTokenIds;

    /// <summary>A detector for square images of <paramref name="imageSize"/> pixels.</summary>
    /// <param name="imageSize">Image side; a multiple of 8.</param>
    /// <param name="width">Backbone channels.</param>
    /// <param name="vocabSize">Decoder vocabulary (the phrase-word head predicts over it).</param>
    /// <param name="textWidth">Decoder embedding width.</param>
    /// <param name="maxObjects">Detections passed to the decoder per image.</param>
    /// <param name="coordinateTokenIds">Token id of each integer 0..imageSize, so coordinate c is token coordinateTokenIds[c].</param>
    /// <param name="computeDtype">Dtype of the tokens handed to the decoder.</param>
    /// <param name="device">Where the parameters live.</param>
    public GroundingDetector(
        int imageSize, int width, int vocabSize, long textWidth, int maxObjects, IReadOnlyList<int> coordinateTokenIds,
        ScalarType computeDtype, Device device)
        : base("vision_tower")
    {
        ArgumentNullException.ThrowIfNull(coordinateTokenIds);
        if (imageSize % DetectorBackbone.Stride != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, $"The detector needs an image side that is a multiple of {DetectorBackbone.Stride}.");
        }
        if (coordinateTokenIds.Count != imageSize + 1)
        {
            throw new ArgumentException($"Expected a token id for each coordinate 0..{imageSize}, got {coordinateTokenIds.Count}.", nameof(coordinateTokenIds));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxObjects);
        this.imageSize = imageSize;
        grid = imageSize / DetectorBackbone.Stride;
        this.vocabSize = vocabSize;
        this.maxObjects = maxObjects;
        this.coordinateTokenIds = coordinateTokenIds.Select(id => (long)id).ToArray();

        backbone = new DetectorBackbone(width, device);
        head_hidden = nn.Conv2d(width + 3L, width, 1).to(device);
        head_out = nn.Conv2d(width, 1 + vocabSize + 4L, 1).to(device);
        feature_proj = new CastingLinear(width, textWidth, hasBias: true, computeDtype, device);
        token_type = ParameterFactory.Normal([TokensPerObject, textWidth], device);
        object_slot = ParameterFactory.Normal([maxObjects, textWidth], device);
        feature_position = ParameterFactory.Normal([FeatureTokens, textWidth], device);
        wordCodes = new WordCodes(vocabSize, textWidth, device);
        ComputeDtype = computeDtype;
        RegisterComponents();
    }

    /// <summary>Image tokens per image: five per object slot plus the pooled feature tokens.</summary>
    public int TokenCount => (maxObjects * TokensPerObject) + FeatureTokens;

    /// <summary>Dtype of the tokens handed to the decoder.</summary>
    public ScalarType ComputeDtype { get; }

    /// <summary>The per-cell predictions for pixels [N, 3, S, S].</summary>
    public override DetectorMaps forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var input = pixels.to(ScalarType.Float32);
        var features = backbone.call(input);
        var n = features.shape[0];
        var cells = (long)grid * grid;
        // Each cell's mean colour goes to the head as it is: the backbone's per-image normalization makes absolute
        // colour hard to recover, and a region's colour is most of what names it.
        var colour = nn.functional.avg_pool2d(input, DetectorBackbone.Stride);
        var raw = head_out.call(nn.functional.gelu(head_hidden.call(cat([features, colour], 1))))
            .flatten(2).transpose(1, 2); // [N, cells, outputs]
        var objectness = raw.select(2, 0);
        var words = raw.narrow(2, 1, vocabSize);
        // Box corners as offsets from the cell's corner, in cells (x8 pixels): translation equivariant, and a regression
        // reaches pixel accuracy from a few hundred images where a classification over positions needs thousands.
        var coordinates = raw.narrow(2, 1 + vocabSize, 4);
        return new DetectorMaps(
            objectness.MoveToOuterDisposeScope(), words.MoveToOuterDisposeScope(),
            coordinates.MoveToOuterDisposeScope(), features.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The detection loss against each image's annotated regions: objectness BCE summed over an image's cells, and over
    /// the cells where a region is centred the phrase-word BCE (summed over the vocabulary) and the Huber error of the
    /// four box corners (in cells, one-pixel knee).
    /// </summary>
    public Tensor Loss(DetectorMaps maps, IReadOnlyList<IReadOnlyList<ImageRegion>> regions) => LossParts(maps, regions, report: false).Total;

    /// <param name="report">Also measure the parts to print (box error, phrase exact: a copy to the CPU); the loss inside
    /// every joint training step does without them.</param>
    private VisionLoss LossParts(DetectorMaps maps, IReadOnlyList<IReadOnlyList<ImageRegion>> regions, bool report)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(regions);
        var n = (int)maps.Objectness.shape[0];
        if (regions.Count != n)
        {
            throw new ArgumentException($"{n} images but region lists for {regions.Count}.", nameof(regions));
        }
        var targets = DetectorTargets.Build(regions, imageSize, grid, vocabSize);
        using var scope = NewDisposeScope();
        var device = maps.Objectness.device;
        var objectness = tensor(targets.Objectness, [n, (long)grid * grid], ScalarType.Float32, device);
        // Summed over an image's cells: averaged, the few positive cells would carry almost no weight.
        var objectLoss = nn.functional.binary_cross_entropy_with_logits(maps.Objectness, objectness, reduction: nn.Reduction.Sum) / n;
        if (targets.Positives.Length == 0)
        {
            return new VisionLoss(objectLoss.MoveToOuterDisposeScope(), [("objectness", objectLoss.detach().MoveToOuterDisposeScope())]);
        }

        var positives = tensor(targets.Positives, ScalarType.Int64, device);
        var count = targets.Positives.Length;
        var words = maps.Words.reshape(-1, vocabSize).index_select(0, positives);
        // One yes/no per vocabulary entry, summed: measured against a softmax over the phrase's words, this learned the
        // colour and kind words in a third of the steps (docs/experiments/seeing.md).
        var wordTargets = tensor(targets.Words, [count, (long)vocabSize], ScalarType.Float32, device);
        var wordLoss = nn.functional.binary_cross_entropy_with_logits(words, wordTargets, reduction: nn.Reduction.Sum) / count;
        var coordinates = maps.Coordinates.reshape(-1, 4).index_select(0, positives);
        var coordinateTargets = tensor(targets.RelativeCoordinates, [count, 4L], ScalarType.Float32, device) / DetectorBackbone.Stride;
        // Huber with a one-pixel knee: L1's constant pull far away, a gradient that fades at the target (plain L1 keeps
        // pushing the shared features at full strength and crowds out the word head).
        var coordinateLoss = nn.functional.smooth_l1_loss(coordinates, coordinateTargets, reduction: nn.Reduction.Sum, beta: 1.0 / DetectorBackbone.Stride) / count;
        var total = objectLoss + wordLoss + coordinateLoss;
        if (!report)
        {
            return new VisionLoss(total.MoveToOuterDisposeScope(), []);
        }
        var coordinateError = nn.functional.l1_loss(coordinates.detach(), coordinateTargets, reduction: nn.Reduction.Sum) / count;
        return new VisionLoss(total.MoveToOuterDisposeScope(),
        [
            ("objectness", objectLoss.detach().MoveToOuterDisposeScope()),
            ("words", wordLoss.detach().MoveToOuterDisposeScope()),
            ("phrase exact", PhraseExact(words, targets.Words, count).MoveToOuterDisposeScope()),
            ("box error px", (coordinateError.detach() * DetectorBackbone.Stride / 4).MoveToOuterDisposeScope()),
        ]);
    }

    /// <summary>
    /// The share of regions whose phrase words are exactly the detector's most likely words (as many as the phrase
    /// has): the number that says whether the decoder is handed the right names.
    /// </summary>
    private Tensor PhraseExact(Tensor wordLogits, float[] multiHot, int count)
    {
        var logits = wordLogits.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
        int exact = 0;
        for (int row = 0; row < count; row++)
        {
            var expected = Enumerable.Range(0, vocabSize).Where(v => multiHot[(row * vocabSize) + v] > 0).ToHashSet();
            var predicted = Enumerable.Range(0, vocabSize)
                .OrderByDescending(v => logits[(row * vocabSize) + v]).Take(expected.Count);
            exact += expected.SetEquals(predicted) ? 1 : 0;
        }
        return tensor((float)exact / count);
    }

    /// <summary>
    /// Freezes the detector (LoRA on a pretrained base trains adapters only): every parameter of it and of its
    /// convolutions stops training. It keeps float32, the dtype it always computes in; its linear layers freeze themselves.
    /// </summary>
    public void Freeze(ScalarType storageDtype)
    {
        foreach (var (_, parameter) in named_parameters())
        {
            parameter.requires_grad_(false);
        }
    }

    /// <summary>Whether the detector's own objective can train it (false once frozen).</summary>
    public bool Trainable => ObjectiveParameters.All(p => p.requires_grad);

    /// <inheritdoc />
    public IReadOnlyList<Parameter> ObjectiveParameters =>
        [.. backbone.parameters(), .. head_hidden.parameters(), .. head_out.parameters()];

    /// <inheritdoc />
    public VisionLoss ObjectiveLoss(Tensor pixelValues, IReadOnlyList<IReadOnlyList<ImageRegion>> regions) =>
        LossParts(call(pixelValues), regions, report: true);

    /// <summary>
    /// The decoder's image tokens [N, <see cref="TokenCount"/>, D] from the detections: no gradient reaches the
    /// detector through them, while the token table, the slot and type vectors and the feature projection train with
    /// the language model.
    /// </summary>
    public Tensor Tokens(DetectorMaps maps, Tensor embeddingTable) => Read(maps, embeddingTable, withTextLinks: false).Tokens;

    /// <summary>
    /// The image tokens and, when <paramref name="withTextLinks"/>, each vocabulary entry's link to the detection it
    /// names [N, V, D]: the sum of the phrase tokens of the detections whose phrase holds that word, each weighted by the
    /// detector's probability that this detection's phrase holds it and no other detection's does. "star" in a question
    /// then carries the star's phrase token (its colour) where a word shared by every phrase ("a") carries nothing.
    /// </summary>
    public DetectorReadout Read(DetectorMaps maps, Tensor embeddingTable, bool withTextLinks)
    {
        ArgumentNullException.ThrowIfNull(maps);
        ArgumentNullException.ThrowIfNull(embeddingTable);
        using var scope = NewDisposeScope();
        var n = maps.Objectness.shape[0];
        var cells = (long)grid * grid;
        var device = maps.Objectness.device;
        var table = embeddingTable.to(ScalarType.Float32);
        var dimension = table.shape[1];

        Tensor wordVectors, coordinateVectors;
        long[] selected;
        bool[] present;
        using (no_grad())
        {
            var objectness = maps.Objectness.sigmoid();
            var wordProbabilities = maps.Words.sigmoid();
            var corners = Corners(maps.Coordinates);                                   // [N, cells, 4] pixels
            var absolute = CoordinateWeights(corners);                                // [N, cells, 4, S+1]
            (selected, present) = Select(objectness, corners);
            var choose = tensor(selected, [n, maxObjects], ScalarType.Int64, device);
            wordVectors = Gather(wordProbabilities, choose);          // [N, K, V]
            coordinateVectors = Gather(absolute.reshape(n, cells, -1), choose).reshape(n, maxObjects, 4, imageSize + 1);
        }

        var mask = tensor(present.Select(p => p ? 1f : 0f).ToArray(), [n, maxObjects, 1], ScalarType.Float32, device);
        // Each word enters as its token embedding plus a fixed code of its own: the decoder learns words that play the
        // same part (the kinds, the colours) as near-parallel embeddings (cosine ~0.9 after 1,700 steps), and summed
        // into one token they were unreadable (shape questions at chance); the codes keep every word distinct.
        var phrase = wordVectors.matmul(table + wordCodes.Table.to(device)) * mask;                // [N, K, D]
        var coordinateTable = table.index_select(0, tensor(coordinateTokenIds, ScalarType.Int64, device));
        var boxes = coordinateVectors.matmul(coordinateTable) * mask.unsqueeze(-1);               // [N, K, 4, D]
        var objects = cat([phrase.unsqueeze(2), boxes], 2)
            + token_type.reshape(1, 1, TokensPerObject, dimension)
            + object_slot.reshape(1, maxObjects, 1, dimension);

        var pooled = nn.functional.adaptive_avg_pool2d(maps.Features.detach(), [2, 2]).flatten(2).transpose(1, 2);
        var features = feature_proj.call(pooled).to(ScalarType.Float32) + feature_position.unsqueeze(0);
        var tokens = cat([objects.reshape(n, (long)maxObjects * TokensPerObject, dimension), features], 1);
        var links = withTextLinks ? TextLinks(wordVectors * mask, objects.select(2, 0)).to(ComputeDtype) : null;
        return new DetectorReadout(tokens.to(ComputeDtype).MoveToOuterDisposeScope(), links?.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Each word's link [N, V, D]: the phrase tokens [N, K, D] weighted by the probability [N, K, V] that this detection's
    /// phrase holds the word times the probability that no other detection's does.
    /// </summary>
    private static Tensor TextLinks(Tensor wordProbabilities, Tensor phraseTokens)
    {
        var slots = (int)wordProbabilities.shape[1];
        var absent = (1 - wordProbabilities).clamp_min(0);
        var unique = new Tensor[slots];
        for (int slot = 0; slot < slots; slot++)
        {
            var onlyHere = wordProbabilities.select(1, slot);
            for (int other = 0; other < slots; other++)
            {
                if (other != slot)
                {
                    onlyHere = onlyHere * absent.select(1, other);
                }
            }
            unique[slot] = onlyHere;
        }
        return stack(unique, 1).transpose(1, 2).matmul(phraseTokens);
    }

    /// <summary>Absolute box corners in pixels [N, cells, 4] (x1, y1, x2, y2), clamped to the image.</summary>
    private Tensor Corners(Tensor offsets)
    {
        using var scope = NewDisposeScope();
        var origins = new float[grid * grid * 4];
        for (int cell = 0; cell < grid * grid; cell++)
        {
            float x = cell % grid * DetectorBackbone.Stride, y = cell / grid * DetectorBackbone.Stride;
            origins[(cell * 4) + 0] = x;
            origins[(cell * 4) + 1] = y;
            origins[(cell * 4) + 2] = x;
            origins[(cell * 4) + 3] = y;
        }
        var origin = tensor(origins, [1, (long)grid * grid, 4], ScalarType.Float32, offsets.device);
        return (origin + (offsets.to(ScalarType.Float32) * DetectorBackbone.Stride)).clamp(0, imageSize).MoveToOuterDisposeScope();
    }

    /// <summary>Each corner as weights over the coordinate tokens 0..S: split between the two nearest integers.</summary>
    private Tensor CoordinateWeights(Tensor corners)
    {
        using var scope = NewDisposeScope();
        var positions = arange(imageSize + 1, ScalarType.Float32, corners.device);
        var weights = (1 - (corners.unsqueeze(-1) - positions).abs()).clamp_min(0);
        return weights.MoveToOuterDisposeScope();
    }

    /// <summary>Per image: the cells whose objectness is over one half, most confident first up to the slot count, then left to right.</summary>
    private (long[] Cells, bool[] Present) Select(Tensor objectness, Tensor boxCorners)
    {
        var n = (int)objectness.shape[0];
        var cells = grid * grid;
        var scores = objectness.to(ScalarType.Float32).cpu().data<float>().ToArray();
        var corners = boxCorners.cpu().data<float>().ToArray(); // [N, cells, 4]
        var selected = new long[n * maxObjects];
        var present = new bool[n * maxObjects];
        for (int image = 0; image < n; image++)
        {
            var found = Enumerable.Range(0, cells)
                .Where(c => scores[(image * cells) + c] > 0.5f)
                .OrderByDescending(c => scores[(image * cells) + c]).ThenBy(c => c)
                .Take(maxObjects)
                .OrderBy(c => corners[(((image * cells) + c) * 4) + 0] + corners[(((image * cells) + c) * 4) + 2])
                .ThenBy(c => corners[(((image * cells) + c) * 4) + 1] + corners[(((image * cells) + c) * 4) + 3])
                .ThenBy(c => c)
                .ToArray();
            for (int slot = 0; slot < found.Length; slot++)
            {
                selected[(image * maxObjects) + slot] = found[slot];
                present[(image * maxObjects) + slot] = true;
            }
        }
        return (selected, present);
    }

    private static Tensor Gather(Tensor perCell, Tensor choose) =>
        perCell.gather(1, choose.unsqueeze(-1).expand(-1, -1, perCell.shape[2]));
}

/// <summary>What the decoder reads from the detections: image tokens [N, T, D] and, when asked for, text links [N, V, D].</summary>
public sealed record DetectorReadout(Tensor Tokens, Tensor? TextLinks);

/// <summary>The detector's raw per-cell outputs. The tensors belong to the caller's dispose scope.</summary>
/// <param name="Objectness">[N, cells] logits: a region is centred in the cell.</param>
/// <param name="Words">[N, cells, V] logits: the token is a word of that region's phrase.</param>
/// <param name="Coordinates">[N, cells, 4]: x1, y1, x2, y2 as offsets from the cell's corner, in cells (8 pixels).</param>
/// <param name="Features">[N, width, S/8, S/8] backbone features.</param>
public sealed record DetectorMaps(Tensor Objectness, Tensor Words, Tensor Coordinates, Tensor Features);
