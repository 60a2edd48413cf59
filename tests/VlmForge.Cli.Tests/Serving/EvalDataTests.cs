using System.Text.Json;

namespace VlmForge.Cli.Tests.Serving;

/// <summary><c>vlmforge eval --data</c> on a dataset file the run never saw, with a bad record and <c>--max-examples</c>.</summary>
[Collection(ServedRunCollection.Name)]
public sealed class EvalDataTests(ServedRun served)
{
    [Fact]
    public void Eval_on_a_data_file_reports_its_bad_record_and_evaluates_the_first_examples()
    {
        string data = Path.Combine(served.Folder, "data");
        string test = Path.Combine(data, "test-extra.jsonl");
        var lines = File.ReadLines(Path.Combine(data, "validation.jsonl")).ToList();
        lines.Insert(1, """{"image": "images/does-not-exist.png", "caption": ["a picture"]}""");
        File.WriteAllLines(test, lines);
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = CliApp.Run(["eval", served.RunPath, "--data", test, "--max-examples", "3"], output, error);

        Assert.True(exit == 0, $"eval exited with {exit}: {error}\n{output}");
        Assert.Contains("test-extra.jsonl:2", output.ToString(), StringComparison.Ordinal);
        string metrics = Path.Combine(served.RunPath, "eval-test-extra", "metrics.json");
        using var document = JsonDocument.Parse(File.ReadAllText(metrics));
        Assert.Equal(3, document.RootElement.GetProperty("examples").GetInt32());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(served.RunPath, "eval-test-extra", "predictions.jsonl")).Length);
    }

    [Fact]
    public void Eval_on_a_folder_without_a_test_or_validation_file_says_what_it_needs()
    {
        string empty = Directory.CreateDirectory(Path.Combine(served.Folder, "empty-data")).FullName;
        var error = new StringWriter();

        int exit = CliApp.Run(["eval", served.RunPath, "--data", empty], new StringWriter(), error);

        Assert.Equal(1, exit);
        Assert.Contains("has no test.jsonl or validation.jsonl", error.ToString(), StringComparison.Ordinal);
    }
}
