using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LiveCommunity.Server.ReadCache;

/// <summary>
/// A 200 JSON answer with an ETag made from its bytes, so equal content has the same tag on every instance,
/// and a 304 when the request's If-None-Match already has it. Cache-Control <c>no-cache</c>: browsers keep the
/// copy and revalidate it each time, which costs a 304 and no body. A shared page's kept JSON is written as it
/// is.
/// </summary>
public sealed class ETagged<T>(JsonBody<T> body) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult<T>, IValueHttpResult
    where T : class
{
    /// <summary>A value built for this answer (not a shared page).</summary>
    public ETagged(T value) : this(new JsonBody<T>(value))
    {
    }

    public T Value => body.Value;
    object? IValueHttpResult.Value => Value;
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var json = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var utf8 = body.ToUtf8(json);
        var etag = new EntityTagHeaderValue("\"" + Convert.ToBase64String(SHA256.HashData(utf8), 0, 12) + "\"", isWeak: true);
        var response = httpContext.Response;
        response.Headers.ETag = etag.ToString();
        response.Headers.CacheControl = "no-cache";
        if (EntityTagHeaderValue.TryParseList(httpContext.Request.Headers.IfNoneMatch, out var requested)
            && requested.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = utf8.Length;
        await response.Body.WriteAsync(utf8, httpContext.RequestAborted);
    }

    // The OpenAPI document's 200 schema (TypedResults.Ok does the same); the analyzer's advice does not fit an
    // interface whose member is static by design.
#pragma warning disable CA1000
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
#pragma warning restore CA1000
}
