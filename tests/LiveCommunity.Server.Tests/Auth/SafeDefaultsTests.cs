using System.Net;
using System.Net.Http.Json;
using LiveCommunity.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveCommunity.Server.Tests.Auth;

/// <summary>The Production environment with the test settings, dev tokens left unset (so: off), and the log captured.</summary>
public class ProductionApp : AppFactory
{
    private readonly LogCapture _logs = new();

    public IEnumerable<LogLine> Logs => _logs.Lines;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Auth:DevTokens", null)];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
        builder.ConfigureLogging(logging => logging.AddProvider(_logs));
    }
}

public sealed class ProductionWithOpenApiApp : ProductionApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [.. base.Settings(), new("OpenApi:Enabled", "true")];
}

/// <summary>Issue 18, "safe by default": what Production does unless told otherwise.</summary>
public sealed class SafeDefaultsTests(ProductionApp app) : IClassFixture<ProductionApp>
{
    [Fact]
    public async Task InProductionTheOpenApiDocumentIsNotServedUnlessConfigured()
    {
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/openapi/v1.json")).StatusCode);

        using var configured = new ProductionWithOpenApiApp();
        using var allowed = configured.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task InProductionDevTokensAreOffAndNothingIsWarnedAbout()
    {
        using var http = app.CreateClient();
        var refused = await http.PostAsJsonAsync("/api/dev/token", new { name = "Mallory", role = "admin" });
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain(app.Logs, l => l.EventId == 1003);
    }
}

/// <summary>The test hosts run outside Development with dev tokens on: exactly what must be warned about.</summary>
public sealed class DevTokenWarningTests(AuthLogApp app) : IClassFixture<AuthLogApp>
{
    [Fact]
    public void DevTokensOnOutsideDevelopmentAreWarnedAboutAtStart()
    {
        _ = app.Server;
        var warning = Assert.Single(app.Logs, l => l.EventId == 1003);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Auth:DevTokens is on in Testing", warning.Message);
    }
}
