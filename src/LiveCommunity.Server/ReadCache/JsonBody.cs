using System.Text.Json;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// The answer of a cached read: the shared page's JSON as the cache keeps it (written out as is, no object graph
/// per version), or a value built for one caller (their own reactions merged in), serialized when answered.
/// </summary>
public sealed class JsonBody<T> where T : class
{
    private readonly byte[]? _utf8;
    private readonly JsonSerializerOptions? _options;
    private T? _value;

    /// <summary>A value built for one answer.</summary>
    public JsonBody(T value) : this(value, null, null)
    {
    }

    /// <summary>A shared page's bytes, and the value when it was just built from it (null: read back on demand).</summary>
    internal JsonBody(byte[] utf8, T? value, JsonSerializerOptions options)
        : this(value, utf8, options)
    {
    }

    private JsonBody(T? value, byte[]? utf8, JsonSerializerOptions? options)
    {
        (_value, _utf8, _options) = (value, utf8, options);
    }

    /// <summary>The value; a kept page is read back from its bytes (a fresh copy, not kept).</summary>
    public T Value => _value ??= JsonSerializer.Deserialize<T>(_utf8!, _options) ?? throw new InvalidOperationException("a kept page read back as null");

    /// <summary>This value for one caller.</summary>
    public JsonBody<T> With(T value) => new(value, null, null);

    public byte[] ToUtf8(JsonSerializerOptions options) => _utf8 ?? JsonSerializer.SerializeToUtf8Bytes(_value, options);
}
