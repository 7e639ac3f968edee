#!/usr/bin/env bash
# A three-instance LiveCommunity cluster on this machine, for demos and manual testing:
#   PostgreSQL (127.0.0.1:$LC_PG_PORT), Redis (127.0.0.1:$LC_REDIS_PORT), three servers (127.0.0.1:5101-5103)
#   nginx in front on http://127.0.0.1:$LC_PORT, and Prometheus (127.0.0.1:$LC_PROM_PORT) scraping every instance. Everything runs as plain processes with data, logs and
#   pid files under .cluster/ (gitignored); `down` stops exactly what `up` started, by pid file.
# Usage: scripts/cluster.sh up|demo|roll|down|status|rebuild          (see docs/deployment.md)
#   up      production settings: no dev tokens, PostgreSQL and Redis with passwords (secrets under .cluster/, 0600)
#   demo    the same plus POST /api/dev/token for the demo page: ANYONE who reaches the proxy gets any role,
#           admin included. Local demos only; stays on until `down`.
#   roll    restarts the instances one by one (a rolling deploy): each is taken out of nginx, sent SIGTERM (it
#           drains: Shutdown__DrainDelay), started again, and put back once ready, before the next one
# Knobs (environment): LC_PORT, LC_PG_PORT, LC_REDIS_PORT, LC_PROM_PORT (above); LC_INSTANCE_PORTS ("5101 5102 5103");
#   LC_CLUSTER_DIR (.cluster) and LC_APP_DIR ($LC_CLUSTER_DIR/app), so a second cluster can run beside the demo one
#   (bench/cluster-scale.sh); LC_PROMETHEUS=0 skips Prometheus; LC_DB_POOL sets each instance's read pool
#   (Database__MaxReadConnections, 16 by default; writes take Database__MaxWriteBatches more; this PostgreSQL
#   allows 300). Instances inherit the environment, so Limits__* etc. apply.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${LC_CLUSTER_DIR:-$ROOT/.cluster}
APP=${LC_APP_DIR:-$DIR/app}
LC_PORT=${LC_PORT:-8080}
LC_PG_PORT=${LC_PG_PORT:-15432}
LC_REDIS_PORT=${LC_REDIS_PORT:-16379}
LC_PROM_PORT=${LC_PROM_PORT:-19090}
read -r -a INSTANCES <<<"${LC_INSTANCE_PORTS:-5101 5102 5103}"
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
# Secrets, made once per cluster directory, readable by its owner only.
secret() { [ -s "$DIR/$1" ] || (umask 077; openssl rand -hex 24 | tr -d '\n' >"$DIR/$1"); cat "$DIR/$1"; }
# PostgreSQL's files live under the cluster directory, unless (as root) the postgres user cannot reach it, as in
# a checkout inside a private temporary directory (mktemp -d); then in a directory of their own under /tmp, named
# after the cluster directory so that every command of this script finds them again.
PG_DIR=$DIR/pg
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$(dirname "$DIR")" 2>/dev/null; then
  PG_DIR=/tmp/livecommunity-pg-$(printf %s "$DIR" | md5sum | cut -c1-12)
fi
if [ -n "${LC_DB_POOL:-}" ]; then export Database__MaxReadConnections=$LC_DB_POOL; fi

