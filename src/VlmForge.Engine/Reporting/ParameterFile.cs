using System.Text.Json;
using VlmForge.Engine.Runs;
using VlmForge.Models.Inspection;

namespace VlmForge.Engine.Reporting;

/// <summary><c>runs/&lt;name&gt;/parameters.json</c>: the parameter table training prints, kept for the run report.</summary>
internal static class ParameterFile
{
    public const string FileName = "parameters.json";

    /// <summary>Writes <paramref name="table"/> into <paramref name="run"/>.</summary>
    public static void Write(RunFolder run, ParameterTable table)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(table);
        Abstractions.IO.DurableFile.WriteAllText(Path.Combine(run.Path, FileName), JsonSerializer.Serialize(new
        {
            rows = table.Rows.Select(r => new
            {
                module = r.Module,
                kind = r.Kind.ToString(),
                trainable_parameters = r.TrainableParameters,
                trainable_bytes = r.TrainableBytes,
                frozen_parameters = r.FrozenParameters,
                frozen_bytes = r.FrozenBytes,
                dtypes = r.Dtypes,
            }),
        }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
