using System.Net;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Api;

public sealed class ConfigApiTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task ConfigIsPublicAndSaysWhatClientsNeed()
    {
        using var http = app.Anonymous().Http();
        var response = await http.GetAsync("/api/config");
        var config = await response.ReadAsync(HttpStatusCode.OK);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["like", "insightful", "disagree"], config["reactionKinds"]!.AsArray().Select(k => (string)k!));
        Assert.Equal(["spam", "abuse", "off-topic", "other"], config["reportReasons"]!.AsArray().Select(k => (string)k!));
        var limits = config["limits"]!;
        Assert.Equal(5000, (int)limits["replyMaxLength"]!);
        Assert.Equal(200, (int)limits["titleMaxLength"]!);
        Assert.Equal(20000, (int)limits["topicBodyMaxLength"]!);
        Assert.Equal(500, (int)limits["reasonMaxLength"]!);
        Assert.Equal(500, (int)limits["noteMaxLength"]!);
        Assert.Equal(10, (int)limits["maxSourceUrls"]!);
        Assert.Equal(900, (int)limits["editWindowSeconds"]!);
        Assert.True((bool)config["devTokens"]!);
        Assert.True(response.Headers.CacheControl?.Public);
    }

    [Fact]
    public async Task ASignedInCallerGetsTheSame()
    {
        using var anonymous = app.Anonymous().Http();
        using var member = app.Member().Http();
        Assert.Equal(
            (await (await anonymous.GetAsync("/api/config")).ReadAsync(HttpStatusCode.OK)).ToJsonString(),
            (await (await member.GetAsync("/api/config")).ReadAsync(HttpStatusCode.OK)).ToJsonString());
    }
}

/// <summary>Another server's settings show through: configured kinds and limits, dev tokens off.</summary>
public sealed class ConfiguredConfigApiTests(ConfiguredConfigApiTests.Host app) : IClassFixture<ConfiguredConfigApiTests.Host>
{
    public sealed class Host : AppFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("Reactions:Kinds", "like, love"),
            new("Limits:ReplyMaxLength", "280"),
            new("Auth:DevTokens", "false"),
        ];
    }

    [Fact]
    public async Task ConfigFollowsTheServersSettings()
    {
        using var http = app.Anonymous().Http();
        var config = await (await http.GetAsync("/api/config")).ReadAsync(HttpStatusCode.OK);
        Assert.Equal(["like", "love"], config["reactionKinds"]!.AsArray().Select(k => (string)k!));
        Assert.Equal(280, (int)config["limits"]!["replyMaxLength"]!);
        Assert.False((bool)config["devTokens"]!);
        // And the helper it describes is indeed not there.
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/dev/token", null)).StatusCode);
    }
}
