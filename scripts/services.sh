#!/usr/bin/env bash
# The project's local real services, on loopback and on the project's own ports, so
# they never collide with a system Redis/PostgreSQL/Kafka/ClickHouse:
#
#   scripts/services.sh start [--report-started] [name...]
#   scripts/services.sh stop [name...]
#   scripts/services.sh status [name...]
#
# Names: redis postgres kafka clickhouse upstash redis-cluster (default: all). `start`
# installs what is missing (Debian packages, the Kafka jars from Maven Central), starts the
# services in parallel, and returns once every one answers its health check. A service
# already answering on its port counts as running and is left alone. With
# --report-started, stdout gets only the names this call started, so
# scripts/with-services.sh stops those and not a developer's long-running ones. Data and
# logs: .data/services/<name>/.
# docs/local-services.md has the per-service notes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_ROOT="$ROOT/.data/services"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/edge-rtb"
KAFKA_VERSION=4.3.1
KAFKA_LIB="$CACHE_ROOT/kafka-$KAFKA_VERSION/lib"
ALL=(redis postgres kafka clickhouse upstash redis-cluster)

REDIS_PORT=16379
UPSTASH_PORT=16380
PG_PORT=15432
KAFKA_PORT=19092
KAFKA_CONTROLLER_PORT=19093
CH_HTTP_PORT=18123
CH_TCP_PORT=19000
CH_INTERSERVER_PORT=19009
# Three cluster masters; each also listens on its cluster bus port, port + 10000.
REDIS_CLUSTER_PORTS=(16401 16402 16403)

# Seconds each service gets to become healthy once launched (downloads excluded).
declare -A TIMEOUT=([redis]=20 [upstash]=30 [postgres]=60 [kafka]=120 [clickhouse]=60
  [redis-cluster]=30)
# What to look for in /proc/PID/cmdline before trusting a pidfile (pids get reused).
declare -A MARKER=([redis]=redis-server [upstash]=upstash-rest-front [postgres]=postgres
  [kafka]=kafka.Kafka [clickhouse]=clickhouse [redis-cluster]=edge-rtb-redis-cluster)

# shellcheck source=/dev/null
source "$ROOT/scripts/node-env.sh"
# shellcheck source=services.env
set -a
source "$ROOT/scripts/services.env"
set +a
export DEBIAN_FRONTEND=noninteractive
# A server that accepts connections but never answers must not hang the checks.
export PGCONNECT_TIMEOUT=3

log() { echo "[services] $*" >&2; }
# show_tail FILE LINES: the end of a log on stderr, long lines cut (Kafka's run to KBs).
show_tail() { tail -n "$2" "$1" 2>/dev/null | cut -c1-400 >&2 || true; }
die() {
  log "$*"
  exit 1
}

# ---------------------------------------------------------------- health checks
# Each answers 0 only when the service really serves requests, not merely when its
# port is open: several of them listen before they are ready.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

redis_ok() {
  local reply
  reply=$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 line <&3 && printf '%s' "$line"
  ) 2>/dev/null || return 1
  [[ $reply == +PONG* ]]
}

upstash_ok() {
  [[ $(curl -sf -m 2 -H "Authorization: Bearer $UPSTASH_REDIS_REST_TOKEN" \
    "http://127.0.0.1:$UPSTASH_PORT/ping" 2>/dev/null) == *'"PONG"'* ]]
}

postgres_ok() {
  command -v psql >/dev/null || return 1
  [ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XtAc 'select 1' 2>/dev/null)" = 1 ]
}

