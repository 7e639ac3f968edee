using System.IO.Compression;

namespace LiveCommunity.Server.Tests.Infrastructure;

/// <summary>Requests with an Accept-Encoding and the bytes as they travel (the test client never decompresses).</summary>
public static class Encodings
{
    public static async Task<HttpResponseMessage> GetEncodedAsync(this HttpClient http, string path, string? acceptEncoding, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        return await http.SendAsync(request);
    }

    public static string? ContentEncoding(this HttpResponseMessage response) => response.Content.Headers.ContentEncoding.SingleOrDefault();

    public static bool VariesByEncoding(this HttpResponseMessage response) =>
        response.Headers.Vary.Contains("Accept-Encoding", StringComparer.OrdinalIgnoreCase);

    /// <summary>The body decoded as its Content-Encoding says.</summary>
    public static async Task<byte[]> DecodedBodyAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStreamAsync();
        await using Stream decoded = response.ContentEncoding() switch
        {
            null => body,
            "br" => new BrotliStream(body, CompressionMode.Decompress),
            "gzip" => new GZipStream(body, CompressionMode.Decompress),
            var other => throw new InvalidOperationException($"unexpected Content-Encoding {other}"),
        };
        using var copy = new MemoryStream();
        await decoded.CopyToAsync(copy);
        return copy.ToArray();
    }
}
