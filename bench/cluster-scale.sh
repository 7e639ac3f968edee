#!/usr/bin/env bash
# Scale-out benchmark (docs/benchmarks.md, "Cluster scale-out"): a three-instance cluster of its own
# (scripts/cluster.sh with the directory .cluster/scale and ports 25101-25103, PostgreSQL 25432, Redis 26379, so
# it never meets the demo cluster), watchers from several load-generator processes (the `cluster-scale`
# scenario), storms, one instance killed. Loopback only; everything it starts is stopped again, also on failure.
#   bench/cluster-scale.sh           full run: 50,000 watchers (about 10 minutes, loads a 2-core machine fully),
#                                    then regenerates the doc's cluster section and plots from bench/results/
#   bench/cluster-scale.sh --smoke   1,500 watchers over 10 topics, 2 processes, a kill: CI (scripts/test.sh);
#                                    exits non-zero when a watcher misses an event or does not resume
# More arguments go to the load generator (e.g. --watchers 3000 --topics 20); see its `cluster-scale --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=full
if [ "${1:-}" = "--smoke" ]; then MODE=smoke; shift; fi

# Each process may hold at most `ulimit -Hn` descriptors (20,000 here, not raisable): take all of it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

export LC_CLUSTER_DIR=${LC_CLUSTER_DIR:-$PWD/.cluster/scale}
# The smoke run reuses the demo cluster's published server when there is one (scripts/cluster-smoke.sh has just
# rebuilt it in CI); the full run always publishes its own.
if [ "$MODE" = smoke ]; then export LC_APP_DIR=${LC_APP_DIR:-$PWD/.cluster/app}; else export LC_APP_DIR=${LC_APP_DIR:-$LC_CLUSTER_DIR/app}; fi
export LC_INSTANCE_PORTS=${LC_INSTANCE_PORTS:-"25101 25102 25103"} LC_PORT=${LC_PORT:-28080} \
  LC_PG_PORT=${LC_PG_PORT:-25432} LC_REDIS_PORT=${LC_REDIS_PORT:-26379} LC_PROMETHEUS=0 LC_DB_POOL=${LC_DB_POOL:-40}
# The load generator's few users post and react far faster than people: lift the per-user and per-address limits
# (as bench/run.sh does); and keep the instances' logs to warnings, 50,000 connections are not news.
# PresenceChanged is throttled per topic across the cluster (instances take turns, one a second by default) and
# ReactionsChanged per target per instance (4 a second each). On 2 shared cores even one presence update a second
# to each of 50,000 watchers while they connect (50,000 deliveries a second) starves every process until
# connections time out, so the full run quietens both (30 s, 3 s) and the sizing notes scale the cost up
# (docs/deployment.md). The smoke keeps 3 s and 1 s. PRESENCE_THROTTLE / REACTION_WINDOW override.
if [ "$MODE" = smoke ]; then presence=00:00:03 window=00:00:01; else presence=00:00:30 window=00:00:03; fi
export Presence__Throttle=${PRESENCE_THROTTLE:-$presence} Reactions__CoalesceWindow=${REACTION_WINDOW:-$window}
source bench/lift-limits.sh
export Logging__LogLevel__Default=Warning

dotnet build -c Release bench/LiveCommunity.LoadTest -nologo -v q
WORK=$(mktemp -d -t livecommunity-scale.XXXXXX)
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
scripts/cluster.sh down >/dev/null 2>&1 || true
if [ "$MODE" = full ] && [ "${REBUILD:-1}" = 1 ]; then scripts/cluster.sh rebuild; fi  # REBUILD=0: reuse it
scripts/cluster.sh up >/dev/null
# The cluster has no dev tokens: the load generator mints tokens with its signing key, and its probes (psql,
# redis-cli) use the cluster's passwords.
export LC_SIGNING_KEY_FILE="$LC_CLUSTER_DIR/signing-key" PGPASSWORD=$(cat "$LC_CLUSTER_DIR/pg-password") \
  REDISCLI_AUTH=$(cat "$LC_CLUSTER_DIR/redis-password")

TARGETS=()
for port in $LC_INSTANCE_PORTS; do TARGETS+=("http://127.0.0.1:$port"); done
DLL=bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll
RUN=(dotnet "$DLL" cluster-scale --target "${TARGETS[@]}" --cluster-dir "$LC_CLUSTER_DIR"
  --redis-port "$LC_REDIS_PORT" --pg-port "$LC_PG_PORT" --work-dir "$WORK")

if [ "$MODE" = smoke ]; then
  # --max-per-instance 600 makes the survivors shed watchers before the kill, as the full run must.
  "${RUN[@]}" --watchers 1500 --topics 10 --processes 2 --rate 10 --steady 5 --reactors 20 --reaction-rate 40 \
    --reaction-seconds 3 --removals 5 --removal-rate 10 --max-per-instance 600 --after-kill 5 --resume-timeout 45 \
    --drain 20 --timeout 240 --out "$WORK/cluster-scale-smoke.json" "$@"
else
  mkdir -p bench/results
  "${RUN[@]}" --timeout 2400 --out bench/results/cluster-scale.json "$@" || echo "(cluster-scale reported failures)"
  dotnet "$DLL" report --section cluster-scale --results bench/results --doc docs/benchmarks.md
fi
