using TorchSharp;
using TorchSharp.Modules;
using VlmForge.Abstractions.Optimizers;
using VlmForge.Abstractions.Precision;
using VlmForge.Data.Batching;
using VlmForge.Data.Geometry;
using VlmForge.Data.Images;
using VlmForge.Engine.Training;
using static TorchSharp.torch;

namespace VlmForge.Engine.Tests.Training;

/// <summary>y = w·x regression posed as a "model": pixel_values carry x, labels carry nothing, the target is in the data.</summary>
internal sealed class RegressionModel : ITrainableModel
{
    public readonly Parameter Weight = new(zeros(4), requires_grad: true);
    public Func<long, bool> PoisonAtCall { get; init; } = _ => false;
    private long _calls;

    public IReadOnlyList<NamedParameter> TrainableParameters => [new("w", Weight)];

    public void SetTraining(bool training) { }

    public TrainingLoss Loss(VlmBatch batch)
    {
        var x = batch.PixelValues.reshape(batch.BatchSize, 12)[.., ..4];
        var target = x.matmul(tensor(new float[] { 1, -2, 3, 0.5f }));
        var loss = (x.matmul(Weight) - target).pow(2).mean();
        return new TrainingLoss(PoisonAtCall(_calls++) ? loss * float.NaN : loss);
    }
}

/// <summary>Fixed examples, shuffled per epoch from a seed, so (epoch, step) always gives the same batch.</summary>
internal sealed class RegressionData(int count, int seed = 3) : ITrainingData
{
    private readonly float[][] _x = MakeInputs(count, seed);

    public int Count => count;

    private readonly BatchCollator _collator = new(padTokenId: 0);

    public VlmBatch Batch(int epoch, int stepInEpoch, int batchSize)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed * 1000 + epoch).Shuffle(order);
        var rows = order.Skip(stepInEpoch * batchSize).Take(batchSize);
        // A 2x2 "image" carries x in its first four values; one token with a label keeps the batch well formed.
        return _collator.CollateForTraining(rows.Select(r => new CollateItem(
            new PreparedImage([.. _x[r], .. new float[8]], new ImageSize(2, 2)),
            new EncodedExample([1], [1]))).ToList());
    }

    private static float[][] MakeInputs(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }
}

internal sealed class Sgd(IReadOnlyList<NamedParameter> parameters) : IOptimizer
{
    public long StepCount { get; private set; }
    public List<double> Rates { get; } = [];

    public void Step(double learningRate)
    {
        using var _ = no_grad();
        foreach (var p in parameters)
            p.Parameter.sub_(p.Parameter.grad! * learningRate);
        Rates.Add(learningRate);
        StepCount++;
    }

    public IReadOnlyDictionary<string, Tensor> SaveState() => new Dictionary<string, Tensor>();
    public void LoadState(IReadOnlyDictionary<string, Tensor> state) { }
    public void Dispose() { }
}

internal sealed class Fp32Policy : IPrecisionPolicy
{
    public ScalarType ComputeDtype => ScalarType.Float32;
    public double LossScale => 1.0;
    public Tensor ScaleLoss(Tensor loss) => loss;

    public bool UnscaleGradients(IReadOnlyList<Parameter> parameters) =>
        parameters.All(p => p.grad is null || torch.isfinite(p.grad).all().item<bool>());

    public IReadOnlyDictionary<string, double> SaveState() => new Dictionary<string, double>();
    public void LoadState(IReadOnlyDictionary<string, double> state) { }
}

internal sealed class ScriptedValidator(params double[] losses) : IValidator
{
    private int _next;
    public int Calls => _next;

    public ValidationResult Validate() =>
        new(losses[Math.Min(_next++, losses.Length - 1)], new Dictionary<string, double> { ["grounding_f1"] = 0.5 });
}
