namespace VlmForge.Data.Metrics;

/// <summary>Exact-match accuracy of VQA answers after <see cref="VqaAnswerNormalizer"/> (one reference answer per question).</summary>
public sealed record VqaAccuracy(int Questions, int Correct)
{
    public double Accuracy => Questions == 0 ? 0 : (double)Correct / Questions;

    public static bool IsCorrect(string predicted, string reference) =>
        VqaAnswerNormalizer.Normalize(predicted) == VqaAnswerNormalizer.Normalize(reference);

    public static VqaAccuracy From(IEnumerable<(string Predicted, string Reference)> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        int questions = 0, correct = 0;
        foreach ((string predicted, string reference) in answers)
        {
            questions++;
            correct += IsCorrect(predicted, reference) ? 1 : 0;
        }

        return new VqaAccuracy(questions, correct);
    }
}
