using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Webhooks;

/// <summary>The signature check docs/integration.md shows newsrooms accepts real deliveries and refuses altered ones.</summary>
public sealed class IntegrationGuideTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task TheGuidesVerifierAcceptsARealDeliveryAndRefusesAnAlteredOne()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var admin = app.Admin().Http();
        var secret = (string)(await WebhooksTests.RegisterAsync(admin, receiver.Url, "reply.posted"))["secret"]!;
        receiver.Secret = secret;
        var topic = await app.Moderator().CreateTopicAsync();
        await app.Member().PostReplyAsync((string)topic["id"]!, "Verify me — ünïcode too");
        var delivery = await receiver.WaitForAsync(w => w.Type == "reply.posted");
        var timestamp = delivery.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;

        Assert.True(WebhookVerifier.IsValid(secret, delivery.Id, timestamp, delivery.Signature, delivery.Body, now));
        Assert.False(WebhookVerifier.IsValid(secret, delivery.Id, timestamp, delivery.Signature, delivery.Body.Replace("Verify", "Forged"), now));
        Assert.False(WebhookVerifier.IsValid(secret, "msg_other", timestamp, delivery.Signature, delivery.Body, now));
        Assert.False(WebhookVerifier.IsValid(secret, delivery.Id, timestamp, delivery.Signature, delivery.Body, now.AddMinutes(10)));
        Assert.False(WebhookVerifier.IsValid("whsec_" + Convert.ToBase64String(new byte[24]), delivery.Id, timestamp, delivery.Signature, delivery.Body, now));
    }

    [Fact]
    public void TheGuideShowsExactlyTheVerifierThisTestRuns()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "docs", "integration.md")))
        {
            folder = folder.Parent;
        }
        Assert.NotNull(folder);
        var guide = File.ReadAllText(Path.Combine(folder.FullName, "docs", "integration.md")).ReplaceLineEndings("\n");
        var source = File.ReadAllText(Path.Combine(folder.FullName, "tests", "LiveCommunity.Server.Tests", "Webhooks", "WebhookVerifier.cs")).ReplaceLineEndings("\n");
        var code = source[source.IndexOf("public static class WebhookVerifier", StringComparison.Ordinal)..].TrimEnd();
        Assert.Contains(code, guide);
    }
}
