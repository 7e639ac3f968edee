// Entry of the browser bundle livecommunity.js: defines <live-thread> and <moderation-queue> and exposes the SDK
// (embed.ts) as the global `LiveCommunity`, the client class itself so `new LiveCommunity({...})` works,
// with the rest of the API (ThreadState, backoffRetryPolicy, ...) hanging off it.
import * as sdk from "./embed";

sdk.defineLiveThreadElement();
sdk.defineModerationQueueElement();
(globalThis as { LiveCommunity?: unknown }).LiveCommunity = Object.assign(sdk.LiveCommunity, sdk);
