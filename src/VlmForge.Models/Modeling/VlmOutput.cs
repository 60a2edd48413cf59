using static TorchSharp.torch;

namespace VlmForge.Models.Modeling;

/// <summary>A training forward's result. The tensors belong to the caller's dispose scope.</summary>
/// <param name="Logits">[B, T, V] float32.</param>
/// <param name="Loss">Mean cross-entropy (float32 scalar) over label tokens, or null without labels. Zero, not NaN, when every label is -100.</param>
/// <param name="LossSum">Summed cross-entropy (float32 scalar) over label tokens, for token-weighted accumulation; null without labels.</param>
/// <param name="LabelTokens">Number of label tokens (int64 scalar) the loss averages over; null without labels.</param>
/// <param name="AuxiliaryLoss">A loss the vision side trains on besides the language model's (the tiny model's detector
/// loss when regions were given), float32 scalar; null when there is none. Not part of <paramref name="Loss"/>.</param>
public sealed record VlmOutput(Tensor Logits, Tensor? Loss, Tensor? LossSum, Tensor? LabelTokens, Tensor? AuxiliaryLoss = null);
