/**
 * The hub methods the SDK calls (docs/protocol.md), so a misspelt or unknown name fails to compile instead of
 * failing on the server at run time.
 */
export type HubMethod =
  | "Watch"
  | "Unwatch"
  | "WatchUpdates"
  | "UnwatchUpdates"
  | "PostReply"
  | "SetReaction"
  | "WatchTopics"
  | "UnwatchTopics"
  | "WatchStats"
  | "UnwatchStats"
  | "WatchQueue"
  | "UnwatchQueue";
