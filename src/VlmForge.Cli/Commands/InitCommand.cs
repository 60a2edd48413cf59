using System.CommandLine;
using System.Text;
using VlmForge.Settings.Documentation;

namespace VlmForge.Cli.Commands;

/// <summary><c>vlmforge init</c>: writes a commented vlmforge.toml with the recommended defaults for a task.</summary>
public static class InitCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "Task to start from: grounding or vqa.", DefaultValueFactory = _ => "grounding" };
        task.AcceptOnlyFromAmong("grounding", "vqa");
        var output = new Option<string>("--out") { Description = "File to write.", DefaultValueFactory = _ => "vlmforge.toml" };
        var force = new Option<bool>("--force") { Description = "Overwrite the file if it exists." };

        var command = new Command("init", "Write a commented vlmforge.toml with the recommended defaults.") { task, output, force };
        command.SetAction(parse => Run(parse.GetValue(task)!, parse.GetValue(output)!, parse.GetValue(force),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string task, string path, bool force, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(path);
        var template = task == "vqa" ? TemplateTask.Vqa : TemplateTask.Grounding;
        if (File.Exists(path) && !force)
        {
            error.WriteLine($"error: {path} already exists; nothing was written. Use --force to overwrite it, or --out to write another file.");
            return 1;
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, ConfigTemplate.Write(template), new UTF8Encoding(false));
        output.WriteLine($"wrote {path} ({task}); check it with: vlmforge check --config {path}");
        return 0;
    }
}
