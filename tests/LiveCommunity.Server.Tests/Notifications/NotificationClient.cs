using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LiveCommunity.Server.Tests.Infrastructure;

namespace LiveCommunity.Server.Tests.Notifications;

/// <summary>A reader's notifications over REST, as the bell element reads them.</summary>
public static class NotificationClient
{
    public static async Task<JsonObject> ListAsync(this TestUser user, string query = "")
    {
        using var http = user.Http();
        return await (await http.GetAsync("/api/me/notifications" + query)).ReadAsync(HttpStatusCode.OK);
    }

    public static async Task<JsonObject[]> ItemsAsync(this TestUser user) =>
        [.. (await user.ListAsync())["items"]!.AsArray().Select(n => n!.AsObject())];

    public static async Task<int> UnreadAsync(this TestUser user) => (int)(await user.ListAsync())["unread"]!;

    public static async Task<int> MarkReadAsync(this TestUser user, string? upTo = null)
    {
        using var http = user.Http();
        var response = upTo is null ? await http.PostAsync("/api/me/notifications/read", null) : await http.PostAsJsonAsync("/api/me/notifications/read", new { upTo });
        return (int)(await response.ReadAsync(HttpStatusCode.OK))["unread"]!;
    }
}
