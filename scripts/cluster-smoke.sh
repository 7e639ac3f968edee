#!/usr/bin/env bash
# Starts the local cluster, checks it end to end, and stops it again:
#  - a reply posted through the proxy is listed through the proxy by every instance (round robin),
#  - Prometheus's HTTP API has LiveCommunity series from every instance,
#  - the cluster is safe by default: no dev tokens, no OpenAPI document, PostgreSQL and Redis refuse no password,
#  - three rolling restarts in a row (scripts/cluster.sh roll) under a steady stream of replies through nginx, with
#    watchers watching: no failed request, no lost reply, every watcher with every event (the load generator's
#    `rolling` scenario).
# Tokens are minted with the cluster's signing key, as a host site would. Leaves nothing running, also on failure.
# Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_PORT=${LC_PORT:-18080} LC_PROM_PORT=${LC_PROM_PORT:-19090}
B="http://127.0.0.1:$LC_PORT"
P="http://127.0.0.1:$LC_PROM_PORT"
DIR=${LC_CLUSTER_DIR:-$PWD/.cluster}
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
scripts/cluster.sh rebuild
dotnet build -c Release bench/LiveCommunity.LoadTest -nologo -v q >/dev/null
# The rolling test's one writer posts 10 replies a second from one address, far beyond a person's limits (5 per
# 30 s): lift the per-user and per-address limits, as the benchmarks do. Instances inherit the environment.
source bench/lift-limits.sh
scripts/cluster.sh up
passed=0
fail() { echo "cluster smoke: $*" >&2; exit 1; }

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# An HS256 token signed with the cluster's key (name, role), as the host site would mint it.
mint() {
  python3 - "$DIR/signing-key" "$1" "$2" <<'PY'
import base64, hashlib, hmac, json, sys, time
key, name, role = open(sys.argv[1]).read().strip().encode(), sys.argv[2], sys.argv[3]
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
body = b64(json.dumps({"sub": "smoke-" + name.lower(), "name": name, "role": role, "iat": now, "nbf": now, "exp": now + 3600}).encode())
print(head + "." + body + "." + b64(hmac.new(key, (head + "." + body).encode(), hashlib.sha256).digest()))
PY
}
TOKEN=$(mint Smoke moderator)
TOPIC=$(curl -fsS -X POST "$B/api/topics" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"title":"Cluster smoke test","body":"posted through nginx"}' | json 'd["id"]')
curl -fsS -X POST "$B/api/topics/$TOPIC/replies" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"body":"hello from the smoke test"}' >/dev/null
for _ in 1 2 3; do
  count=$(curl -fsS "$B/api/topics/$TOPIC/replies" | json 'len(d["items"])')
  [ "$count" = 1 ] || fail "expected 1 reply through the proxy, got $count"
done
passed=$((passed + 1))

# Safe by default: no dev tokens and no OpenAPI document in Production, no database or Redis without a password.
for path in /api/dev/token /openapi/v1.json; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -X "$([ "$path" = /api/dev/token ] && echo POST || echo GET)" "$B$path")
  [ "$status" = 404 ] || fail "$path through the proxy answered $status, expected 404"
done
if PGPASSWORD= psql -h 127.0.0.1 -p "${LC_PG_PORT:-15432}" -U livecommunity -d livecommunity -w -c 'SELECT 1' >/dev/null 2>&1; then
  fail "PostgreSQL let livecommunity in without a password"
fi
if [ "$(redis-cli -p "${LC_REDIS_PORT:-16379}" PING 2>/dev/null)" = PONG ]; then fail "Redis answered without a password"; fi
passed=$((passed + 1))

# The proxy keeps metrics private and tokens out of its access log.
for path in /metrics /METRICS /metrics/; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$B$path")
  [ "$status" = 403 ] || fail "$path through the proxy answered $status, expected 403"
done
curl -fsS -o /dev/null "$B/health/live?access_token=smoke-secret-token"
if grep -q "smoke-secret-token" "$DIR/nginx/access.log"; then fail "the proxy's access log holds a query string (a token)"; fi
passed=$((passed + 1))

# Prometheus scrapes every 5 s: wait for each instance's LiveCommunity series.
query='count by (instance) ({__name__=~"livecommunity_.+"})'
instances=0
for _ in $(seq 1 30); do
  instances=$(curl -fsS -G "$P/api/v1/query" --data-urlencode "query=$query" | json 'len(d["data"]["result"])')
  [ "$instances" = 3 ] && break
  sleep 2
done
published=$(curl -fsS -G "$P/api/v1/query" --data-urlencode 'query=sum(livecommunity_events_published_total)' \
  | json 'd["data"]["result"][0]["value"][1] if d["data"]["result"] else 0')
echo "cluster smoke: LiveCommunity series from $instances of 3 instances in Prometheus; events published: $published"
[ "$instances" = 3 ] || fail "Prometheus lacks LiveCommunity series from some instance"
passed=$((passed + 1))

# Rolling restarts under load: 3 rolls of all 3 instances, replies at 10/s, 30 watchers, all through nginx.
LC_SIGNING_KEY_FILE="$DIR/signing-key" dotnet bench/LiveCommunity.LoadTest/bin/Release/net10.0/LiveCommunity.LoadTest.dll \
  rolling --target "$B" --roll "scripts/cluster.sh roll" --rolls "${ROLLS:-3}" --watchers 30 --rate 10 \
  || fail "rolling restarts lost or failed something (above)"
passed=$((passed + 1))
echo "cluster smoke: $passed passed, 0 failed"