# PostgreSQL refuses to run as root: as root it runs as the postgres user, otherwise as whoever runs this.
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }  # from /: the checkout may be closed to postgres
# psql as the superuser, with its password in the environment (never on a command line).
pg_sql() { PGPASSWORD=$(secret pg-password) as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$LC_PG_PORT" -U postgres -d postgres "$@"; }
alive() { [ -f "$1" ] && kill -0 "$(head -1 "$1")" 2>/dev/null; }
wait_http() { # url, what
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "$2 did not become ready ($1); see its log under .cluster/" >&2; return 1
}

start_postgres() {
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
    # Passwords for every connection (scram-sha-256), the superuser's from a file only it can read.
    local pwfile="$PG_DIR/pwfile"
    (umask 077; secret pg-password >"$pwfile")
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$pwfile"; fi
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" -E UTF8 >/dev/null
    rm -f "$pwfile"
  fi
  if ! alive "$PG_DIR/data/postmaster.pid"; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o \
      "-p $LC_PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  fi
  require_pg_passwords
  pg_sql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'livecommunity'" | grep -q 1 \
    || pg_sql -q -c "CREATE ROLE livecommunity LOGIN" -c "CREATE DATABASE livecommunity OWNER livecommunity"
  pg_sql -q <<<"ALTER ROLE livecommunity PASSWORD '$(secret db-password)'"  # on stdin: ps shows command lines
}

# A data directory from before passwords (initdb --auth=trust): give the superuser its password, then require one.
require_pg_passwords() {
  grep -Eq '^[^#].*[[:space:]]trust[[:space:]]*$' "$PG_DIR/data/pg_hba.conf" || return 0
  as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$LC_PG_PORT" -U postgres -d postgres -q <<<"ALTER ROLE postgres PASSWORD '$(secret pg-password)'"
  as_pg sed -i -E 's/^([^#].*[[:space:]])trust[[:space:]]*$/\1scram-sha-256/' "$PG_DIR/data/pg_hba.conf"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" reload >/dev/null
}

start_redis() {
  mkdir -p "$DIR/redis"
  alive "$DIR/redis/redis.pid" && return 0
  # The password goes in a config file of the owner's (on the command line, ps would show it).
  (umask 077; printf 'requirepass %s\n' "$(secret redis-password)" >"$DIR/redis/redis.conf")
  redis-server "$DIR/redis/redis.conf" --port "$LC_REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" --daemonize yes \
    --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log" --save "" --appendonly no
  for _ in $(seq 1 40); do alive "$DIR/redis/redis.pid" && return 0; sleep 0.25; done
  echo "redis did not start; see .cluster/redis/redis.log" >&2; return 1
}

build_app() {
  echo "== building the server once into .cluster/app"
  dotnet publish src/LiveCommunity.Server -c Release -o "$APP" -nologo -v q >/dev/null
}

start_instance() { # port, seed
  local port=$1 seed=$2
  alive "$DIR/app-$port.pid" && return 0
  (
    cd "$APP"
    # Every websocket is a file descriptor: take the whole hard limit (20,000 in the sandbox), not a soft 1,024.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    # Dev tokens only in `demo` mode (the server warns at start whenever they are on outside Development).
    ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ASPNETCORE_ENVIRONMENT=Production \
    Database__Provider=Postgres \
    ConnectionStrings__Database="Host=127.0.0.1;Port=$LC_PG_PORT;Username=livecommunity;Password=$(secret db-password);Database=livecommunity" \
    ConnectionStrings__Redis="127.0.0.1:$LC_REDIS_PORT,password=$(secret redis-password)" \
    Auth__SigningKey="$(cat "$DIR/signing-key")" \
    Auth__DevTokens="$([ "$(cat "$DIR/mode" 2>/dev/null)" = demo ] && echo true || echo false)" \
    Cors__AllowedOrigins__0="http://127.0.0.1:$LC_PORT" \
    Seed__Enabled="$seed" \
    Metrics__Enabled=true \
    nohup dotnet LiveCommunity.Server.dll >"$DIR/app-$port.log" 2>&1 &
    echo $! >"$DIR/app-$port.pid"
  )
  wait_http "http://127.0.0.1:$port/health/ready" "instance on port $port"
}

write_nginx_conf() { # [port taken out of rotation, for a rolling restart]
  local servers="" port state
  for port in "${INSTANCES[@]}"; do
    state=""; if [ "$port" = "${1:-}" ]; then state=" down"; fi
    servers+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s$state;"$'\n'
  done
  cat >"$DIR/nginx/nginx.conf" <<EOF
# Generated by scripts/cluster.sh. Round robin, no sticky sessions: clients connect to the hub with
# websockets and skipNegotiation (see docs/deployment.md), so a connection never spans two instances.
worker_processes 1;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 4096; }
http {
  # Hub clients send their token as the access_token query parameter (browsers cannot set headers on
  # websockets), so the access log has the path only (\$uri), never the query string (\$request, \$args).
  log_format livecommunity '\$remote_addr [\$time_local] "\$request_method \$uri \$server_protocol" \$status '
                           '\$body_bytes_sent \$request_time "\$http_user_agent"';
  access_log $DIR/nginx/access.log livecommunity;
  client_body_temp_path $DIR/nginx/tmp/body;
  proxy_temp_path $DIR/nginx/tmp/proxy;
  fastcgi_temp_path $DIR/nginx/tmp/fastcgi;
  uwsgi_temp_path $DIR/nginx/tmp/uwsgi;
  scgi_temp_path $DIR/nginx/tmp/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream livecommunity {
$servers  }
  server {
    listen 127.0.0.1:$LC_PORT;
    proxy_http_version 1.1;
    proxy_set_header Upgrade \$http_upgrade;
    proxy_set_header Connection \$connection_upgrade;
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_read_timeout 120s;   # above the hub's keep-alive ping (15 s) and client timeout (30 s)
    proxy_buffering off;
    proxy_next_upstream_tries 3;
    # Metrics are for Prometheus, which scrapes each instance directly (see prometheus/); never through the
    # public proxy. Case-insensitive, as the instances' routes are.
    location ~* ^/metrics(/|\$) {
      deny all;
    }
    location / {
      proxy_pass http://livecommunity;
      # What is retried on the next instance: a request that never reached one (connection refused or reset
      # before the request was sent: "error"; no connection within proxy_connect_timeout: "timeout"). nginx
      # never passes a POST, PATCH or LOCK on once it was sent to an instance (non_idempotent is not set): the
      # instance may have stored it, and a second instance would store it again. A GET or DELETE that failed
      # after it was sent is retried; both are idempotent here. 503 and 429 are answers, passed to the client.
      proxy_next_upstream error timeout;
    }
    # Opening a hub connection (a websocket GET, or a negotiate) is never a write: one refused with 503 (an
    # instance draining before it stops) is retried on the next instance.
    location ~* ^/hubs/ {
      proxy_pass http://livecommunity;
      proxy_next_upstream error timeout http_503;
    }
  }
}
EOF
}