clickhouse_ok() {
  [ "$(curl -sf -m 2 "http://127.0.0.1:$CH_HTTP_PORT/ping" 2>/dev/null)" = "Ok." ]
}

kafka_ok() {
  port_open "$KAFKA_PORT" && node --no-warnings "$ROOT/scripts/kafka/ready.ts" "127.0.0.1:$KAFKA_PORT" 0
}

# CLUSTER INFO of one cluster node, without the \r; empty when it does not answer.
redis_cluster_info() { timeout 3 redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r'; }

# Every node, not only the first: right after the cluster forms, the others may not
# have their slot map yet, and a client that asks them would get CLUSTERDOWN.
redis_cluster_ok() {
  command -v redis-cli >/dev/null || return 1
  local p info
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    info=$'\n'$(redis_cluster_info "$p")$'\n'
    [[ $info == *$'\n'cluster_state:ok$'\n'* && $info == *$'\n'cluster_slots_assigned:16384$'\n'* ]] || return 1
  done
}

# Function names use _ where service names use -.
healthy() { "${1//-/_}_ok"; }

service_port() {
  case $1 in
  redis) echo $REDIS_PORT ;; upstash) echo $UPSTASH_PORT ;; postgres) echo $PG_PORT ;;
  kafka) echo $KAFKA_PORT ;; clickhouse) echo $CH_HTTP_PORT ;;
  redis-cluster) echo "${REDIS_CLUSTER_PORTS[0]}" ;;
  esac
}

# ---------------------------------------------------------------- processes
# Every service runs in its own session (setsid), so its pid is also its process
# group id and `stop` can signal the whole group: nothing is left behind, not even
# the children a server forks.
pidfile() { echo "$DATA_ROOT/$1/$1.pid"; }
logfile() { echo "$DATA_ROOT/$1/$1.log"; }

managed_pid() {
  local f pid
  f=$(pidfile "$1")
  [ -s "$f" ] || return 1
  pid=$(<"$f")
  [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == *"${MARKER[$1]}"* ]] || return 1
  echo "$pid"
}

# spawn NAME CMD...: runs CMD detached, output appended to the service's log.
spawn() {
  local name=$1
  shift
  (
    # Close inherited descriptors (our lock, a caller's pipes) so a long-lived server
    # never keeps them open: `started=$(services.sh start ...)` would otherwise wait
    # for the server to exit.
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done 2>/dev/null
    exec setsid "$@" </dev/null >>"$(logfile "$name")" 2>&1
  ) &
  echo $! >"$(pidfile "$name")"
}

# PostgreSQL's children each call setsid(), so "the group" is the process group plus
# the leader's direct children. Zombies count as gone: the init of these machines
# reaps orphans only every second or so.
group_alive() {
  # (ps exits 1 when nothing matches; `true` keeps pipefail from reading that as gone)
  { ps -o stat= -g "$1"; ps -o stat= --ppid "$1"; true; } 2>/dev/null | grep -qv '^Z'
}
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}

# stop_group NAME PID SIGNAL SECONDS: SIGNAL to the server itself (it shuts down its
# own children cleanly), then TERM to whatever is left of its group, then KILL.
stop_group() {
  local name=$1 pid=$2 sig=$3 secs=$4 i
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    group_alive "$pid" || return 0
    alive "$pid" || kill -TERM -- "-$pid" 2>/dev/null || true
    sleep 0.1
  done
  log "$name: still running after ${secs}s, killing process group $pid"
  kill -KILL -- "-$pid" $(pgrep -P "$pid" 2>/dev/null) 2>/dev/null || true
  sleep 0.2
  ! group_alive "$pid"
}

# wait_healthy NAME SECONDS: 0 once healthy; on timeout (or if the server died)
# prints why and the tail of the log, and returns 1.
wait_healthy() {
  local name=$1 secs=$2 start=$SECONDS pid
  pid=$(<"$(pidfile "$name")")
  while settle "$name" && ! healthy "$name"; do
    if ! alive "$pid"; then
      log "$name: exited during startup; last lines of $(logfile "$name"):"
      show_tail "$(logfile "$name")" 40
      return 1
    fi
    if ((SECONDS - start >= secs)); then
      log "$name: not healthy after ${secs}s (port $(service_port "$name")); last lines of $(logfile "$name"):"
      show_tail "$(logfile "$name")" 40
      stop_group "$name" "$pid" TERM 5 || true
      return 1
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------- installs
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Debian packages each service needs, when missing.
missing_packages() {
  # the health checks and `stop` rely on these; minimal images may lack them
  command -v ps >/dev/null || echo procps
  command -v curl >/dev/null || echo curl
  case $1 in
  redis) command -v redis-server >/dev/null || echo redis-server ;;
  # redis-cli is in redis-tools, which redis-server depends on
  redis-cluster) command -v redis-server >/dev/null && command -v redis-cli >/dev/null || echo redis-server ;;
  postgres) [ -x "$(pg_bin)/postgres" ] || echo postgresql ;;
  clickhouse) command -v clickhouse-server >/dev/null || echo clickhouse-server ;;
  kafka)
    command -v java >/dev/null || echo openjdk-17-jre-headless
    command -v mvn >/dev/null || echo maven
    ;;
  esac
}

