using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace VlmForge.Models.Safetensors;

/// <summary>
/// One safetensors file, validated on open and memory-mapped: reading a tensor copies its bytes straight from the page
/// cache into a new tensor, so a checkpoint never needs more RAM than the tensors currently materialized.
/// </summary>
public sealed unsafe class SafetensorsFile : ITensorSource
{
    private readonly MemoryMappedFile? map;
    private readonly MemoryMappedViewAccessor? view;
    private readonly byte* data;
    private bool disposed;

    private SafetensorsFile(string path, SafetensorsHeader header, MemoryMappedFile? map, MemoryMappedViewAccessor? view)
    {
        Path = path;
        Header = header;
        this.map = map;
        this.view = view;
        Names = [.. header.Entries.Select(e => e.Name).Order(StringComparer.Ordinal)];
        if (view is not null)
        {
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            data = pointer + view.PointerOffset;
        }
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Names { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="SafetensorsFormatException"/> when it is malformed.</summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader copies bytes as they are.");
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.RandomAccess);
        try
        {
            var fileLength = stream.Length;
            if (fileLength < 8)
            {
                throw new SafetensorsFormatException(path, null, $"the file has {fileLength} bytes, fewer than the 8-byte header length");
            }
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
            {
                throw new SafetensorsFormatException(
                    path, null, $"the header claims {headerLength} bytes, more than the format's limit of {SafetensorsHeader.MaxHeaderBytes}");
            }
            if ((long)headerLength > fileLength - 8)
            {
                throw new SafetensorsFormatException(
                    path, null, $"the header claims {headerLength} bytes but only {fileLength - 8} follow the length: the file is truncated");
            }

            // Bounded by the two checks above: at most 100 MB and never more than the file holds.
            var json = new byte[headerLength];
            stream.ReadExactly(json);
            var dataStart = 8 + (long)headerLength;
            var header = SafetensorsHeader.Parse(json, fileLength - dataStart, path);

            if (header.DataLength == 0)
            {
                stream.Dispose();
                return new SafetensorsFile(path, header, null, null);
            }
            var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            try
            {
                var view = map.CreateViewAccessor(dataStart, header.DataLength, MemoryMappedFileAccess.Read);
                return new SafetensorsFile(path, header, map, view);
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public TensorEntry GetEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Header.Find(name) ?? throw new KeyNotFoundException($"{Path} has no tensor named '{name}'.");
    }

    /// <inheritdoc />
    public Tensor Read(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var entry = GetEntry(name);
        var scalarType = entry.Dtype.ToScalarType()
            ?? throw new SafetensorsFormatException(Path, name, $"dtype {entry.Dtype} has no TorchSharp equivalent and cannot be loaded");

        using var scope = NewDisposeScope();
        // Booleans arrive as bytes so values other than 0/1 can be refused instead of becoming undefined behaviour.
        var target = empty(entry.Shape, entry.Dtype == SafetensorsDtype.BOOL ? ScalarType.Byte : scalarType);
        TensorBytes.CopyInto(target, data + entry.Begin);
        if (entry.Dtype == SafetensorsDtype.BOOL)
        {
            if (target.numel() > 0 && target.max().item<byte>() > 1)
            {
                throw new SafetensorsFormatException(Path, name, "a BOOL tensor holds bytes other than 0 and 1");
            }
            target = target.to(ScalarType.Bool);
        }
        return target.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
        }
        map?.Dispose();
    }
}
