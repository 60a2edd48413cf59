using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VlmForge.Models.Checkpointing;

/// <summary>
/// Gradient checkpointing: run a block without keeping its activations and recompute them during backward.
/// TorchSharp 0.107 has custom autograd functions (<see cref="autograd.MultiTensorFunction{T}"/>), so this is the
/// PyTorch recipe: forward under no_grad saving only the input (and the constant tensors the block reads); backward
/// re-runs the block with grad enabled and asks autograd for the gradients of the input and of the block's trainable
/// parameters. The parameters are passed as extra inputs so their gradients flow through this node even when the
/// input needs none (LoRA, where the embeddings are frozen). The CPU random state is saved and restored around the
/// recomputation so dropout draws the same mask.
/// </summary>
public static class GradientCheckpoint
{
    /// <summary>Applies <paramref name="block"/> to <paramref name="input"/>, recomputing it in backward.</summary>
    /// <param name="block">
    /// The computation, given the input and <paramref name="constants"/>. It must read other tensors only through
    /// <paramref name="constants"/> (they are kept alive by the autograd graph; captured tensors might be disposed by
    /// the time backward runs) and must be deterministic given the CPU random state.
    /// </param>
    /// <param name="input">The block's input activations.</param>
    /// <param name="constants">Tensors without gradient the block reads (masks, rotary tables).</param>
    /// <param name="trainableParameters">Every parameter with requires_grad that the block reads.</param>
    public static Tensor Run(
        Func<Tensor, IReadOnlyList<Tensor>, Tensor> block, Tensor input, IReadOnlyList<Tensor> constants,
        IReadOnlyList<Parameter> trainableParameters)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(constants);
        ArgumentNullException.ThrowIfNull(trainableParameters);
        var call = new CheckpointedCall(block, constants.Count, trainableParameters, input.requires_grad);
        var arguments = new List<object>(2 + constants.Count + trainableParameters.Count) { call, input };
        arguments.AddRange(constants);
        arguments.AddRange(trainableParameters);
        return RecomputeFunction.apply([.. arguments])[0];
    }

    /// <summary>What one checkpointed call needs again in backward (tensors go through save_for_backward instead).</summary>
    private sealed class CheckpointedCall(
        Func<Tensor, IReadOnlyList<Tensor>, Tensor> block, int constantCount, IReadOnlyList<Parameter> parameters, bool inputRequiresGrad)
    {
        public Func<Tensor, IReadOnlyList<Tensor>, Tensor> Block { get; } = block;

        public int ConstantCount { get; } = constantCount;

        public IReadOnlyList<Parameter> Parameters { get; } = parameters;

        public bool InputRequiresGrad { get; } = inputRequiresGrad;

        public byte[] RandomState { get; set; } = [];
    }

    /// <summary>The autograd node. Stateless: TorchSharp keeps one instance per function type.</summary>
    private sealed class RecomputeFunction : autograd.MultiTensorFunction<RecomputeFunction>
    {
        private const string CallKey = "call";

        public override string Name => "GradientCheckpoint";

        public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var call = (CheckpointedCall)vars[0];
            var input = (Tensor)vars[1];
            var constants = vars.Skip(2).Take(call.ConstantCount).Cast<Tensor>().ToList();
            using (var state = get_rng_state())
            {
                call.RandomState = state.data<byte>().ToArray();
            }
            ctx.save_for_backward([input, .. constants]);
            ctx.save_data(CallKey, call);
            // apply() runs this under no_grad, so the block's activations are not kept.
            return [call.Block(input, constants)];
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs)
        {
            var call = (CheckpointedCall)ctx.get_data(CallKey);
            var saved = ctx.get_saved_variables();
            var input = saved[0];
            var constants = saved.GetRange(1, call.ConstantCount);

            List<Tensor> result = [null!, .. Enumerable.Repeat<Tensor>(null!, 1 + call.ConstantCount + call.Parameters.Count)];
            using var currentState = get_rng_state();
            using (var replayState = tensor(call.RandomState))
            {
                set_rng_state(replayState);
            }
            try
            {
                // The recomputed activations die with this scope; only the gradients leave it.
                using var scope = NewDisposeScope();
                using var grad = enable_grad();
                var replayInput = input.detach().requires_grad_(call.InputRequiresGrad);
                var output = call.Block(replayInput, constants);
                var targets = new List<Tensor>(call.Parameters.Count + 1);
                if (call.InputRequiresGrad)
                {
                    targets.Add(replayInput);
                }
                targets.AddRange(call.Parameters);
                if (targets.Count > 0)
                {
                    var gradients = autograd.grad([output], targets, [grad_outputs[0]], allow_unused: true);
                    var next = 0;
                    if (call.InputRequiresGrad)
                    {
                        result[1] = Keep(gradients[next++]);
                    }
                    for (var i = 0; i < call.Parameters.Count; i++)
                    {
                        result[2 + call.ConstantCount + i] = Keep(gradients[next++]);
                    }
                }
            }
            finally
            {
                set_rng_state(currentState);
            }
            return result;
        }

        private static Tensor Keep(Tensor gradient) =>
            gradient is null || gradient.IsInvalid ? null! : gradient.MoveToOuterDisposeScope();
    }
}
