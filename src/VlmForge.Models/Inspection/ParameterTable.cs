using System.Globalization;
using System.Text;
using TorchSharp;
using VlmForge.Models.Training;
using static TorchSharp.torch;

namespace VlmForge.Models.Inspection;

/// <summary>One line of the parameter table: a top-level module and one kind of weight in it.</summary>
/// <param name="Module">Top-level module (for example <c>language_model</c>).</param>
/// <param name="Kind">Base, LoRA or quantized.</param>
/// <param name="TrainableParameters">Elements that receive gradients.</param>
/// <param name="TrainableBytes">Bytes those elements occupy.</param>
/// <param name="FrozenParameters">Elements that do not train (for quantized weights: the weights they stand for).</param>
/// <param name="FrozenBytes">Bytes actually held for them (for quantized weights: codes and scales).</param>
/// <param name="Dtypes">Storage dtypes seen, sorted, comma-separated.</param>
public sealed record ParameterTableRow(
    string Module, ParameterKind Kind, long TrainableParameters, long TrainableBytes, long FrozenParameters, long FrozenBytes, string Dtypes);

/// <summary>Trainable and frozen parameters per top-level module and kind, printed at the start of training.</summary>
public sealed class ParameterTable
{
    private ParameterTable(IReadOnlyList<ParameterTableRow> rows) => Rows = rows;

    /// <summary>Rows ordered by module (in model order) then kind.</summary>
    public IReadOnlyList<ParameterTableRow> Rows { get; }

    /// <summary>Elements that train.</summary>
    public long TrainableParameters => Rows.Sum(r => r.TrainableParameters);

    /// <summary>Elements that do not train.</summary>
    public long FrozenParameters => Rows.Sum(r => r.FrozenParameters);

    /// <summary>Bytes of trainable weights.</summary>
    public long TrainableBytes => Rows.Sum(r => r.TrainableBytes);

    /// <summary>Bytes of frozen weights as stored.</summary>
    public long FrozenBytes => Rows.Sum(r => r.FrozenBytes);

    /// <summary>Builds the table of <paramref name="model"/>; <paramref name="quantized"/> says which modules a quantizer stores.</summary>
    public static ParameterTable Build(nn.Module model, IReadOnlyList<QuantizedLinearInfo> quantized)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(quantized);
        var groups = new Dictionary<(string Module, ParameterKind Kind), Accumulator>();
        var order = new List<(string, ParameterKind)>();
        Accumulator Group(string module, ParameterKind kind)
        {
            if (!groups.TryGetValue((module, kind), out var group))
            {
                group = new Accumulator();
                groups[(module, kind)] = group;
                order.Add((module, kind));
            }
            return group;
        }

        var quantizedPrefixes = quantized.ToDictionary(q => q.Path + ".", q => q, StringComparer.Ordinal);
        foreach (var (name, tensor, requiresGrad) in Tensors(model))
        {
            var info = quantizedPrefixes.FirstOrDefault(q => name.StartsWith(q.Key, StringComparison.Ordinal)).Value;
            var kind = info is not null ? ParameterKind.Quantized
                : IsAdapter(name) ? ParameterKind.Lora
                : ParameterKind.Base;
            var group = Group(TopLevel(name), kind);
            var bytes = tensor.numel() * ElementSize(tensor.dtype);
            group.Dtypes.Add(tensor.dtype.ToString());
            if (kind == ParameterKind.Quantized)
            {
                group.FrozenBytes += bytes;
            }
            else if (requiresGrad)
            {
                group.TrainableParameters += tensor.numel();
                group.TrainableBytes += bytes;
            }
            else
            {
                group.FrozenParameters += tensor.numel();
                group.FrozenBytes += bytes;
            }
        }
        foreach (var info in quantized)
        {
            Group(TopLevel(info.Path), ParameterKind.Quantized).FrozenParameters += info.ParameterCount;
        }

        var rows = order
            .OrderBy(key => order.FindIndex(k => k.Item1 == key.Item1))
            .ThenBy(key => key.Item2)
            .Select(key =>
            {
                var g = groups[key];
                return new ParameterTableRow(
                    key.Item1, key.Item2, g.TrainableParameters, g.TrainableBytes, g.FrozenParameters, g.FrozenBytes,
                    string.Join(",", g.Dtypes.Order(StringComparer.Ordinal)));
            })
            .ToList();
        return new ParameterTable(rows);
    }

    /// <summary>An aligned plain-text table with a total line, numbers in the invariant culture.</summary>
    public string Format()
    {
        string[] header = ["module", "kind", "trainable", "trainable MB", "frozen", "frozen MB", "dtype"];
        var lines = Rows
            .Select(r => new[]
            {
                r.Module, r.Kind.ToString().ToLowerInvariant(), Count(r.TrainableParameters), Megabytes(r.TrainableBytes),
                Count(r.FrozenParameters), Megabytes(r.FrozenBytes), r.Dtypes,
            })
            .Append(["total", "", Count(TrainableParameters), Megabytes(TrainableBytes), Count(FrozenParameters), Megabytes(FrozenBytes), ""])
            .ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Max(l => l[i].Length))).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            for (var i = 0; i < cells.Count; i++)
            {
                var numeric = i is >= 2 and <= 5;
                text.Append(numeric ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
                text.Append(i == cells.Count - 1 ? "" : "  ");
            }
            text.Append('\n');
        }
        Line(header);
        foreach (var line in lines)
        {
            Line(line);
        }
        var share = TrainableParameters + FrozenParameters == 0 ? 0 : 100.0 * TrainableParameters / (TrainableParameters + FrozenParameters);
        text.Append(string.Create(CultureInfo.InvariantCulture, $"trainable: {share:0.###}% of {Count(TrainableParameters + FrozenParameters)} parameters\n"));
        return text.ToString();
    }

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "No element size is known for this dtype."),
    };

    private static IEnumerable<(string Name, Tensor Tensor, bool RequiresGrad)> Tensors(nn.Module model)
    {
        foreach (var (name, parameter) in model.named_parameters())
        {
            yield return (name, parameter, parameter.requires_grad);
        }
        foreach (var (name, buffer) in model.named_buffers())
        {
            yield return (name, buffer, false);
        }
    }

    private static bool IsAdapter(string name) => name.Contains(".lora_A.", StringComparison.Ordinal) || name.Contains(".lora_B.", StringComparison.Ordinal);

    private static string TopLevel(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Megabytes(long bytes) => (bytes / 1048576.0).ToString("0.00", CultureInfo.InvariantCulture);

    private sealed class Accumulator
    {
        public long TrainableParameters { get; set; }

        public long TrainableBytes { get; set; }

        public long FrozenParameters { get; set; }

        public long FrozenBytes { get; set; }

        public SortedSet<string> Dtypes { get; } = new(StringComparer.Ordinal);
    }
}