start_nginx() {
  mkdir -p "$DIR/nginx/tmp"
  chmod 1777 "$DIR/nginx/tmp" # nginx workers run as an unprivileged user and buffer there
  alive "$DIR/nginx/nginx.pid" && return 0
  write_nginx_conf
  nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/nginx/error.log"
}

# A new configuration, gracefully: new workers take new requests at once; old ones finish what they hold (open
# websockets included) and then exit. The signal is asynchronous: wait until the master has new workers.
reload_nginx() { # [port out of rotation]
  write_nginx_conf "${1:-}"
  local master; master=$(cat "$DIR/nginx/nginx.pid")
  local before; before=$(pgrep -P "$master" | sort | tr '\n' ' ')
  kill -HUP "$master"
  for _ in $(seq 1 40); do
    [ "$(pgrep -P "$master" | sort | tr '\n' ' ')" != "$before" ] && break
    sleep 0.1
  done
}

start_prometheus() {
  [ "${LC_PROMETHEUS:-1}" = 0 ] && return 0
  command -v prometheus >/dev/null || { echo "prometheus is not installed: metrics are not collected (scripts/install-deps.sh installs it)"; return 0; }
  mkdir -p "$DIR/prometheus/data"
  alive "$DIR/prometheus/prometheus.pid" && return 0
  local targets=""
  for port in "${INSTANCES[@]}"; do targets+="'127.0.0.1:$port', "; done
  cat >"$DIR/prometheus/prometheus.yml" <<EOF
# Generated by scripts/cluster.sh: every instance's /metrics, every 5 s.
global: { scrape_interval: 5s, evaluation_interval: 5s }
scrape_configs:
  - job_name: livecommunity
    metrics_path: /metrics
    static_configs:
      - targets: [ ${targets%, } ]
EOF
  nohup prometheus --config.file="$DIR/prometheus/prometheus.yml" --storage.tsdb.path="$DIR/prometheus/data" \
    --web.listen-address="127.0.0.1:$LC_PROM_PORT" >"$DIR/prometheus/prometheus.log" 2>&1 &
  echo $! >"$DIR/prometheus/prometheus.pid"
  wait_http "http://127.0.0.1:$LC_PROM_PORT/-/ready" "prometheus"
}

up() { # mode: up or demo
  local mode=$1
  command -v redis-server >/dev/null && command -v nginx >/dev/null && [ -n "$PG_BIN" ] \
    || { echo "needs redis-server, nginx and PostgreSQL: run scripts/install-deps.sh as root" >&2; exit 1; }
  mkdir -p "$DIR"
  [ -f "$DIR/signing-key" ] || (umask 077; openssl rand -base64 48 | tr -d '\n' >"$DIR/signing-key")
  echo "$mode" >"$DIR/mode"
  if [ "$mode" = demo ]; then
    echo "!! demo mode: dev tokens are ON. Anyone who can reach http://127.0.0.1:$LC_PORT can mint a token of any role," >&2
    echo "!! admin included, at POST /api/dev/token. Never expose this cluster; scripts/cluster.sh up has them off." >&2
  fi
  start_postgres
  start_redis
  [ -f "$APP/LiveCommunity.Server.dll" ] || build_app
  # The first instance migrates the database and seeds the demo topics; the others start after it.
  start_instance "${INSTANCES[0]}" true
  for port in "${INSTANCES[@]:1}"; do start_instance "$port" false; done
  start_nginx
  wait_http "http://127.0.0.1:$LC_PORT/health/ready" "nginx"
  start_prometheus
  echo "== up: http://127.0.0.1:$LC_PORT (hub: ws://127.0.0.1:$LC_PORT/hubs/discussion, websockets + skipNegotiation)"
  echo "   metrics: each instance at http://127.0.0.1:510N/metrics; Prometheus at http://127.0.0.1:$LC_PROM_PORT"
  echo "   try:     sum by (instance) (livecommunity_connections), rate(livecommunity_events_published_total[1m]),"
  echo "            livecommunity_backplane_connected"
}

