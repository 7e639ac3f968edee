#!/usr/bin/env bash
# The standard benchmark set (docs/benchmarks.md): builds in Release, runs every scenario against the bare
# SignalR baseline and LiveCommunity (the load generator starts both on free loopback ports, with a temp
# database, one after the other), then regenerates docs/benchmarks.md and its plots from bench/results/.
# Sized to finish within about 45 minutes on a 2-core machine (37 without the soak), the live blog included: two runs of
# 180 s (baseline, then LiveCommunity), each after connecting 15,000 readers and followed by a drain. Loopback only.
# BENCH_SOAK_SECONDS=0 skips the soak (its section of the doc is kept); BENCH_PREVIOUS=REV also runs fan-out and
# the hot topic against that revision's build, for a same-run comparison with the previous main.
set -euo pipefail
cd "$(dirname "$0")/.."

# Tens of thousands of sockets: raise the open-file limit (as root the hard limit can be raised too).
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build -c Release src/LiveCommunity.Server -p:SkipWebBuild=true -nologo -v q
dotnet build -c Release bench/LiveCommunity.Baseline -nologo -v q
dotnet build -c Release bench/LiveCommunity.LoadTest -nologo -v q

WORK=$(mktemp -d -t livecommunity-bench.XXXXXX)
PREV="" CLUSTER_STARTED=""
cleanup() {
  if [ -n "$CLUSTER_STARTED" ]; then scripts/cluster.sh down >/dev/null 2>&1 || true; fi
  if [ -n "$PREV" ]; then git worktree remove --force "$PREV" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
RESULTS=bench/results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
LT() { dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll "$@" --work-dir "$WORK" --timeout 300 || echo "(scenario $1 reported failures)"; }
# Scenarios of several levels per target (saturation ramps, growth): a longer limit.
LTS() { dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll "$@" --work-dir "$WORK" --timeout 1200 || echo "(scenario $1 reported failures)"; }

# Fan-out at three sizes at a moderate rate (latency), then at the highest rate this machine offers (throughput).
for w in ${BENCH_WATCHERS:-250 500 1000}; do
  LT fanout --watchers "$w" --topics 5 --rate "${BENCH_RATE:-30}" --duration 10 --out "$RESULTS/fanout-w$w.json"
done
LT fanout --watchers "${BENCH_MAX_WATCHERS:-1000}" --topics 2 --rate "${BENCH_MAX_RATE:-100}" --duration 10 --out "$RESULTS/fanout-max.json"
# The open-file hard limit here is 20,000 per process (ulimit -Hn), so the server cannot hold 50,000 sockets.
LT connections --connections "${BENCH_CONNECTIONS:-18000}" --topics 10 --hold 5 --ports 2 --out "$RESULTS/connections.json"
LT reaction-storm --users 500 --rate 1000 --watchers 50 --duration 8 --out "$RESULTS/reaction-storm.json"
# Saturation, not offered load (issue 19): fan-out and reactions at rising rates until each target falls behind;
# the highest rate each kept, and its CPU per operation there, side by side.
LTS fanout-saturation --watchers "${BENCH_MAX_WATCHERS:-1000}" --topics 2 --duration 8 --drain 10 --rates 100,200,300,400,450,500,550,600,650,700,750,800,900 \
  --out "$RESULTS/fanout-saturation.json"
LTS reaction-saturation --users 500 --watchers 50 --duration 8 --rates 500,1000,2000,3000,4000,5000,6000 --out "$RESULTS/reaction-saturation.json"
LT reconnect-storm --watchers 300 --topics 5 --rate 10 --duration 15 --out "$RESULTS/reconnect-storm.json"
# Large replies and a long stall, so the stalled client's kernel buffers (several MB on loopback) fill and the
# server itself sees sends waiting: only then can it cut the client off (at smaller sizes nothing waits on it).
LT slow-consumer --watchers 100 --rate 50 --body-chars 4800 --duration 8 --stall 45 --out "$RESULTS/slow-consumer.json"
LT moderation --watchers 500 --replies 50 --rate 10 --out "$RESULTS/moderation.json"
# Teaser lists: GET /api/articles/counts with 100 ids, one shared front page vs distinct lists.
LT counts --clients 100 --duration 8 --out "$RESULTS/counts.json"
# A breaking story on one instance: writes on one topic (baseline: one transaction per write), then reads.
for mode in replies reactions; do
  for transport in rest hub; do
    LT hot-topic --mode "$mode" --transport "$transport" --in-flight 1,10,100,200 --duration 6 --out "$RESULTS/hot-topic-$mode-$transport.json"
  done
done
# The same fan-out and hot-topic runs against an earlier build (BENCH_PREVIOUS: a git revision), so a change is
# judged against the previous main in the same run (reported as *-previous), not against figures of another day.
if [ -n "${BENCH_PREVIOUS:-}" ]; then
  PREV="$WORK/previous"
  git worktree add -q --detach "$PREV" "$BENCH_PREVIOUS"
  dotnet build -c Release "$PREV/src/LiveCommunity.Server" -p:SkipWebBuild=true -nologo -v q
  PREV_DLL="$PREV/src/LiveCommunity.Server/bin/Release/net10.0/LiveCommunity.Server.dll"
  LT fanout --server-dll "$PREV_DLL" --watchers "${BENCH_MAX_WATCHERS:-1000}" --topics 2 --rate "${BENCH_MAX_RATE:-100}" --duration 10 \
    --out "$RESULTS/fanout-max-previous.json"
  for transport in rest hub; do
    LT hot-topic --server-dll "$PREV_DLL" --mode replies --transport "$transport" --in-flight 1,10,100,200 --duration 6 \
      --out "$RESULTS/hot-topic-replies-$transport-previous.json"
  done
fi
# Does a write or a read cost more as a story grows? One topic filled in bulk to each size, beside 100k known
# users and a 1M-event log (SQLite, every per-write check at its default).
LTS growth --sizes 0,10000,50000,200000 --in-flight 100 --duration 6 --out "$RESULTS/growth.json"
# Ordinary traffic for minutes (issue 25): memory and handles must level off; set BENCH_SOAK_SECONDS=0 to skip.
if [ "${BENCH_SOAK_SECONDS:-360}" != 0 ]; then
  dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll soak --duration "${BENCH_SOAK_SECONDS:-360}" \
    --work-dir "$WORK" --timeout $(( 2 * ${BENCH_SOAK_SECONDS:-360} + 300 )) --out "$RESULTS/soak.json" || echo "(scenario soak reported failures)"
fi
# Made-up paging cursors of large pages (issue 18): memory growth when every one builds a page never kept.
LT cursors --topics 100 --body-chars 19000 --requests 400 --out "$RESULTS/cursors.json"
LT read-herd --in-flight 64 --duration 8 --readers "${BENCH_HERD_READERS:-20000}" --window 30 --reply-rate 50 --out "$RESULTS/read-herd.json"
# A live blog on one instance (issue 23): 15,000 readers watch one story (one hub connection each, under the open-file
# limit of 20,000 per process: the server and the load generator are separate processes), an update every 10 s and
# 200 replies/s; the blog's crowd watches the updates only (WatchUpdates, as <live-blog> does) and 100 readers
# read the discussion too (Watch: every reply; a full Watch for all 15,000 would ask 3,000,000 deliveries/s),
# besides 50 who do and go offline for 60 s mid-run and must catch up.
dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll live-blog --readers "${BENCH_BLOG_READERS:-15000}" \
  --update-every 10 --reply-rate 200 --duration 180 --offline 60 --offline-readers 50 --discussion 100 --connect-rate 500 \
  --work-dir "$WORK" --timeout 1200 --out "$RESULTS/live-blog.json" || echo "(scenario live-blog reported failures)"
# Two instances sharing Redis and PostgreSQL: the local cluster (scripts/cluster.sh), with the rate limits raised
# for the load generator's users, unless CLUSTER_A / CLUSTER_B name running instances.
if [ -z "${CLUSTER_A:-}" ]; then
  export LC_PORT=18080
  source bench/lift-limits.sh
  CLUSTER_STARTED=1
  scripts/cluster.sh rebuild >/dev/null && scripts/cluster.sh down >/dev/null && scripts/cluster.sh up >/dev/null \
    && CLUSTER_A=http://127.0.0.1:5101 CLUSTER_B=http://127.0.0.1:5102
  # The cluster has no dev tokens: the load generator mints tokens with the cluster's signing key.
  export LC_SIGNING_KEY_FILE="${LC_CLUSTER_DIR:-.cluster}/signing-key"
fi
# The first run warms the freshly started instances (JIT, pools, Redis subscriptions) and is not reported.
LT cluster-latency ${CLUSTER_A:+--target "$CLUSTER_A"} ${CLUSTER_B:+--target2 "$CLUSTER_B"} --watchers 500 --rate 30 --duration 10 \
  --out "$WORK/cluster-latency-warmup.json"
LT cluster-latency ${CLUSTER_A:+--target "$CLUSTER_A"} ${CLUSTER_B:+--target2 "$CLUSTER_B"} --watchers 500 --rate 30 --duration 10 \
  --out "$RESULTS/cluster-latency.json"
# A stalled reader on a cluster (issue 18): watchers on one instance, 1,500 × 4 KB replies posted through the
# other, so every delivery comes through the Redis backplane; the others' lag must not follow the stalled one.
if [ -n "${CLUSTER_A:-}" ]; then
  LT slow-consumer --target "$CLUSTER_A" --writer "$CLUSTER_B" --watchers 100 --rate 50 --body-chars 4000 --duration 10 --stall 30 \
    --out "$RESULTS/slow-consumer-cluster.json"
fi
# Two instances on the cluster's stock PostgreSQL write one hot topic: 2,000 replies, 200 in flight.
if [ -n "${CLUSTER_A:-}" ]; then
  LT hot-topic --target "$CLUSTER_A" "$CLUSTER_B" --no-baseline --mode replies --transport rest --in-flight 200 --total 2000 --duration 60 \
    --out "$RESULTS/hot-topic-cluster.json"
fi

dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll report --results "$RESULTS" --doc docs/benchmarks.md \
  --note "${BENCH_NOTE:-the machine was shared with other work during this run: treat figures as lower bounds}"