# One `apt-get update` and one install for everything missing; both wait for the dpkg
# lock rather than failing when another install is running.
apt_install() {
  [ $# -gt 0 ] || return 0
  [ "$(id -u)" = 0 ] || die "need root to install: $* (apt-get install $*)"
  log "installing Debian packages: $*"
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
  local out="$DATA_ROOT/apt.log"
  "${apt[@]}" update -qq >>"$out" 2>&1 || {
    show_tail "$out" 20
    die "apt-get update failed (log: $out)"
  }
  "${apt[@]}" install -y -qq --no-install-recommends "$@" >>"$out" 2>&1 || {
    show_tail "$out" 20
    die "apt-get install $* failed (log: $out)"
  }
}

fetch_kafka_jars() {
  [ -f "$KAFKA_LIB/.complete" ] && return 0
  mkdir -p "$CACHE_ROOT"
  (
    flock -w 600 9 || die "kafka: timed out waiting for another jar download"
    [ -f "$KAFKA_LIB/.complete" ] && exit 0
    log "kafka: fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIB"
    local tmp="$KAFKA_LIB.tmp"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    (cd "$tmp" && mvn -B -q -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime) >>"$(logfile kafka)" 2>&1 || {
      show_tail "$(logfile kafka)" 30
      die "kafka: mvn dependency:copy-dependencies failed"
    }
    rm -rf "$KAFKA_LIB"
    mv "$tmp" "$KAFKA_LIB"
    touch "$KAFKA_LIB/.complete"
  ) 9>"$CACHE_ROOT/kafka-$KAFKA_VERSION.lock"
}

# ---------------------------------------------------------------- launchers
# launch_NAME starts the server in the background; start_one waits for health.
launch_redis() {
  # Append-only file, fsync every second, as production runs it: Redis holds the budget ledger,
  # so a restart (the redis-down scenario) must keep what was granted and spent.
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec \
    --daemonize no --dir "$DATA_ROOT/redis" --logfile ''
}

# The three nodes run under one small bash parent (named edge-rtb-redis-cluster), so
# like every other service it has one pid and one process group: `stop` signals the
# parent, which stops the nodes. When one node dies, the parent stops the others rather
# than leave half a cluster behind.
launch_redis_cluster() {
  local dir="$DATA_ROOT/redis-cluster" p port
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    for port in "$p" $((p + 10000)); do
      port_open "$port" && die "redis-cluster: port $port is taken by another process"
    done
  done
  # No persistence, so a node's dir holds only its nodes.conf, which would name the
  # peers of a cluster that is gone; fresh dirs give fresh nodes, which the health
  # wait (settle) then joins into a new cluster.
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    rm -rf "${dir:?}/$p"
    mkdir -p "$dir/$p"
  done
  # shellcheck disable=SC2016 # expanded by the parent shell, not here
  spawn redis-cluster bash -c '
    dir=$1
    shift
    pids=()
    trap '\''kill -TERM "${pids[@]}" 2>/dev/null; wait; exit 0'\'' TERM INT
    for p in "$@"; do
      redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes \
        --cluster-port $((p + 10000)) --cluster-announce-ip 127.0.0.1 \
        --cluster-config-file "$dir/$p/nodes.conf" --save "" --appendonly no \
        --daemonize no --dir "$dir/$p" --logfile "" &
      pids+=($!)
      echo "redis-cluster: node 127.0.0.1:$p is pid $!"
    done
    wait -n
    echo "redis-cluster: a node exited; stopping the others"
    kill -TERM "${pids[@]}" 2>/dev/null
    wait
    exit 1
  ' edge-rtb-redis-cluster "$dir" "${REDIS_CLUSTER_PORTS[@]}"
}

# Fresh nodes (each knows only itself and holds no slot) are joined into one cluster,
# three masters and no replicas. Nodes in any other state are left alone: they are
# either joining already or need a stop and start (which gives fresh nodes).
redis_cluster_form() {
  local p info addrs=()
  for p in "${REDIS_CLUSTER_PORTS[@]}"; do
    info=$'\n'$(redis_cluster_info "$p")$'\n'
    [[ $info == *$'\n'cluster_known_nodes:1$'\n'* && $info == *$'\n'cluster_slots_assigned:0$'\n'* ]] || return 0
    addrs+=("127.0.0.1:$p")
  done
  log "redis-cluster: creating the cluster on ${addrs[*]}"
  timeout 60 redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes \
    >>"$(logfile redis-cluster)" 2>&1 ||
    log "redis-cluster: redis-cli --cluster create failed (log: $(logfile redis-cluster))"
}

# settle NAME: a step some services need while they come up, run before each health
# check; always returns 0.
settle() {
  case $1 in redis-cluster) redis_cluster_form ;; esac
  return 0
}

