using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LiveCommunity.Server.Tests.Auth;

public sealed class TokenTests(AppFactory app) : IClassFixture<AppFactory>
{
    public static TheoryData<string, string> BadTokens() => new()
    {
        { "not.a.jwt", "the token is not valid" },
        { Users.Token(new() { ["sub"] = "u1", ["name"] = "U" }, key: "some-other-secret-that-is-32-bytes-long!"), "signature" },
        { Users.Token(new() { ["sub"] = "u1", ["name"] = "U" }, expires: DateTime.UtcNow.AddMinutes(-5)), "expired" },
        { Users.Token(new() { ["name"] = "No Subject" }), "sub" },
        { Users.Token(new() { ["sub"] = "u1" }), "name" },
        // Claims that could not be stored or shown: refused up front, not a failed write later.
        { Users.Token(new() { ["sub"] = "u1", ["name"] = new string('n', 201) }), "'name' claim must be at most 200 characters" },
        { Users.Token(new() { ["sub"] = new string('s', 129), ["name"] = "U" }), "'sub' claim must be at most 128 characters" },
        { Users.Token(new() { ["sub"] = "u1", ["name"] = "Eve\nmoderator: approved" }), "'name' claim must be at most 200 characters without control characters" },
        { Users.Token(new() { ["sub"] = "u1\u001b[2J", ["name"] = "U" }), "'sub' claim" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadTokensAreRefusedWith401EvenOnReads(string token, string reason)
    {
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var read = await (await http.GetAsync($"/api/topics/{topicId}")).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains(reason, (string?)read["detail"]);
        var write = await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "sneaky" });
        await write.ProblemAsync(HttpStatusCode.Unauthorized);
        using var anonymous = app.Anonymous().Http();
        var topic = await (await anonymous.GetAsync($"/api/topics/{topicId}")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)topic["replyCount"]!);
    }

    [Fact]
    public async Task AnUnknownRoleCountsAsMember()
    {
        var token = Users.Token(new() { ["sub"] = "self-promoted", ["name"] = "Eve", ["role"] = "superuser" });
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await http.PostAsJsonAsync("/api/topics", new { title = "t", body = "b" })).ProblemAsync(HttpStatusCode.Forbidden);
        var topicId = (string)(await app.Moderator().CreateTopicAsync())["id"]!;
        var reply = await (await http.PostAsJsonAsync($"/api/topics/{topicId}/replies", new { body = "as a member" })).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("self-promoted", (string?)reply["author"]!["id"]);
    }

    [Fact]
    public async Task DevTokensWorkWhereEnabled()
    {
        using var http = app.CreateClient();
        var issued = await (await http.PostAsJsonAsync("/api/dev/token", new { name = "Ann", role = "moderator" })).ReadAsync(HttpStatusCode.OK);
        Assert.Equal("dev-ann", (string?)issued["userId"]);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)issued["token"]!);
        var topic = await (await http.PostAsJsonAsync("/api/topics", new { title = "Dev", body = "made with a dev token" })).ReadAsync(HttpStatusCode.Created);
        Assert.Equal("Ann", (string?)topic["author"]!["name"]);

        using var plain = app.CreateClient();
        await (await plain.PostAsJsonAsync("/api/dev/token", new { name = "", role = "member" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await plain.PostAsJsonAsync("/api/dev/token", new { name = "Bob", role = "overlord" })).ProblemAsync(HttpStatusCode.BadRequest);
        await (await plain.PostAsJsonAsync("/api/dev/token", new { name = "Bob", email = "not an address" })).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task DevTokensCarryTheVersion3RolesAndAnEmail()
    {
        using var http = app.CreateClient();
        var journalist = await (await http.PostAsJsonAsync("/api/dev/token", new { name = "Jo", role = "journalist", email = "jo@example.org" })).ReadAsync(HttpStatusCode.OK);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)journalist["token"]!);
        var topic = await (await http.PostAsJsonAsync("/api/topics", new { title = "Live", body = "a journalist may create topics" })).ReadAsync(HttpStatusCode.Created);
        var update = await (await http.PostAsJsonAsync($"/api/topics/{topic["id"]}/updates", new { body = "**First** update" })).ReadAsync(HttpStatusCode.Created);
        Assert.Contains("<strong>First</strong>", (string?)update["html"], StringComparison.Ordinal);

        using var publisherHttp = app.CreateClient();
        var publisher = await (await publisherHttp.PostAsJsonAsync("/api/dev/token", new { name = "Site", role = "publisher" })).ReadAsync(HttpStatusCode.OK);
        publisherHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)publisher["token"]!);
        await (await publisherHttp.PostAsJsonAsync($"/api/topics/{topic["id"]}/replies", new { body = "a publisher is never a reader" })).ProblemAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class DevTokensOffApp : AppFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Auth:DevTokens", "false")];
}

public sealed class DevTokensOffTests(DevTokensOffApp app) : IClassFixture<DevTokensOffApp>
{
    [Fact]
    public async Task TheDevTokenRouteDoesNotExistWhenDisabled()
    {
        using var http = app.CreateClient();
        await (await http.PostAsJsonAsync("/api/dev/token", new { name = "Ann" })).ProblemAsync(HttpStatusCode.NotFound);
    }
}

public sealed class StartupTests
{
    [Fact]
    public void OutsideDevelopmentTheServerRefusesToStartWithoutASigningKey()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Database", $"Data Source={Path.Combine(Path.GetTempPath(), $"lc-nokey-{Guid.NewGuid():N}.db")}");
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Auth:SigningKey is not set", error.ToString());
    }

    [Fact]
    public void AShortSigningKeyIsRefused()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Auth:SigningKey", "too-short");
            builder.UseSetting("ConnectionStrings:Database", $"Data Source={Path.Combine(Path.GetTempPath(), $"lc-short-{Guid.NewGuid():N}.db")}");
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("at least 32 bytes", error.ToString());
    }
}
