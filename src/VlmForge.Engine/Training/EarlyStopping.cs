namespace VlmForge.Engine.Training;

/// <summary>
/// Stops training when a validation metric has not improved by at least <c>min_delta</c> for <c>patience</c>
/// evaluations in a row (the page's advice: stop when validation stops improving for 10-20 epochs).
/// </summary>
internal sealed class EarlyStopping
{
    public EarlyStopping(bool higherIsBetter, int patience, double minDelta)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(minDelta);
        HigherIsBetter = higherIsBetter;
        Patience = patience;
        MinDelta = minDelta;
    }

    public bool HigherIsBetter { get; }
    public int Patience { get; }
    public double MinDelta { get; }

    /// <summary>Best value seen so far, or null before the first evaluation.</summary>
    public double? Best { get; private set; }

    /// <summary>Evaluations since the best one.</summary>
    public int EvaluationsWithoutImprovement { get; private set; }

    /// <summary>True once patience has run out.</summary>
    public bool ShouldStop => EvaluationsWithoutImprovement >= Patience;

    /// <summary>Records one evaluation; returns true when it is a new best.</summary>
    public bool Observe(double value)
    {
        if (double.IsNaN(value))
        {
            EvaluationsWithoutImprovement++;
            return false;
        }
        bool improved = Best is not { } best
            || (HigherIsBetter ? value > best + MinDelta : value < best - MinDelta);
        if (improved)
        {
            Best = value;
            EvaluationsWithoutImprovement = 0;
        }
        else
        {
            EvaluationsWithoutImprovement++;
        }
        return improved;
    }

    /// <summary>Restores the state saved in a checkpoint.</summary>
    public void Restore(double? best, int evaluationsWithoutImprovement)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(evaluationsWithoutImprovement);
        Best = best;
        EvaluationsWithoutImprovement = evaluationsWithoutImprovement;
    }
}
