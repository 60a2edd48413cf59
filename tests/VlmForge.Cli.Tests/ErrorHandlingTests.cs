using VlmForge.Cli;

namespace VlmForge.Cli.Tests;

/// <summary>Bad input through the `vlmforge` command: one located error line and exit code 1, never a stack trace.</summary>
public sealed class ErrorHandlingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vlmforge-cli-errors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Config(string text)
    {
        var path = Path.Combine(_dir, "vlmforge.toml");
        File.WriteAllText(path, text);
        return path;
    }

    private static void NoStackTrace(string text)
    {
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_of_a_config_nested_65_deep_prints_a_located_error()
    {
        var path = Config($"[training]\nbetas = {new string('[', 65)}0.9{new string(']', 65)}\n");

        var (exit, _, error) = Run("check", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:2:", error, StringComparison.Ordinal);
        NoStackTrace(error);
    }

    [Fact]
    public void Check_of_a_12000_part_table_header_prints_a_located_error_instead_of_overflowing_the_stack()
    {
        var path = Config($"[{string.Join('.', Enumerable.Repeat("a", 12_000))}]\nk = 1\n");

        var (exit, _, error) = Run("check", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:1:2: error VLMF0100", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_with_a_NUL_in_dataset_path_prints_the_config_error()
    {
        var path = Config("[dataset]\npath = \"data\\u0000x\"\n");

        var (exit, _, error) = Run("train", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:2:8: error VLMF0110: dataset.path: the path holds the control character U+0000", error, StringComparison.Ordinal);
        NoStackTrace(error);
    }

    [Fact]
    public void Train_with_a_NUL_in_an_image_path_under_fail_stops_with_the_record_located()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "train.jsonl"), "{\"image\": \"images/\\u0000x.png\", \"caption\": \"x\"}\n");
        var path = Config("[model]\nfamily = \"tiny\"\nsize = \"tiny\"\n\n[dataset]\npath = \"data\"\non_error = \"fail\"\n\n[run]\nname = \"nul\"\n");

        var (exit, _, error) = Run("train", "--config", path);

        Assert.Equal(1, exit);
        Assert.Contains($"error: {Path.Combine(data, "train.jsonl")}:1: image \"images/\\u0000x.png\" is not a usable path", error, StringComparison.Ordinal);
        NoStackTrace(error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "runs", "nul")));
    }

    [Fact]
    public void An_unexpected_exception_is_one_line_with_the_file_that_holds_its_trace()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("something that cannot happen\nsecond line");
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }
        var error = new StringWriter();

        int exit = CliErrors.Report(thrown, error);

        Assert.Equal(CliErrors.ExitInternalError, exit);
        var line = Assert.Single(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: unexpected InvalidOperationException: something that cannot happen. This is a bug in VlmForge; the full trace is in ", line, StringComparison.Ordinal);
        var file = line[(line.IndexOf(" is in ", StringComparison.Ordinal) + 7)..line.IndexOf(" (please", StringComparison.Ordinal)];
        Assert.Contains(nameof(An_unexpected_exception_is_one_line_with_the_file_that_holds_its_trace), File.ReadAllText(file), StringComparison.Ordinal);
        File.Delete(file);
    }

    [Fact]
    public void A_format_exception_of_any_loader_is_one_error_line()
    {
        var error = new StringWriter();

        int exit = CliErrors.Report(new Models.Safetensors.SafetensorsFormatException("/x/model.safetensors", "w", "the file is truncated"), error);

        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("/x/model.safetensors", error.ToString(), StringComparison.Ordinal);
    }
}
