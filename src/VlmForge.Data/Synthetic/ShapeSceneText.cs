using System.Globalization;
using VlmForge.Data.Datasets;
using VlmForge.Data.Randomness;
using VlmForge.Data.Tasks;

namespace VlmForge.Data.Synthetic;

/// <summary>The words of a scene: grounding sentence and phrases, questions with answers, and a caption.</summary>
public static class ShapeSceneText
{
    /// <summary>The sentence and its phrases, left to right: "a red circle", "a red circle above a blue square", "a red circle, a blue square and a green star".</summary>
    public static PhraseGrounding Grounding(ShapeScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var ordered = LeftToRight(scene);
        string sentence = ordered.Count switch
        {
            1 => ordered[0].Phrase,
            2 => $"{ordered[0].Phrase} {Relation(ordered[0], ordered[1])} {ordered[1].Phrase}",
            _ => string.Join(", ", ordered.Take(ordered.Count - 1).Select(s => s.Phrase)) + " and " + ordered[^1].Phrase,
        };
        return new PhraseGrounding(sentence, ordered.Select(s => new GroundedPhrase(s.Phrase, [s.Box])).ToArray());
    }

    /// <summary>Count, colour, shape and (when the shape is clearly off-centre) position questions.</summary>
    public static IReadOnlyList<QuestionAnswer> Questions(ShapeScene scene, SplitMix64 random)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(random);
        var questions = new List<QuestionAnswer>
        {
            new("How many shapes are there?", scene.Shapes.Count.ToString(CultureInfo.InvariantCulture)),
        };

        PlacedShape forColor = random.Pick(scene.Shapes);
        questions.Add(new($"What color is the {ShapeKinds.Name(forColor.Kind)}?", forColor.Color.Name));

        PlacedShape forShape = random.Pick(scene.Shapes);
        questions.Add(new($"What shape is the {forShape.Color.Name} object?", ShapeKinds.Name(forShape.Kind)));

        double half = scene.ImageSize / 2.0;
        var offCentre = scene.Shapes.Where(s => Math.Abs(s.CenterX - half) >= scene.ImageSize / 8.0).ToArray();
        if (offCentre.Length > 0)
        {
            PlacedShape forSide = random.Pick(offCentre);
            string side = forSide.CenterX < half ? "left" : "right";
            questions.Add(new($"Is the {forSide.Color.Name} {ShapeKinds.Name(forSide.Kind)} on the left or the right?", side));
        }

        return questions;
    }

    /// <summary>"A red circle above a blue square on a noisy gray background."</summary>
    public static string Caption(ShapeScene scene)
    {
        string sentence = Grounding(scene).Sentence;
        return $"{char.ToUpperInvariant(sentence[0])}{sentence[1..]} on {scene.Background.Description}.";
    }

    private static List<PlacedShape> LeftToRight(ShapeScene scene)
    {
        if (scene.Shapes.Count == 0)
        {
            throw new ArgumentException("A scene needs at least one shape.", nameof(scene));
        }

        return scene.Shapes.OrderBy(s => s.CenterX).ThenBy(s => s.CenterY).ToList();
    }

    /// <summary>Where <paramref name="a"/> is relative to <paramref name="b"/> along the axis they differ most on.</summary>
    private static string Relation(PlacedShape a, PlacedShape b)
    {
        double dx = b.CenterX - a.CenterX;
        double dy = b.CenterY - a.CenterY;
        if (Math.Abs(dy) > Math.Abs(dx))
        {
            return dy > 0 ? "above" : "below";
        }

        return "to the left of";
    }
}