launch_upstash() {
  # The front is useless without Redis behind it.
  local i
  for ((i = 0; i < TIMEOUT[redis] * 5; i++)); do
    redis_ok && break
    # no point waiting for a Redis that this same start already failed to bring up
    [ "$(cat "${results:-/nonexistent}/redis" 2>/dev/null)" = failed ] && break
    sleep 0.2
  done
  redis_ok || die "upstash: Redis on port $REDIS_PORT is not answering"
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT" UPSTASH_FRONT_PORT=$UPSTASH_PORT UPSTASH_FRONT_HOST=127.0.0.1 \
    spawn upstash node "$ROOT/regional-core/src/dev/upstash-rest-front.ts"
}

launch_postgres() {
  local dir="$DATA_ROOT/postgres" bin
  bin=$(pg_bin)
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  chown postgres:postgres "$dir"
  setpriv --reuid=postgres --regid=postgres --init-groups -- test -x "$dir" ||
    die "postgres: user postgres cannot reach $dir (a parent directory is not world-executable)"
  if [ ! -s "$dir/pg/PG_VERSION" ]; then
    log "postgres: initdb $dir/pg"
    rm -rf "$dir/pg"
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/initdb" -D "$dir/pg" \
      --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >>"$(logfile postgres)" 2>&1 ||
      { show_tail "$(logfile postgres)" 30; die "postgres: initdb failed (log: $(logfile postgres))"; }
  fi
  # A machine that was killed leaves postmaster.pid behind; after a reboot its pid may
  # belong to another process and PostgreSQL would refuse to start. We only get here
  # when nothing answers on the port, so a pid that is not a postgres is stale.
  local stale
  if [ -f "$dir/pg/postmaster.pid" ]; then
    stale=$(head -n 1 "$dir/pg/postmaster.pid")
    [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$stale/cmdline") == *postgres* ]] || rm -f "$dir/pg/postmaster.pid"
  fi
  # No unix socket (its path would depend on where the checkout is and may pass the
  # 107-byte limit); fsync off because this is disposable test data and it makes the
  # migration-heavy tests several times faster.
  spawn postgres setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/postgres" \
    -D "$dir/pg" -p "$PG_PORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200
}

ensure_database() {
  if [ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XtAc \
    "select 1 from pg_database where datname = 'edge_rtb'")" != 1 ]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Xqc 'create database edge_rtb' >/dev/null 2>&1 ||
      [ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XtAc \
        "select 1 from pg_database where datname = 'edge_rtb'")" = 1 ] ||
      die "postgres: could not create database edge_rtb"
  fi
}

launch_kafka() {
  local dir="$DATA_ROOT/kafka"
  fetch_kafka_jars || die "kafka: no broker jars in $KAFKA_LIB"
  sed -e "s|@PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$dir/data|g" "$ROOT/scripts/kafka/server.properties" >"$dir/server.properties"
  local java=(java -cp "$KAFKA_LIB/*" "-Dlog4j2.configurationFile=$ROOT/scripts/kafka/log4j2.properties")
  if [ ! -f "$dir/data/meta.properties" ]; then
    # KRaft storage is formatted once; the cluster id is a base64url UUID, made here
    # rather than by `StorageTool random-uuid` to spare a JVM start. It may begin with "-",
    # so it is passed as --cluster-id=ID (a separate argument would be read as an option).
    local id
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    log "kafka: formatting KRaft storage (cluster $id)"
    rm -rf "$dir/data"
    "${java[@]}" kafka.tools.StorageTool format --cluster-id="$id" -c "$dir/server.properties" \
      >>"$(logfile kafka)" 2>&1 || {
      show_tail "$(logfile kafka)" 30
      die "kafka: storage format failed (log: $(logfile kafka))"
    }
  fi
  spawn kafka "${java[@]}" -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    kafka.Kafka "$dir/server.properties"
}

launch_clickhouse() {
  local dir="$DATA_ROOT/clickhouse"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
  # A config of our own instead of /etc/clickhouse-server: every port off the
  # defaults (9000 is a common clash, 9009 is interserver), loopback only, paths here.
  cat >"$dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>information</level>
    <log>$dir/clickhouse.log</log>
    <errorlog>$dir/clickhouse.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CH_HTTP_PORT</http_port>
  <tcp_port>$CH_TCP_PORT</tcp_port>
  <interserver_http_port>$CH_INTERSERVER_PORT</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>1024</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>1073741824</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
EOF
  cat >"$dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>4000000000</max_memory_usage>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval>
    </default>
  </quotas>
</yandex>
EOF
  spawn clickhouse clickhouse-server --config-file="$dir/config.xml"
}

# Log file whose tail explains a failed start (ClickHouse writes its own).
start_log() {
  case $1 in clickhouse) echo "$DATA_ROOT/clickhouse/clickhouse.err.log" ;; *) logfile "$1" ;; esac
}

