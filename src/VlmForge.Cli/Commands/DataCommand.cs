using System.CommandLine;
using VlmForge.Data.Synthetic;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge data synth</c>: writes the synthetic shapes dataset (grounding, VQA and captions), deterministic by seed.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var defaults = new ShapesDatasetOptions();
        var outFolder = new Option<string>("--out") { Description = "Folder to write images/, train.jsonl and validation.jsonl into.", Required = true };
        var train = new Option<int>("--train") { Description = "Training images.", DefaultValueFactory = _ => defaults.TrainCount };
        var validation = new Option<int>("--validation") { Description = "Validation images.", DefaultValueFactory = _ => defaults.ValidationCount };
        var imageSize = new Option<int>("--image-size") { Description = "Side of the square images in pixels.", DefaultValueFactory = _ => defaults.ImageSize };
        var seed = new Option<ulong>("--seed") { Description = "Same seed, same files.", DefaultValueFactory = _ => defaults.Seed };
        var synth = new Command("synth", "Render the synthetic shapes dataset: coloured shapes with grounding sentences, questions and captions.")
        {
            outFolder, train, validation, imageSize, seed,
        };
        synth.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var options = new ShapesDatasetOptions
            {
                TrainCount = parse.GetValue(train),
                ValidationCount = parse.GetValue(validation),
                ImageSize = parse.GetValue(imageSize),
                Seed = parse.GetValue(seed),
            };
            try
            {
                var summary = ShapesDatasetGenerator.Generate(parse.GetValue(outFolder)!, options);
                output.WriteLine($"wrote {summary.TrainCount} training and {summary.ValidationCount} validation images " +
                                 $"({summary.QuestionCount} questions) to {summary.Folder}");
                output.WriteLine($"  {summary.TrainFile}");
                output.WriteLine($"  {summary.ValidationFile}");
                return 0;
            }
            catch (ArgumentException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return new Command("data", "Dataset tools.") { synth };
    }
}
