// Entry of the browser bundle livecommunity.js: defines <live-thread>, <moderation-queue> and <live-notifications> and exposes the SDK
// as the global `LiveCommunity`, the client class itself so `new LiveCommunity({...})` works,
// with the rest of the API (ThreadState, backoffRetryPolicy, ...) hanging off it.
import * as sdk from "./index";

sdk.defineLiveThreadElement();
sdk.defineModerationQueueElement();
sdk.defineLiveNotificationsElement();
(globalThis as { LiveCommunity?: unknown }).LiveCommunity = Object.assign(sdk.LiveCommunity, sdk);
