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
    public JsonBody(T value) : this(value, null, null, shareable: true)
    {
    }

    /// <summary>A shared page's bytes, and the value when it was just built from it (null: read back on demand).</summary>
    internal JsonBody(byte[] utf8, T? value, JsonSerializerOptions options, bool shareable = true)
        : this(value, utf8, options, shareable)
    {
    }

    private JsonBody(T? value, byte[]? utf8, JsonSerializerOptions? options, bool shareable)
    {
        (_value, _utf8, _options, Shareable) = (value, utf8, options, shareable);
    }

    /// <summary>
    /// False when the page was built for a position no page of this server ends at (a made-up cursor): served,
    /// but kept by no cache (the output cache included), so such requests cost nothing to keep.
    /// </summary>
    public bool Shareable { get; }

    /// <summary>The value; a kept page is read back from its bytes (a fresh copy, not kept).</summary>
    public T Value => _value ??= JsonSerializer.Deserialize<T>(_utf8!, _options) ?? throw new InvalidOperationException("a kept page read back as null");

    /// <summary>This value for one caller, still marked as shareable or not.</summary>
    public JsonBody<T> With(T value) => new(value, null, null, Shareable);

    public byte[] ToUtf8(JsonSerializerOptions options) => _utf8 ?? JsonSerializer.SerializeToUtf8Bytes(_value, options);
}