stop_pid() { # pidfile, name, [seconds to wait before SIGKILL: 10]
  if alive "$1"; then
    local pid; pid=$(head -1 "$1")
    local started; started=$(date +%s%N)
    kill "$pid"
    for _ in $(seq 1 $((${3:-10} * 4))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; echo "killed $2 ($pid): still running ${3:-10} s after SIGTERM" >&2; fi
    local ms=$((($(date +%s%N) - started) / 1000000))
    echo "stopped $2 ($pid) $((ms / 1000)).$(printf %03d $((ms % 1000))) s after SIGTERM"
  fi
  rm -f "$1"
}

# An instance drains for Shutdown:DrainDelay (5 s), then has Shutdown:StopTimeout (10 s) for its writes and again
# for in-flight requests: SIGKILL only past all of that.
INSTANCE_STOP_WAIT=30

# A rolling restart: one instance at a time leaves nginx's rotation (nginx reloads; requests in flight to it
# finish), drains and stops on SIGTERM (its hub connections are closed with a reconnect hint, spread over the
# drain, and move to the others), starts again and rejoins once its readiness answers. Then the next one.
roll() {
  alive "$DIR/nginx/nginx.pid" || { echo "the cluster is not up (scripts/cluster.sh up)" >&2; exit 1; }
  [ -f "$APP/LiveCommunity.Server.dll" ] || { echo "no server build under $APP (scripts/cluster.sh rebuild)" >&2; exit 1; }
  local port
  for port in "${INSTANCES[@]}"; do
    echo "== rolling instance $port"
    reload_nginx "$port"
    stop_pid "$DIR/app-$port.pid" "instance $port" "$INSTANCE_STOP_WAIT"
    start_instance "$port" false
    reload_nginx
  done
  echo "== rolled ${#INSTANCES[@]} instances"
}

down() {
  stop_pid "$DIR/prometheus/prometheus.pid" prometheus
  if alive "$DIR/nginx/nginx.pid"; then kill -QUIT "$(cat "$DIR/nginx/nginx.pid")"; echo "stopped nginx"; fi
  for port in "${INSTANCES[@]}"; do stop_pid "$DIR/app-$port.pid" "instance $port" "$INSTANCE_STOP_WAIT"; done
  stop_pid "$DIR/redis/redis.pid" redis
  if alive "$PG_DIR/data/postmaster.pid"; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null && echo "stopped postgresql"
  fi
}

status() {
  local line
  alive "$PG_DIR/data/postmaster.pid" && line=up || line=down; echo "postgresql  127.0.0.1:$LC_PG_PORT  $line"
  alive "$DIR/redis/redis.pid" && line=up || line=down; echo "redis       127.0.0.1:$LC_REDIS_PORT  $line"
  for port in "${INSTANCES[@]}"; do
    if alive "$DIR/app-$port.pid"; then
      line="up, ready $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)"
    else line=down; fi
    echo "instance    127.0.0.1:$port  $line"
  done
  if alive "$DIR/nginx/nginx.pid"; then
    line="up, ready $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$LC_PORT/health/ready" || true)"
  else line=down; fi
  echo "nginx       127.0.0.1:$LC_PORT  $line"
  alive "$DIR/prometheus/prometheus.pid" && line=up || line=down; echo "prometheus  127.0.0.1:$LC_PROM_PORT  $line"
}

case "${1:-}" in
  up) up up ;;
  demo) up demo ;;
  roll) roll ;;
  down) down ;;
  status) status ;;
  rebuild) rm -rf "$APP"; build_app ;;
  *) echo "usage: $0 up|demo|roll|down|status|rebuild" >&2; exit 2 ;;
esac
