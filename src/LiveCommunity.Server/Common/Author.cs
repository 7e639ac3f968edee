namespace LiveCommunity.Server.Common;

public sealed record Author(string Id, string Name);