# start_one NAME RESULT_FILE: writes started | running | failed to RESULT_FILE.
start_one() {
  local name=$1 result=$2 begin=$SECONDS pid i
  mkdir -p "$DATA_ROOT/$name"
  (
    # One start per service at a time, even across concurrent callers (two test runs
    # started together): the second waits, then finds the service running.
    flock -w 900 9 || die "$name: timed out waiting for another start of $name"
    if healthy "$name"; then
      [ "$name" = postgres ] && ensure_database
      echo running >"$result"
      exit 0
    fi
    if pid=$(managed_pid "$name"); then
      log "$name: process $pid is up but not answering; waiting for it"
    elif port_open "$(service_port "$name")"; then
      # Someone else's server may still be starting, or slow on a loaded machine.
      for ((i = 0; i < 50; i++)); do
        sleep 0.2
        settle "$name"
        if healthy "$name"; then
          [ "$name" = postgres ] && ensure_database
          echo running >"$result"
          exit 0
        fi
      done
      die "$name: port $(service_port "$name") is taken by something that does not answer as $name"
    else
      "launch_${name//-/_}"
    fi
    if ! wait_healthy "$name" "${TIMEOUT[$name]}"; then
      [ "$name" = clickhouse ] && show_tail "$(start_log clickhouse)" 20
      exit 1
    fi
    [ "$name" = postgres ] && ensure_database
    log "$name: up on 127.0.0.1:$(service_port "$name") in $((SECONDS - begin))s"
    echo started >"$result"
    # No `|| ...` after this subshell: that would switch off errexit inside it, and a
    # failed step would carry on. On failure the result file stays empty = failed.
  ) 9>"$DATA_ROOT/$name.lock"
}

