using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace LiveCommunity.Server.Common;

/// <summary>
/// Brotli or gzip for the API's JSON answers: a replies page is repeated keys and prose, a fifth of its size
/// compressed. Compressing a body that holds a secret next to text an attacker chooses lets the attacker read
/// the secret from the compressed sizes (BREACH), so this stays off wherever a body carries one:
/// <c>/api/dev/token</c> hands out a token, and the hub (<c>/hubs</c>) answers negotiate with connection tokens
/// and keeps its websocket frames to itself. Static files are not compressed here: MapStaticAssets serves the
/// .br/.gz copies made at build time (<see cref="WebAssetsExtensions"/>).
/// </summary>
public static class CompressionExtensions
{
    public static WebApplicationBuilder AddApiCompression(this WebApplicationBuilder builder)
    {
        builder.Services.AddResponseCompression(options =>
        {
            // The JSON answers left compressed carry no secrets, so HTTPS is no reason to leave them out
            // (where TLS ends at the proxy, as docs/deployment.md has it, the instances see plain HTTP anyway).
            options.EnableForHttps = true;
            options.MimeTypes = ["application/json", "application/problem+json"];
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        // A hot story's pages are read thousands of times a second: CPU matters more than the last few bytes.
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        return builder;
    }

    public static IApplicationBuilder UseApiCompression(this IApplicationBuilder app) =>
        app.UseWhen(context => !CarriesSecrets(context.Request.Path), branch => branch.UseResponseCompression());

    private static bool CarriesSecrets(PathString path) =>
        path.StartsWithSegments("/api/dev") || path.StartsWithSegments("/hubs");
}
