#!/usr/bin/env bash
# CI smoke run of the load generator: a few hundred watchers for a few seconds against a Release build of the
# server on a free loopback port. Asserts only that every reply reached every watcher; exits non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 20000 2>/dev/null || true
dotnet build -c Release src/LiveCommunity.Server -p:SkipWebBuild=true -nologo -v q
dotnet build -c Release bench/LiveCommunity.LoadTest -nologo -v q
WORK=$(mktemp -d -t livecommunity-smoke.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll smoke \
  --watchers 300 --topics 3 --rate 20 --duration 4 --drain 15 --timeout 180 --work-dir "$WORK" --out "$WORK/smoke.json"
# The live blog's readers (lean hub connections, LeanHub.cs) on both hosts: every reader gets every update and
# every reply it watches, and the offline sample catches up in order, once.
dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll live-blog \
  --readers 300 --update-every 2 --reply-rate 20 --duration 12 --offline 6 --offline-readers 10 --discussion 20 --connect-rate 300 \
  --drain 15 --timeout 240 --work-dir "$WORK" --out "$WORK/live-blog.json"
