using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LiveCommunity.LoadTest.Scenarios;

public static partial class ClusterScale
{
    private sealed partial class Run
    {
        /// <summary>Phase 6: posting stops, then every watcher is checked against the topics' final seqs and the replies posted.</summary>
        public async Task StopPostingAndCheckAsync()
        {
            await stopPosting.CancelAsync();
            await posting;
            M["postsAccepted"] = Interlocked.Read(ref posts);
            M["postsRefused"] = Interlocked.Read(ref postRefused);
            M["postsFailedByKill"] = Interlocked.Read(ref postFailed);
            if (postRefused > 0)
            {
                result.Notes.Add($"{postRefused} posts were refused (not 201); the check only expects accepted ones");
            }
            Log("posting stopped; checking every watcher");
            var lastSeqs = await LastSeqsAsync(apis[live[0]], topics, ct);
            var replies = new JsonArray([.. postedIds.Select(q => (JsonNode)new JsonArray([.. q.Select(id => (JsonNode)id)]))]);
            var lastSeqArray = new JsonArray([.. lastSeqs.Select(s => (JsonNode)s)]);
            JsonObject check = [];
            long gapsFilled = 0;
            var drainUntil = Stopwatch.GetTimestamp();
            while (true)
            {
                // Like the SDK, a watcher asks for a gap only once it has lasted a while (late live events fill most).
                var fillGaps = Stopwatch.GetElapsedTime(drainUntil).TotalSeconds > 5;
                var checks = await All("check", _ => new JsonObject
                {
                    ["lastSeq"] = lastSeqArray.DeepClone(), ["replies"] = replies.DeepClone(), ["fillGaps"] = fillGaps,
                }, TimeSpan.FromMinutes(2));
                check = [];
                foreach (var key in new[] { "watchers", "incomplete", "notConnected", "missingSeqs", "missingReplies", "redeliveries", "repeatedReplies", "gaps", "resets", "gapsFilled" })
                {
                    check[key] = checks.Sum(c => c[key]!.GetValue<long>());
                }
                gapsFilled += check["gapsFilled"]!.GetValue<long>();
                if ((check["incomplete"]!.GetValue<long>() == 0 && check["notConnected"]!.GetValue<long>() == 0)
                    || Stopwatch.GetElapsedTime(drainUntil).TotalSeconds > o.DrainSeconds)
                {
                    break;
                }
                await Task.Delay(2000, ct);
            }
            M["final.watchersChecked"] = check["watchers"]!.GetValue<long>();
            M["final.watchersIncomplete"] = check["incomplete"]!.GetValue<long>();
            M["final.watchersNotConnected"] = check["notConnected"]!.GetValue<long>();
            M["final.eventsMissed"] = check["missingSeqs"]!.GetValue<long>();
            M["final.repliesMissed"] = check["missingReplies"]!.GetValue<long>();
            M["final.eventsDuplicated"] = check["repeatedReplies"]!.GetValue<long>();
            M["final.redeliveriesDropped"] = check["redeliveries"]!.GetValue<long>();
            M["final.outOfOrderArrivals"] = check["gaps"]!.GetValue<long>();
            // Events nobody got live (an instance died between commit and publish) that a watcher recovered by
            // asking for the gap, as the SDK does.
            M["final.eventsRecoveredByGapFill"] = gapsFilled;
            M["final.resets"] = check["resets"]!.GetValue<long>();
            M["final.topicEvents"] = lastSeqs.Sum();
            if (M["final.eventsMissed"] > 0 || M["final.repliesMissed"] > 0)
            {
                result.Failures.Add($"{M["final.eventsMissed"]} events ({M["final.repliesMissed"]} replies) never reached {M["final.watchersIncomplete"]} watchers after a {o.DrainSeconds} s drain");
            }
            if (M["final.eventsDuplicated"] > 0)
            {
                result.Failures.Add($"{M["final.eventsDuplicated"]} replies were applied twice under different seqs");
            }
            if (M["final.watchersNotConnected"] > 0)
            {
                result.Failures.Add($"{M["final.watchersNotConnected"]} watchers were not connected at the end");
            }
            if (M["final.resets"] > 0)
            {
                result.Failures.Add($"{M["final.resets"]} resumes answered reset instead of the missed events");
            }

            Log("checked");
        }
    }
}
