# Services for scripts/bench and scripts/chaos (sourced, not run). Everything it starts lives
# under $WORK_DIR and is stopped by bench_cleanup:
#   - a throwaway Postgres on a free loopback port (as scripts/test starts it);
#   - a PRIVATE dockerd with its own socket, data root, exec root and bridge: a server under
#     test removes every bap-managed container it does not know as an orphan, so it must never
#     share a daemon with anyone else's tests;
#   - the engine image, imported into that daemon by scripts/build-engine-image;
#   - the release build of bap-engine and bap-bench in .build-release.
# Callers set NAME (log prefix) and call bench_init first.
#
# Nothing is left behind: bench_init exports BAP_SCRIPT_RUN=$WORK_DIR, which every process the
# run starts inherits (servers, dockerd with its containerd and shims, Postgres, load tools);
# the pids started directly are recorded in STARTED. bench_cleanup stops everything, then
# scripts/lib/leftovers.py looks for any recorded pid, any process with the marker, any process
# holding a path under $WORK_DIR (a private daemon's containerd-shim / runc init) or a child of
# one: if it finds one it prints it, kills it and the script exits non-zero.

bench_log() { printf '%s: %s\n' "${NAME:-bench}" "$*" >&2; }
bench_die() { bench_log "FAILED: $*"; exit 1; }

WORK_DIR=""
PG_BIN=""
PG_DATA=""
PG_PORT=""
PG_STARTED=0
DOCKERD_PID=""
DOCKER_SOCK=""
BRIDGE=""
SERVER_PIDS=()
STARTED=()  # "pid what" of every process started directly

bench_record() { STARTED+=("$1 $2"); }

