using Microsoft.AspNetCore.StaticAssets;

namespace LiveCommunity.Server.Common;

/// <summary>
/// The demo page and the embed bundle, built from web/ into wwwroot/ (web/scripts/build.mjs) and served by
/// MapStaticAssets from the manifest the build writes: brotli and gzip copies made at build time, chosen by
/// Accept-Encoding, with strong ETags. How long browsers may keep each file depends on whether its URL changes
/// when its content does.
/// </summary>
public static class WebAssetsExtensions
{
    /// <summary>wwwroot/assets/ holds files named by their content hash (app.&lt;hash&gt;.js): a new build is a new URL.</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>
    /// sdk/livecommunity.js keeps its URL, since host sites put it in their pages: a few minutes, then a
    /// revalidation by ETag, so a new release reaches every reader within minutes at the cost of a 304.
    /// </summary>
    public const string Embed = "public, max-age=300";

    private const string ReloadAtRuntime = "ReloadStaticAssetsAtRuntime";

    public static WebApplicationBuilder AddWebAssets(this WebApplicationBuilder builder)
    {
        // Outside Development the app may still run from its build output (the tests, bench/): the compressed copies
        // are then under obj/, found through the build's runtime manifest. A published app has them in wwwroot and
        // no such manifest, and this does nothing.
        if (!builder.Environment.IsDevelopment())
        {
            builder.WebHost.UseStaticWebAssets();
        }

        // Run from a build, MapStaticAssets re-reads files that changed on disk since the build (for editing wwwroot
        // under dotnet watch). It takes any file whose time has fractions of a second for changed (every file here)
        // and then sends it gzip-framed but uncompressed, even under an endpoint that says Content-Encoding: br.
        // Our wwwroot is build output that only a build changes, and the build renews the manifest with it.
        if (builder.Configuration[ReloadAtRuntime] is null)
        {
            builder.Configuration.AddInMemoryCollection([new(ReloadAtRuntime, "false")]);
        }
        return builder;
    }

    public static IEndpointConventionBuilder MapWebAssets(this WebApplication app)
    {
        var assets = app.MapStaticAssets();
        // In Development every file keeps the SDK's no-cache, so a rebuilt bundle shows at once.
        if (!app.Environment.IsDevelopment())
        {
            assets.Add(endpoint =>
            {
                var route = endpoint.Metadata.OfType<StaticAssetDescriptor>().Single().Route;
                if (CacheControlFor(route) is { } cacheControl)
                {
                    // The SDK writes no-cache into every endpoint of files it did not fingerprint itself, and the
                    // endpoint reads its headers before conventions run: replace the header as the response starts.
                    var serve = endpoint.RequestDelegate!;
                    endpoint.RequestDelegate = context =>
                    {
                        context.Response.OnStarting(() =>
                        {
                            if (context.Response.StatusCode < StatusCodes.Status400BadRequest)
                            {
                                context.Response.Headers.CacheControl = cacheControl;
                            }
                            return Task.CompletedTask;
                        });
                        return serve(context);
                    };
                }
            });
        }
        return assets;
    }

    /// <summary>null: the SDK's no-cache plus ETag (index.html, source maps).</summary>
    private static string? CacheControlFor(string route) => route switch
    {
        _ when route.Contains(".map", StringComparison.Ordinal) => null,
        _ when route.StartsWith("assets/", StringComparison.Ordinal) => Immutable,
        _ when route.StartsWith("sdk/livecommunity.js", StringComparison.Ordinal) => Embed,
        _ => null,
    };
}
