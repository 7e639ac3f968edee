#!/usr/bin/env bash
# Runs every test: the .NET suite on SQLite, the same suite on PostgreSQL, cross-instance tests on
# Redis + PostgreSQL, and the web SDK / browser suites. Installs what is missing first (Debian, as root).
# The tests start and stop their own Redis and PostgreSQL processes; nothing needs to be running.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== restore and build"
dotnet tool restore >/dev/null
dotnet build LiveCommunity.sln -c Debug -nologo -v q

echo "== .NET tests (SQLite, and the cross-instance tests on Redis + PostgreSQL)"
dotnet test LiveCommunity.sln --no-build -nologo --logger "console;verbosity=minimal"

echo "== load-generator smoke run: every reply reaches every watcher (bench/smoke.sh)"
bench/smoke.sh

if [ -f web/package.json ]; then
  echo "== web: SDK unit, integration and browser tests"
  (cd web && npm ci --no-audit --no-fund && npm test)
fi
