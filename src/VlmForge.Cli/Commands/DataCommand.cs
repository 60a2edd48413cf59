using System.CommandLine;
using VlmForge.Data.Datasets;
using VlmForge.Data.Import;
using VlmForge.Data.Synthetic;
using VlmForge.Settings;

namespace VlmForge.Cli.Commands;

/// <summary>
/// <c>vlmforge data synth</c>: writes the synthetic shapes dataset (grounding, VQA and captions), deterministic by seed;
/// <c>vlmforge data import</c>: converts COCO, ODVG and LLaVA data to VlmForge JSONL.
/// </summary>
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
        var minShapes = new Option<int>("--min-shapes") { Description = "Fewest shapes in one image.", DefaultValueFactory = _ => defaults.MinShapes };
        var maxShapes = new Option<int>("--max-shapes") { Description = "Most shapes in one image (at most 4).", DefaultValueFactory = _ => defaults.MaxShapes };
        var synth = new Command("synth", "Render the synthetic shapes dataset: coloured shapes with grounding sentences, questions and captions.")
        {
            outFolder, train, validation, imageSize, seed, minShapes, maxShapes,
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
                MinShapes = parse.GetValue(minShapes),
                MaxShapes = parse.GetValue(maxShapes),
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
        return new Command("data", "Dataset tools.") { synth, ImportCommand() };
    }

    private static Command ImportCommand()
    {
        var from = new Option<string>("--from") { Description = "Source format.", Required = true };
        from.AcceptOnlyFromAmong("coco", "odvg", "llava");
        var input = new Option<string>("--in")
        {
            Description = "coco: instances_*.json; odvg: the .jsonl (grounding or detection lines); llava: the conversations .json.", Required = true,
        };
        var captions = new Option<string?>("--captions") { Description = "coco: a captions_*.json to add captions from." };
        var images = new Option<string?>("--images") { Description = "Folder the source's image names are relative to (default: the --in file's folder)." };
        var output = new Option<string>("--out") { Description = "The VlmForge dataset .jsonl to write (image paths relative to it).", Required = true };
        var onError = new Option<string>("--on-error") { Description = "skip: report bad source records and go on; fail: stop at the first.", DefaultValueFactory = _ => "skip" };
        onError.AcceptOnlyFromAmong("skip", "fail");
        var command = new Command("import", "Convert COCO (instances + captions), ODVG / referring expressions or LLaVA conversations to VlmForge JSONL.")
        {
            from, input, captions, images, output, onError,
        };
        command.SetAction(parse => Import(parse.GetValue(from)!, parse.GetValue(input)!, parse.GetValue(captions), parse.GetValue(images),
            parse.GetValue(output)!, parse.GetValue(onError) == "fail", parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Import(string format, string input, string? captions, string? images, string output, bool fail, TextWriter log, TextWriter error)
    {
        var problems = new ImportProblems(fail ? RecordErrorPolicy.Fail : RecordErrorPolicy.Skip);
        string folder = images ?? Path.GetDirectoryName(Path.GetFullPath(input))!;
        try
        {
            var records = format switch
            {
                "coco" => CocoImporter.Import(input, captions, folder, problems),
                "odvg" => OdvgImporter.Import(input, folder, problems),
                _ => LlavaImporter.Import(input, folder, problems),
            };
            foreach (var problem in problems.All)
                error.WriteLine($"skipped: {problem}");
            if (records.Count == 0)
            {
                error.WriteLine($"error: {input} gave no usable record; nothing written.");
                return 1;
            }
            DatasetLineWriter.Write(output, records);
            log.WriteLine($"wrote {records.Count} records to {output} ({records.Count(r => r.Grounding is not null)} grounding, " +
                          $"{records.Sum(r => r.Questions.Count)} questions, {records.Sum(r => r.Captions.Count)} captions; {problems.All.Count} source records skipped)");
            return 0;
        }
        catch (ImportException e)
        {
            error.WriteLine($"error: {e.Problem} (--on-error skip skips such records)");
            return 1;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
