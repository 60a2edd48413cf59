using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Checkpointing;

/// <summary>Runs a stack of blocks, each one checkpointed when that pays (training with gradients enabled).</summary>
internal static class CheckpointedStack
{
    /// <summary>
    /// Applies <paramref name="blocks"/> in order. With <paramref name="checkpoint"/> and autograd recording, each block
    /// runs through <see cref="GradientCheckpoint"/>; otherwise directly (generation, evaluation, or checkpointing off).
    /// </summary>
    /// <param name="blocks">The blocks.</param>
    /// <param name="hidden">The first block's input.</param>
    /// <param name="constants">Tensors the blocks read besides their input (see <see cref="GradientCheckpoint.Run"/>).</param>
    /// <param name="checkpoint">Whether checkpointing is on.</param>
    /// <param name="apply">Runs one block on an input with the constants.</param>
    public static Tensor Run<TBlock>(
        IEnumerable<TBlock> blocks, Tensor hidden, IReadOnlyList<Tensor> constants, bool checkpoint,
        Func<TBlock, Tensor, IReadOnlyList<Tensor>, Tensor> apply)
        where TBlock : nn.Module
    {
        var useCheckpoint = checkpoint && is_grad_enabled();
        foreach (var block in blocks)
        {
            if (useCheckpoint)
            {
                var trainable = block.parameters().Where(p => p.requires_grad).ToList();
                hidden = GradientCheckpoint.Run((x, c) => apply(block, x, c), hidden, constants, trainable);
            }
            else
            {
                hidden = apply(block, hidden, constants);
            }
        }
        return hidden;
    }
}
