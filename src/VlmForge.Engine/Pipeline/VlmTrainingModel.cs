using VlmForge.Abstractions.Optimizers;
using VlmForge.Data.Batching;
using VlmForge.Engine.Training;
using VlmForge.Models.Modeling;
using VlmForge.Settings;
using static TorchSharp.torch;

namespace VlmForge.Engine.Pipeline;

/// <summary>Presents a vision-language model to the trainer: batches move to the model's device, the loss comes back.</summary>
internal sealed class VlmTrainingModel : ITrainableModel
{
    private readonly IVisionLanguageModel _model;
    private readonly Device _device;

    public VlmTrainingModel(IVisionLanguageModel model, Device device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        _model = model;
        _device = device;
        TrainableParameters = model.TrainableParameters();
    }

    public IReadOnlyList<NamedParameter> TrainableParameters { get; }

    public void SetTraining(bool training) => _model.train(training);

    public TrainingLoss Loss(VlmBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var regions = batch.Regions?.Select(ModelRegions.From).ToArray();
        var output = _model.Forward(batch.ToInputs(_device, regions: regions));
        var loss = output.Loss ?? throw new InvalidOperationException("The model returned no loss although labels were given.");
        return new TrainingLoss(loss, output.AuxiliaryLoss);
    }
}
