using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Observability;

/// <summary>Every REST route of PROTOCOL.md is in /openapi/v1.json with its statuses and auth, so the document cannot drift.</summary>
public sealed class OpenApiDocumentTests(AppFactory app) : IClassFixture<AppFactory>
{
    // method, path, success status, problem statuses, needs a token — the REST table of PROTOCOL.md (every route
    // may answer 503 when the database is saturated: PROTOCOL.md v2).
    public static TheoryData<string, string, int, int[], bool> Routes() => new()
    {
        { "get", "/api/topics", 200, [400, 503], false },
        { "post", "/api/topics", 201, [400, 401, 403, 503], true },
        { "get", "/api/topics/{topicId}", 200, [404, 503], false },
        { "get", "/api/topics/{topicId}/replies", 200, [400, 404, 503], false },
        { "post", "/api/topics/{topicId}/replies", 201, [400, 401, 403, 404, 409, 413, 429, 503], true },
        { "patch", "/api/replies/{replyId}", 200, [400, 401, 403, 404, 503], true },
        { "delete", "/api/replies/{replyId}", 204, [401, 403, 404, 503], true },
        { "put", "/api/topics/{topicId}/reactions/{kind}", 200, [400, 401, 404, 429, 503], true },
        { "delete", "/api/topics/{topicId}/reactions/{kind}", 200, [400, 401, 404, 429, 503], true },
        { "put", "/api/replies/{replyId}/reactions/{kind}", 200, [400, 401, 404, 429, 503], true },
        { "delete", "/api/replies/{replyId}/reactions/{kind}", 200, [400, 401, 404, 429, 503], true },
        { "post", "/api/replies/{replyId}/restore", 200, [401, 403, 404, 503], true },
        { "put", "/api/topics/{topicId}/lock", 200, [401, 403, 404, 503], true },
        { "delete", "/api/topics/{topicId}/lock", 200, [401, 403, 404, 503], true },
        { "put", "/api/users/{userId}/ban", 204, [400, 401, 403, 503], true },
        { "delete", "/api/users/{userId}/ban", 204, [401, 403, 404, 503], true },
        { "get", "/api/moderation/log", 200, [401, 403, 503], true },
        { "get", "/api/config", 200, [], false },
        { "post", "/api/replies/{replyId}/reports", 200, [400, 401, 403, 404, 409, 429, 503], true },
        { "put", "/api/topics/{topicId}/premoderation", 200, [401, 403, 404, 503], true },
        { "delete", "/api/topics/{topicId}/premoderation", 200, [401, 403, 404, 503], true },
        { "get", "/api/moderation/queue", 200, [400, 401, 403, 503], true },
        { "post", "/api/moderation/queue/{replyId}/approve", 200, [401, 403, 404, 409, 503], true },
        { "post", "/api/moderation/queue/{replyId}/reject", 204, [400, 401, 403, 404, 409, 503], true },
        { "delete", "/api/users/{userId}/content", 204, [400, 401, 403, 503], true },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EveryProtocolRouteIsDocumentedWithItsStatusesAndAuth(string method, string path, int success, int[] problems, bool needsToken)
    {
        var document = await DocumentAsync();
        var operation = document["paths"]?[path]?[method];
        Assert.True(operation is not null, $"{method.ToUpperInvariant()} {path} is not in /openapi/v1.json");
        var responses = operation!["responses"]!.AsObject();
        Assert.True(responses.ContainsKey(success.ToString(CultureInfo.InvariantCulture)), $"{method} {path} lacks {success}");
        foreach (var status in problems)
        {
            var response = responses[status.ToString(CultureInfo.InvariantCulture)];
            Assert.True(response is not null, $"{method} {path} lacks {status}");
            Assert.True(response!["content"]?["application/problem+json"] is not null, $"{method} {path} {status} is not problem details");
        }
        Assert.Equal(needsToken, operation["security"] is JsonArray { Count: > 0 });
    }

    [Fact]
    public async Task TheDocumentDeclaresTheBearerScheme()
    {
        var document = await DocumentAsync();
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]);
        Assert.NotNull(document["components"]!["schemas"]!["Reply"]);
        Assert.NotNull(document["components"]!["schemas"]!["Topic"]);
    }

    private async Task<JsonObject> DocumentAsync()
    {
        using var http = app.Anonymous().Http();
        return await (await http.GetAsync("/openapi/v1.json")).ReadAsync(HttpStatusCode.OK);
    }
}
