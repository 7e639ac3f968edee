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

# Tests say what they need with a trait (tests/.../Infrastructure/TestCategories.cs): Category=Cluster (two hosts,
# Redis + PostgreSQL) and Category=Postgres (pool bounds) always use PostgreSQL; the rest runs once per provider.
scaling="Category=Cluster|Category=Postgres"
suite="Category!=Cluster&Category!=Postgres&Category!=QueryPlans"
# Query plans are read from EF's process-wide diagnostics: in a process of their own, since inside the whole
# suite the capture missed the read statements of its host (not understood yet; alone it is reliable).
plans="Category=QueryPlans"

echo "== .NET tests on SQLite"
dotnet test LiveCommunity.sln --no-build -nologo --filter "$suite" --logger "console;verbosity=minimal"

echo "== .NET tests on PostgreSQL (a private server the test run starts and stops)"
LC_TEST_DATABASE=postgres dotnet test LiveCommunity.sln --no-build -nologo --filter "$suite" --logger "console;verbosity=minimal"

echo "== query plans of the hot statements, on SQLite and on PostgreSQL"
dotnet test LiveCommunity.sln --no-build -nologo --filter "$plans" --logger "console;verbosity=minimal"
LC_TEST_DATABASE=postgres dotnet test LiveCommunity.sln --no-build -nologo --filter "$plans" --logger "console;verbosity=minimal"

echo "== cross-instance and PostgreSQL-only tests: two hosts, one PostgreSQL, one Redis (all started by the tests)"
dotnet test LiveCommunity.sln --no-build -nologo --filter "$scaling" --logger "console;verbosity=minimal"

echo "== load-generator smoke run: every reply reaches every watcher (bench/smoke.sh)"
bench/smoke.sh

if [ -f web/package.json ]; then
  echo "== web: SDK unit, integration and browser tests"
  (cd web && npm ci --no-audit --no-fund && npm test)
fi

echo "== cluster smoke: PostgreSQL, Redis, 3 instances, nginx and Prometheus via scripts/cluster.sh"
scripts/cluster-smoke.sh

echo "== cluster scale smoke: 1,500 watchers from 2 processes on 3 instances, storms, one instance killed (bench/cluster-scale.sh --smoke)"
bench/cluster-scale.sh --smoke
