using LiveCommunity.Server.Common;

namespace LiveCommunity.Server.Tests.Common;

/// <summary>The small dictionary that holds a hub connection's items: dictionary semantics, and safe when shared.</summary>
public sealed class SmallLockedDictionaryTests
{
    [Fact]
    public void BehavesAsADictionary()
    {
        var items = new SmallLockedDictionary<object, object?>();
        var key = new object();
        items[key] = "a";
        items["watched"] = null;
        items.Add(1, "one");

        Assert.Equal(3, items.Count);
        Assert.Equal("a", items[key]);
        Assert.True(items.TryGetValue("watched", out var watched));
        Assert.Null(watched);
        Assert.Throws<ArgumentException>(() => items.Add(1, "again"));
        Assert.Throws<KeyNotFoundException>(() => items["missing"]);

        items[key] = "b"; // replaced, not added
        Assert.Equal(3, items.Count);
        Assert.Equal("b", items[key]);
        Assert.Contains<KeyValuePair<object, object?>>(new(key, "b"), items);
        Assert.False(items.Remove(new KeyValuePair<object, object?>(key, "a")));

        Assert.True(items.Remove("watched"));
        Assert.False(items.Remove("watched"));
        Assert.Equal([key, 1], items.Keys);
        Assert.Equal(["b", "one"], items.Values);

        items.Clear();
        Assert.Empty(items);
        Assert.False(items.ContainsKey(key));
    }

    [Fact]
    public async Task WritersAndReadersOnSeveralThreadsLoseNothing()
    {
        var items = new SmallLockedDictionary<object, object?>();
        var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                items[$"{writer}:{i}"] = i;
                _ = items.Count;
                foreach (var _ in items)
                {
                    // enumerating while others write: a snapshot, never "collection was modified"
                }
                if (i % 2 == 1)
                {
                    Assert.True(items.Remove($"{writer}:{i - 1}"));
                }
            }
        }));
        await Task.WhenAll(writers);

        Assert.Equal(8 * 100, items.Count);
        Assert.All(Enumerable.Range(0, 8), writer => Assert.True(items.ContainsKey($"{writer}:199")));
    }
}
