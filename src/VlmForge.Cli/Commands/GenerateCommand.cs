using System.CommandLine;
using VlmForge.Data.Images;
using VlmForge.Data.Tasks;
using VlmForge.Engine.Generation;
using VlmForge.Engine.Pipeline;
using VlmForge.Engine.Plugins;
using VlmForge.Settings.Loading;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge generate runs/x --image F --prompt "..."</c>: one answer from a trained run, with the run's [evaluation] settings.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "The trained run folder." };
        var image = new Option<string>("--image") { Description = "The image to ask about.", Required = true };
        var prompt = new Option<string?>("--prompt") { Description = "The question or instruction (default with --grounding: the run's grounding instruction)." };
        var grounding = new Option<bool>("--grounding") { Description = "Ask for phrase grounding; boxes are printed in the image's own pixels." };
        var overlay = new Option<string?>("--overlay") { Description = "With --grounding: save the image with the predicted boxes to this PNG." };
        var maxNewTokens = new Option<int?>("--max-new-tokens") { Description = "Override evaluation.max_new_tokens." };
        var plugins = WorkflowSource.PluginFoldersOption();
        var command = new Command("generate", "Answer a prompt about an image with a trained run.")
        {
            run, image, prompt, grounding, overlay, maxNewTokens, plugins,
        };
        command.SetAction(parse => Run(new Request(parse.GetValue(run)!, parse.GetValue(image)!, parse.GetValue(prompt), parse.GetValue(grounding),
                parse.GetValue(overlay), parse.GetValue(maxNewTokens), parse.GetValue(plugins)!),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public sealed record Request(string Run, string Image, string? Prompt, bool Grounding, string? Overlay, int? MaxNewTokens, IEnumerable<string> PluginFolders);

    public static int Run(Request request, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!File.Exists(request.Image))
        {
            error.WriteLine($"error: image {request.Image} does not exist.");
            return 1;
        }
        if (request.Prompt is null && !request.Grounding)
        {
            error.WriteLine("error: give a --prompt (a question), or --grounding to ground the phrases of a description.");
            return 1;
        }
        try
        {
            using var plugins = WorkflowSource.LoadPlugins(request.PluginFolders);
            using var context = RunLoader.Open(request.Run, plugins, log: null);
            var settings = context.Settings;
            var conventions = context.Conventions;
            var userText = request.Prompt ?? settings.Prompt.GroundingInstruction;
            var prompt = GenerationPrompt.FromImageFile(request.Image, userText, conventions.Preprocessor(),
                conventions.Boxes, constrainGrounding: request.Grounding && settings.Evaluation.ConstrainJson);
            using var sampler = plugins.Sampler(settings.Evaluation.Sampler)
                .Create(Engine.Evaluation.EvaluationSettings.From(settings.Evaluation, 1).Sampling);
            var options = new GenerationOptions { MaxNewTokens = request.MaxNewTokens ?? settings.Evaluation.MaxNewTokens };
            var result = new PromptGenerator(RunEvaluation.GenerationContext(context)).Generate([prompt], sampler, options, batchSize: 1);
            var row = result.Rows[0];
            if (!request.Grounding)
            {
                output.WriteLine(row.Text);
                return 0;
            }

            if (GroundingAnswers.InImagePixels(row.Text, conventions.Boxes, prompt.OriginalSize!.Value, out var invalid) is not { } inImagePixels)
            {
                output.WriteLine(row.Text);
                error.WriteLine($"warning: the answer is not valid grounding JSON ({invalid}); set evaluation.constrain_json = true to constrain decoding.");
                return 0;
            }
            output.WriteLine(GroundingJsonWriter.Write(inImagePixels));
            if (request.Overlay is { } overlayPath)
            {
                Data.Overlays.OverlayRenderer.Save(request.Image, truth: null, inImagePixels, overlayPath);
                output.WriteLine($"overlay: {overlayPath}");
            }
            return 0;
        }
        catch (Exception e) when (e is WorkflowException or WorkflowConfigException or PluginNotFoundException or PluginRuntimeException
                                      or IOException or InvalidDataException or Data.Images.ImageDecodeException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
