using System.Collections;
using System.Runtime.CompilerServices;

namespace VlmForge.Abstractions.Settings;

/// <summary>
/// An immutable list setting (for example <c>lora_target_modules</c> or <c>betas</c>) that compares by its
/// items, so option records that hold lists keep value equality.
/// </summary>
/// <typeparam name="T">Item type: <see cref="string"/>, <see cref="int"/> or <see cref="double"/>.</typeparam>
[CollectionBuilder(typeof(SettingList), nameof(SettingList.Create))]
public sealed class SettingList<T> : IReadOnlyList<T>, IEquatable<SettingList<T>>
{
    private readonly T[] _items;

    /// <summary>Creates a list holding a copy of <paramref name="items"/>.</summary>
    public SettingList(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.ToArray();
    }

    /// <summary>The empty list.</summary>
    public static SettingList<T> Empty { get; } = new([]);

    /// <inheritdoc />
    public T this[int index] => _items[index];

    /// <inheritdoc />
    public int Count => _items.Length;

    /// <summary>The items as a span.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;

    /// <inheritdoc />
    public bool Equals(SettingList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SettingList<T>);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>Item-wise equality.</summary>
    public static bool operator ==(SettingList<T>? left, SettingList<T>? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Item-wise inequality.</summary>
    public static bool operator !=(SettingList<T>? left, SettingList<T>? right) => !(left == right);

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>The items as TOML would show them, for messages: <c>["q_proj", "v_proj"]</c>.</summary>
    public override string ToString() => TomlFormat.Array(_items.Select(i => i switch
    {
        string s => TomlFormat.String(s),
        double d => TomlFormat.Float(d),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => i?.ToString() ?? "",
    }));
}

/// <summary>Builds <see cref="SettingList{T}"/> values, also from collection expressions (<c>["a", "b"]</c>).</summary>
public static class SettingList
{
    /// <summary>A list holding a copy of <paramref name="items"/>.</summary>
    public static SettingList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
