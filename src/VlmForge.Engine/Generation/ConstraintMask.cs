using static TorchSharp.torch;

namespace VlmForge.Engine.Generation;

/// <summary>Sets the logits of tokens a row's constraint does not allow to -inf, for the rows that have a constraint.</summary>
internal sealed class ConstraintMask(int batch, int vocabulary)
{
    private bool[]? _allowed;

    /// <summary>The logits the sampler sees this step; also marks rows that must end (only the end token, or nothing, allowed).</summary>
    public Tensor Apply(Tensor logits, RowState[] rows)
    {
        if (!rows.Any(r => !r.Finished && r.Constraint is not null))
        {
            return logits;
        }
        _allowed ??= new bool[batch * vocabulary];
        for (int b = 0; b < batch; b++)
        {
            var row = rows[b];
            var allowed = _allowed.AsSpan(b * vocabulary, vocabulary);
            if (row.Finished || row.Constraint is null)
            {
                allowed.Fill(true);
                continue;
            }
            int count = row.Constraint.FillAllowed(allowed);
            if (count == 0)
            {
                row.EndWithoutToken();
                // Keep the row's logits finite so the sampler's softmax stays defined; its pick is ignored.
                allowed.Fill(true);
                continue;
            }
            row.OnlyEndAllowed = count == 1 && allowed[row.Constraint.EndTokenId];
        }
        var mask = tensor(_allowed, [batch, vocabulary], ScalarType.Bool).to(logits.device);
        return logits.masked_fill(mask.logical_not(), double.NegativeInfinity);
    }
}
