#!/usr/bin/env bash
# Starts the local cluster, checks it end to end, and stops it again:
#  - a reply posted through the proxy is listed through the proxy by every instance (round robin),
#  - Prometheus's HTTP API has LiveCommunity series from every instance.
# Leaves nothing running, also on failure. Used by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_PORT=${LC_PORT:-18080} LC_PROM_PORT=${LC_PROM_PORT:-19090}
B="http://127.0.0.1:$LC_PORT"
P="http://127.0.0.1:$LC_PROM_PORT"
trap 'scripts/cluster.sh down >/dev/null 2>&1 || true' EXIT
scripts/cluster.sh rebuild
scripts/cluster.sh up

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
TOKEN=$(curl -fsS -X POST "$B/api/dev/token" -H 'content-type: application/json' -d '{"name":"Smoke","role":"moderator"}' | json 'd["token"]')
TOPIC=$(curl -fsS -X POST "$B/api/topics" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"title":"Cluster smoke test","body":"posted through nginx"}' | json 'd["id"]')
curl -fsS -X POST "$B/api/topics/$TOPIC/replies" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"body":"hello from the smoke test"}' >/dev/null
for _ in 1 2 3; do
  count=$(curl -fsS "$B/api/topics/$TOPIC/replies" | json 'len(d["items"])')
  [ "$count" = 1 ] || { echo "cluster smoke: expected 1 reply through the proxy, got $count" >&2; exit 1; }
done

# The proxy keeps metrics private and tokens out of its access log.
for path in /metrics /METRICS /metrics/; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$B$path")
  [ "$status" = 403 ] || { echo "cluster smoke: $path through the proxy answered $status, expected 403" >&2; exit 1; }
done
curl -fsS -o /dev/null "$B/health/live?access_token=smoke-secret-token"
if grep -q "smoke-secret-token" .cluster/nginx/access.log; then
  echo "cluster smoke: the proxy's access log holds a query string (a token)" >&2; exit 1
fi

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
[ "$instances" = 3 ] || { echo "cluster smoke: Prometheus lacks LiveCommunity series from some instance" >&2; exit 1; }
echo "cluster smoke: 4 passed, 0 failed"
