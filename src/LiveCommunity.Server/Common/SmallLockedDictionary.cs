using System.Collections;

namespace LiveCommunity.Server.Common;

/// <summary>
/// A dictionary for a handful of entries, safe for concurrent use: pairs in one array, searched in order, under a
/// lock. A hub connection's items are a few entries held for the connection's whole life, where the concurrent
/// dictionary SignalR makes for them costs about 600 bytes a connection (bench/findings.md); this costs about 150.
/// Enumerations, <see cref="Keys"/> and <see cref="Values"/> are snapshots.
/// </summary>
public sealed class SmallLockedDictionary<TKey, TValue> : IDictionary<TKey, TValue> where TKey : notnull
{
    private readonly Lock _gate = new();
    private KeyValuePair<TKey, TValue>[] _entries = new KeyValuePair<TKey, TValue>[4];
    private int _count;

    public TValue this[TKey key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException();
        set
        {
            lock (_gate)
            {
                var at = IndexOf(key);
                if (at >= 0)
                {
                    _entries[at] = new(key, value);
                }
                else
                {
                    Append(key, value);
                }
            }
        }
    }

    public ICollection<TKey> Keys => [.. Snapshot().Select(pair => pair.Key)];

    public ICollection<TValue> Values => [.. Snapshot().Select(pair => pair.Value)];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(TKey key, TValue value)
    {
        lock (_gate)
        {
            if (IndexOf(key) >= 0)
            {
                throw new ArgumentException("An item with the same key has already been added.", nameof(key));
            }
            Append(key, value);
        }
    }

    public void Add(KeyValuePair<TKey, TValue> item) => Add(item.Key, item.Value);

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_entries);
            _count = 0;
        }
    }

    public bool Contains(KeyValuePair<TKey, TValue> item) =>
        TryGetValue(item.Key, out var value) && EqualityComparer<TValue>.Default.Equals(value, item.Value);

    public bool ContainsKey(TKey key) => TryGetValue(key, out _);

    public void CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(TKey key)
    {
        lock (_gate)
        {
            var at = IndexOf(key);
            if (at < 0)
            {
                return false;
            }
            RemoveAt(at);
            return true;
        }
    }

    public bool Remove(KeyValuePair<TKey, TValue> item)
    {
        lock (_gate)
        {
            var at = IndexOf(item.Key);
            if (at < 0 || !EqualityComparer<TValue>.Default.Equals(_entries[at].Value, item.Value))
            {
                return false;
            }
            RemoveAt(at);
            return true;
        }
    }

    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        lock (_gate)
        {
            var at = IndexOf(key);
            value = at >= 0 ? _entries[at].Value : default;
            return at >= 0;
        }
    }

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<TKey, TValue>>)Snapshot()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private KeyValuePair<TKey, TValue>[] Snapshot()
    {
        lock (_gate)
        {
            return _entries[.._count];
        }
    }

    private int IndexOf(TKey key)
    {
        for (var i = 0; i < _count; i++)
        {
            if (EqualityComparer<TKey>.Default.Equals(_entries[i].Key, key))
            {
                return i;
            }
        }
        return -1;
    }

    private void Append(TKey key, TValue value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }
        _entries[_count++] = new(key, value);
    }

    private void RemoveAt(int at)
    {
        _count--;
        Array.Copy(_entries, at + 1, _entries, at, _count - at);
        _entries[_count] = default;
    }
}