# ---------------------------------------------------------------- commands
resolve_names() {
  local n
  if [ $# -eq 0 ]; then
    echo "${ALL[@]}"
    return
  fi
  for n in "$@"; do
    [[ " ${ALL[*]} " == *" $n "* ]] || die "unknown service '$n' (known: ${ALL[*]})"
  done
  echo "$@"
}

cmd_start() {
  local report=0 args=() n
  for n in "$@"; do
    if [ "$n" = --report-started ]; then report=1; else args+=("$n"); fi
  done
  local names
  read -ra names <<<"$(resolve_names "${args[@]}")"
  # The REST front needs Redis behind it.
  [[ " ${names[*]} " == *" upstash "* && " ${names[*]} " != *" redis "* ]] && names=(redis "${names[@]}")
  mkdir -p "$DATA_ROOT"
  results=$(mktemp -d)
  trap 'rm -rf "$results"' EXIT

  local todo=() pkgs=()
  for n in "${names[@]}"; do
    mkdir -p "$DATA_ROOT/$n"
    if healthy "$n"; then
      [ "$n" = postgres ] && ensure_database
      echo running >"$results/$n"
      continue
    fi
    todo+=("$n")
    read -ra more <<<"$(missing_packages "$n" | tr '\n' ' ')"
    pkgs+=("${more[@]}")
  done

  # Kafka's JVM is the slow one: it fetches jars and boots while apt installs and the
  # others start. It waits for apt only when it needs Java or Maven from it.
  local pids=() kafka_after_apt=0
  if [[ " ${todo[*]} " == *" kafka "* ]]; then
    if [ -n "$(missing_packages kafka)" ]; then
      kafka_after_apt=1
    else
      start_one kafka "$results/kafka" &
      pids+=($!)
    fi
  fi
  if [ ${#pkgs[@]} -gt 0 ]; then
    read -ra pkgs <<<"$(printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ')"
    apt_install "${pkgs[@]}"
  fi
  for n in "${todo[@]}"; do
    [ "$n" = kafka ] && [ $kafka_after_apt = 0 ] && continue
    start_one "$n" "$results/$n" &
    pids+=($!)
  done
  for j in "${pids[@]}"; do wait "$j" || true; done

  local started=() failed=()
  for n in "${names[@]}"; do
    case $(cat "$results/$n" 2>/dev/null || echo failed) in
    started) started+=("$n") ;;
    running) log "$n: already running on 127.0.0.1:$(service_port "$n")" ;;
    *) failed+=("$n") ;;
    esac
  done
  # Printed even on failure, so the caller can stop what did start.
  [ $report = 1 ] && echo "${started[*]}"
  [ ${#failed[@]} -eq 0 ] || die "failed to start: ${failed[*]}"
}

cmd_stop() {
  local names n pid rc=0
  read -ra names <<<"$(resolve_names "$@")"
  # The front first, so it never sees Redis disappear under it.
  local order=()
  for n in upstash kafka clickhouse postgres redis redis-cluster; do
    [[ " ${names[*]} " == *" $n "* ]] && order+=("$n")
  done
  for n in "${order[@]}"; do
    if pid=$(managed_pid "$n"); then
      # SIGINT is PostgreSQL's fast shutdown: SIGTERM would wait for every client
      # (a developer's open psql) to disconnect.
      local sig=TERM
      [ "$n" = postgres ] && sig=INT
      if stop_group "$n" "$pid" "$sig" 30; then
        log "$n: stopped"
      else
        log "$n: could not stop process group $pid"
        rc=1
      fi
      rm -f "$(pidfile "$n")"
    elif port_open "$(service_port "$n")"; then
      log "$n: port $(service_port "$n") is served by a process services.sh did not start; left alone"
    else
      rm -f "$(pidfile "$n")"
      log "$n: not running"
    fi
  done
  return $rc
}

cmd_status() {
  local names n pid rc=0
  read -ra names <<<"$(resolve_names "$@")"
  for n in "${names[@]}"; do
    if healthy "$n"; then
      if pid=$(managed_pid "$n"); then
        printf '%-13s running  127.0.0.1:%s  pid %s\n' "$n" "$(service_port "$n")" "$pid"
      else
        printf '%-13s running  127.0.0.1:%s  (not started by services.sh)\n' "$n" "$(service_port "$n")"
      fi
    elif pid=$(managed_pid "$n"); then
      printf '%-13s starting or unhealthy  pid %s  log %s\n' "$n" "$pid" "$(start_log "$n")"
      rc=3
    else
      printf '%-13s stopped\n' "$n"
      rc=3
    fi
  done
  return $rc
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
status) cmd_status "$@" ;;
*)
  echo "usage: $0 start [--report-started] [name...] | stop [name...] | status [name...]" >&2
  echo "services: ${ALL[*]}" >&2
  exit 2
  ;;
esac