bench_install_missing() {
    local wanted=()
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || wanted+=(postgresql)
    command -v dockerd >/dev/null 2>&1 || wanted+=(docker.io)
    command -v curl >/dev/null 2>&1 || wanted+=(curl)
    command -v runuser >/dev/null 2>&1 || wanted+=(util-linux)
    command -v ip >/dev/null 2>&1 || wanted+=(iproute2)
    if ((${#wanted[@]})); then
        [[ $(id -u) == 0 ]] || bench_die "missing ${wanted[*]} and not root: install them first"
        bench_log "installing ${wanted[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
    fi
}

bench_init() {
    [[ $(id -u) == 0 ]] || bench_die "run as root (a private dockerd and a Postgres cluster are started)"
    bench_install_missing
    WORK_DIR=$(realpath "$(mktemp -d "${TMPDIR:-/tmp}/bap-${NAME:-bench}.XXXXXX")")
    chmod 0755 "$WORK_DIR"
    export BAP_SCRIPT_RUN=$WORK_DIR
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------- postgres
bench_start_postgres() {
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PG_DATA=$WORK_DIR/pgdata
    mkdir -p "$WORK_DIR/pg"
    mkdir -m 0700 "$PG_DATA"
    chown -R postgres:postgres "$PG_DATA" "$WORK_DIR/pg"
    (cd / && runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C --no-sync \
        >"$WORK_DIR/initdb.log" 2>&1) || { cat "$WORK_DIR/initdb.log" >&2; bench_die "initdb"; }
    PG_PORT=$(bench_free_port)
    bench_pg_ctl_start || bench_die "postgres did not start (see $WORK_DIR/pg/postgres.log)"
    PG_STARTED=1
    [[ -s $PG_DATA/postmaster.pid ]] && bench_record "$(head -n 1 "$PG_DATA/postmaster.pid")" postgres
    export PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    bench_log "postgres on 127.0.0.1:$PG_PORT"
}

bench_pg_ctl_start() {
    (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK_DIR/pg/postgres.log" -w -t 60 \
        -o "-p $PG_PORT -k $WORK_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=400 -c shared_buffers=256MB" start >/dev/null)
}

bench_pg_ctl_stop() {
    (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "${1:-fast}" -w stop >/dev/null 2>&1)
}

bench_createdb() { "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE $1" >/dev/null; }

# ---------------------------------------------------------------- private dockerd
bench_start_dockerd() {
    DOCKER_SOCK=$WORK_DIR/docker.sock
    BRIDGE=bapb$((RANDOM % 10000))
    local subnet=$((RANDOM % 200 + 20))
    ip link add name "$BRIDGE" type bridge
    ip addr add "172.30.$subnet.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    mkdir -p "$WORK_DIR/docker-data" "$WORK_DIR/docker-exec"
    dockerd --storage-driver=vfs --host "unix://$DOCKER_SOCK" --data-root "$WORK_DIR/docker-data" \
        --exec-root "$WORK_DIR/docker-exec" --pidfile "$WORK_DIR/dockerd.pid" --bridge "$BRIDGE" \
        >"$WORK_DIR/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    bench_record "$DOCKERD_PID" dockerd
    for _ in $(seq 1 300); do
        [[ $(curl -s --max-time 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping 2>/dev/null) == OK ]] && break
        kill -0 "$DOCKERD_PID" 2>/dev/null || break
        sleep 0.2
    done
    [[ $(curl -s --max-time 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping 2>/dev/null) == OK ]] ||
        { tail -n 20 "$WORK_DIR/dockerd.log" >&2; bench_die "private dockerd did not answer"; }
    export DOCKER_HOST="unix://$DOCKER_SOCK"
    bench_log "private dockerd on $DOCKER_SOCK (bridge $BRIDGE)"
}

bench_stop_dockerd() {
    [[ -n $DOCKERD_PID ]] || return 0
    # scripts/chaos may have restarted it: the pidfile names the current one.
    if [[ -s $WORK_DIR/dockerd.pid ]] && kill -0 "$(cat "$WORK_DIR/dockerd.pid")" 2>/dev/null; then DOCKERD_PID=$(cat "$WORK_DIR/dockerd.pid"); fi
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$DOCKERD_PID" 2>/dev/null || true
    DOCKERD_PID=""
    # A dockerd stopped while containers ran (scripts/chaos restarts it mid-convergence) leaves
    # containerd-shim and `runc init` processes its successor never adopts. They belong to this
    # private daemon and go with it.
    local shims
    shims=$(python3 "$REPO_ROOT/scripts/lib/leftovers.py" "$WORK_DIR" --only-under docker-exec --kill)
    [[ -z $shims ]] || bench_log "removed $(wc -l <<<"$shims") process(es) the private dockerd left behind: $(head -c 300 <<<"$shims" | tr '\n' ';')"
    return 0
}

bench_engine_image() {
    ENGINE_IMAGE=${ENGINE_IMAGE:-bap-example-engine:dev}
    # scripts/test saves the image it tested to a cache file named by the hash of its inputs
    # (bap.image-inputs); the machine's dockerd may hold it too. Either copy takes seconds;
    # building it again is a release build of the engine (8-15 min on 2 cores).
    local want have cache
    want=$("$REPO_ROOT/scripts/build-engine-image" --inputs-hash)
    cache=$(engine_image_cache "$want")
    if [[ -s $cache ]]; then
        bench_log "loading $ENGINE_IMAGE (inputs $want) from $cache into the private dockerd"
        docker -H "unix://$DOCKER_SOCK" load -i "$cache" >"$WORK_DIR/image.log" 2>&1 && return
        bench_log "load failed ($(tail -n 1 "$WORK_DIR/image.log")); trying the next way"
    fi
    have=$(curl -sf --unix-socket /var/run/docker.sock "http://localhost/images/$ENGINE_IMAGE/json" 2>/dev/null |
        python3 -c 'import json,sys; print(((json.load(sys.stdin).get("Config") or {}).get("Labels") or {}).get("bap.image-inputs",""))' 2>/dev/null || true)
    if [[ -n $have && $have == "$want" ]]; then
        bench_log "copying $ENGINE_IMAGE (inputs $want) from the machine's dockerd into the private dockerd"
        docker -H unix:///var/run/docker.sock save "$ENGINE_IMAGE" |
            docker -H "unix://$DOCKER_SOCK" load >"$WORK_DIR/image.log" 2>&1 && return
        bench_log "copy failed ($(tail -n 1 "$WORK_DIR/image.log")); building instead"
    fi
    bench_log "importing $ENGINE_IMAGE into the private dockerd"
    DOCKER_HOST="unix://$DOCKER_SOCK" "$REPO_ROOT/scripts/build-engine-image" "$ENGINE_IMAGE" >"$WORK_DIR/image.log" 2>&1 ||
        { tail -n 20 "$WORK_DIR/image.log" >&2; bench_die "scripts/build-engine-image"; }
}

# The file scripts/test saves the engine image to, for the image built from inputs hash $1.
engine_image_cache() { printf '%s/bap-engine/engine-image-%s.tar' "${XDG_CACHE_HOME:-$HOME/.cache}" "$1"; }

# ---------------------------------------------------------------- build
bench_build_release() {
    if [[ -n ${BENCH_BIN:-} ]]; then BIN=$BENCH_BIN; bench_log "using binaries in $BIN (BENCH_BIN)"; return; fi
    bench_log "release build (bap-engine, bap-bench) in .build-release"
    local product
    for product in bap-engine bap-bench; do  # one --product per invocation: SwiftPM keeps only the last
        (cd "$REPO_ROOT" && swift build -c release --scratch-path .build-release --product "$product" >>"$WORK_DIR/build.log" 2>&1) ||
            { tail -n 30 "$WORK_DIR/build.log" >&2; bench_die "release build of $product"; }
    done
    BIN=$(cd "$REPO_ROOT" && swift build -c release --scratch-path .build-release --show-bin-path)
}

# ---------------------------------------------------------------- server
# bench_start_server LOGNAME [ENV=VALUE ...]: the release server on a free loopback port,
# Docker backend on the private daemon. Sets SERVER_PID and SERVER_URL.
bench_start_server() {
    local name=$1
    shift
    local port
    port=$(bench_free_port)
    env ORCH_DATABASE_URL="${SERVER_DATABASE_URL:-$PG_URL}" ORCH_MASTER_KEY="$MASTER_KEY" ORCH_ADMIN_KEY="$ADMIN_KEY" \
        ORCH_ENGINE_BACKEND=docker ORCH_ENGINE_IMAGE="$ENGINE_IMAGE" ORCH_HOST=127.0.0.1 ORCH_HTTP_PORT="$port" \
        ORCH_PUBLISH_HOST=127.0.0.1 ORCH_PORT_MIN=20000 ORCH_PORT_MAX=24999 ORCH_DATA_DIR="$WORK_DIR/data" \
        ORCH_LOG_LEVEL="${ORCH_LOG_LEVEL:-warning}" DOCKER_HOST="unix://$DOCKER_SOCK" "$@" \
        "$BIN/bap-engine" serve >>"$WORK_DIR/$name.log" 2>&1 &
    SERVER_PID=$!
    SERVER_PIDS+=("$SERVER_PID")
    bench_record "$SERVER_PID" "server $name"
    SERVER_URL="http://127.0.0.1:$port"
    for _ in $(seq 1 150); do
        curl -sf --max-time 1 "$SERVER_URL/health" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    tail -n 20 "$WORK_DIR/$name.log" >&2
    bench_die "server $name did not answer on $SERVER_URL"
}

bench_stop_server() {
    local pid=$1
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
}

bench_keys() {
    MASTER_KEY=$(python3 -c 'import os,base64;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
    ADMIN_KEY=ak-$(python3 -c 'import secrets;print(secrets.token_hex(16))')
}

# ---------------------------------------------------------------- cleanup
bench_cleanup() {
    local status=$?
    set +e
    for pid in "${SERVER_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    if [[ -n $DOCKER_SOCK ]] && [[ -n $DOCKERD_PID ]]; then
        local ids
        ids=$(curl -s --max-time 10 --unix-socket "$DOCKER_SOCK" 'http://localhost/containers/json?all=1' | python3 -c 'import sys,json; print(" ".join(c["Id"] for c in json.load(sys.stdin)))' 2>/dev/null)
        for id in $ids; do curl -s --max-time 20 -X DELETE --unix-socket "$DOCKER_SOCK" "http://localhost/containers/$id?force=1&v=1" >/dev/null; done
    fi
    bench_stop_dockerd
    ((PG_STARTED)) && bench_pg_ctl_stop immediate
    [[ -n $BRIDGE ]] && ip link del "$BRIDGE" 2>/dev/null
    if [[ -n $WORK_DIR ]]; then
        umount -R "$WORK_DIR/docker-data" 2>/dev/null
        umount -R "$WORK_DIR/docker-exec" 2>/dev/null
        rm -rf "$WORK_DIR" 2>/dev/null || bench_log "could not remove all of $WORK_DIR"
    fi
    bench_verify_nothing_left || status=1
    exit "$status"
}

# Fails (and kills them, so the machine is clean) if any process this run started is alive.
bench_verify_nothing_left() {
    [[ -n $WORK_DIR ]] || return 0
    local left="" entry pid
    for entry in "${STARTED[@]}"; do
        pid=${entry%% *}
        if kill -0 "$pid" 2>/dev/null && [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]]; then
            left+="$pid (${entry#* }, recorded);"
            kill -9 "$pid" 2>/dev/null
        fi
    done
    left+=$(python3 "$REPO_ROOT/scripts/lib/leftovers.py" "$WORK_DIR" --kill | tr '\n' ';')
    if [[ -n $left ]]; then
        bench_log "FAILED: processes this run started were still running at exit (now killed): ${left:0:1000}"
        return 1
    fi
    bench_log "checked: no process this run started is left"
}
