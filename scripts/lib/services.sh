# The services every test and benchmark script starts, written once (sourced, not run):
# scripts/test, and through scripts/lib/bench-services.sh scripts/bench and scripts/chaos.
#   - Debian packages when missing (root);
#   - a throwaway Postgres cluster on a free loopback port, under $WORK_DIR (fsync off: the data
#     is disposable);
#   - dockerd: the machine's own (/var/run/docker.sock, scripts/test) or a private one with its
#     own socket, data root, exec root and bridge (bench, chaos);
#   - the engine image: its inputs hash, and a cache file scripts/test saves it to so that a
#     private dockerd loads it in seconds instead of a second release build.
# The caller sets NAME (the log prefix) and WORK_DIR, and stops what it started (svc_stop_*).

svc_log() { printf '%s: %s\n' "${NAME:-services}" "$*" >&2; }
svc_die() { svc_log "FAILED: $*"; exit 1; }

PG_BIN=""
PG_DATA=""
PG_PORT=""
PG_STARTED=0
DOCKERD_PID=""

# ---------------------------------------------------------------- packages
# svc_install_missing [PACKAGE=COMMAND ...]: postgresql, docker.io, curl and util-linux, plus
# each PACKAGE whose COMMAND is not on the PATH (COMMAND "dpkg" asks dpkg whether it is installed).
svc_install_missing() {
    local wanted=() pair package check
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || wanted+=(postgresql)
    for pair in docker.io=dockerd curl=curl util-linux=runuser "$@"; do
        package=${pair%%=*}
        check=${pair#*=}
        if [[ $check == dpkg ]]; then
            dpkg -s "$package" >/dev/null 2>&1 || wanted+=("$package")
        else
            command -v "$check" >/dev/null 2>&1 || wanted+=("$package")
        fi
    done
    ((${#wanted[@]})) || return 0
    [[ $(id -u) == 0 ]] || svc_die "missing ${wanted[*]} and not root: install them first"
    svc_log "installing ${wanted[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

svc_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------- postgres
# svc_start_postgres [SHARED_BUFFERS]: initdb in $WORK_DIR/pgdata, socket and log in
# $WORK_DIR/pg, a free port (five tries: another process can take a free port first). Sets
# PG_BIN, PG_DATA, PG_PORT, PG_STARTED and exports PG_URL.
svc_start_postgres() {
    SVC_PG_SHARED_BUFFERS=${1:-128MB}
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -x $PG_BIN/initdb ]] || svc_die "no PostgreSQL server binaries under /usr/lib/postgresql"
    PG_DATA=$WORK_DIR/pgdata
    mkdir -p "$WORK_DIR/pg"
    mkdir -m 0700 "$PG_DATA"
    chown -R postgres:postgres "$PG_DATA" "$WORK_DIR/pg"
    (cd / && runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C \
        --no-sync >"$WORK_DIR/initdb.log" 2>&1) || { cat "$WORK_DIR/initdb.log" >&2; svc_die "initdb"; }
    local attempt
    for attempt in 1 2 3 4 5; do
        PG_PORT=$(svc_free_port)
        svc_pg_ctl_start && { PG_STARTED=1; break; }
        svc_log "postgres did not start on port $PG_PORT (attempt $attempt)"
        tail -n 5 "$WORK_DIR/pg/postgres.log" >&2 || true
    done
    ((PG_STARTED)) || svc_die "could not start postgres (see $WORK_DIR/pg/postgres.log)"
    for _ in $(seq 1 100); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
        sleep 0.1
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || svc_die "postgres does not answer on port $PG_PORT"
    export PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    svc_log "postgres ready on 127.0.0.1:$PG_PORT"
}

svc_pg_ctl_start() {
    (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK_DIR/pg/postgres.log" -w -t 60 \
        -o "-p $PG_PORT -k $WORK_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=400 -c shared_buffers=${SVC_PG_SHARED_BUFFERS:-128MB}" \
        start >/dev/null)
}

# svc_pg_ctl_stop [MODE]: fast by default; immediate when nothing in it matters any more.
svc_pg_ctl_stop() {
    (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m "${1:-fast}" -w stop >/dev/null 2>&1)
}

svc_stop_postgres() {
    ((PG_STARTED)) || return 0
    svc_pg_ctl_stop immediate
    PG_STARTED=0
}

# ---------------------------------------------------------------- dockerd
svc_docker_ping() { [[ $(curl -s --max-time 2 --unix-socket "$1" http://localhost/_ping 2>/dev/null) == OK ]]; }

# /run is an ordinary directory on these machines and outlives the processes of a session: a
# pid file left by a daemon that was killed can name a pid that a new process holds by now, and
# dockerd then refuses to start ("pid file found"). Remove a pid file whose pid is not a live
# process of that name.
svc_clear_stale_pidfile() {
    local file=$1 name=$2 pid state
    [[ -f $file ]] || return 0
    pid=$(tr -dc 0-9 <"$file" 2>/dev/null)
    if [[ -n $pid && -r /proc/$pid/comm && $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]; then
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)
        [[ $state != Z ]] && return 0
    fi
    svc_log "removing stale $file (pid ${pid:-none} is not a running $name)"
    rm -f "$file"
}

# svc_launch_dockerd SOCKET [DOCKERD ARGS...]: starts dockerd (vfs; log $WORK_DIR/dockerd.log)
# and waits up to 60 s for it to answer on SOCKET. Sets DOCKERD_PID; false when it exits first
# or never answers.
svc_launch_dockerd() {
    local socket=$1
    shift
    dockerd --storage-driver=vfs "$@" >"$WORK_DIR/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 1 300); do
        svc_docker_ping "$socket" && return 0
        kill -0 "$DOCKERD_PID" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

SVC_DOCKER_NETWORK_DB=/var/lib/docker/network/files/local-kv.db

# With the machine's dockerd not running, what a killed one left in the kernel is stale: a
# container's network namespace still bind-mounted under /var/run/docker/netns keeps its
# address on docker0 (seen: 172.17.0.26 held that way made the 25th engine of a test
# unreachable, every run, because the next daemon hands that address out again), and veth
# ends and linkdown br-* bridges of networks it no longer knows overlap the subnets it will
# allocate. Remove them; dockerd makes what it needs at start.
svc_clear_stale_docker_network_state() {
    local ns dev removed=0
    for ns in /var/run/docker/netns/*; do
        [[ -e $ns ]] || continue
        umount "$ns" 2>/dev/null || true
        rm -f "$ns" && removed=$((removed + 1))
    done
    for dev in $(ip -o link show master docker0 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
        ip link del "$dev" 2>/dev/null && removed=$((removed + 1))
    done
    for dev in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}' | grep '^br-'); do
        ip -o link show master "$dev" 2>/dev/null | grep -q . && continue  # something attached: in use
        ip link del "$dev" 2>/dev/null && removed=$((removed + 1))
    done
    ((removed == 0)) || svc_log "removed $removed network namespace(s), veth(s) and bridge(s) a stopped dockerd left behind"
}

# The machine's dockerd on /var/run/docker.sock: used when it answers, started otherwise (then
# DOCKERD_PID is set and svc_stop_dockerd stops it).
svc_start_system_dockerd() {
    local socket=/var/run/docker.sock
    if svc_docker_ping "$socket"; then
        svc_log "using the running docker daemon"
        return
    fi
    svc_clear_stale_pidfile /var/run/docker.pid dockerd
    svc_clear_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
    svc_clear_stale_docker_network_state
    svc_log "starting dockerd (vfs), log in $WORK_DIR/dockerd.log"
    svc_launch_dockerd "$socket" && { svc_log "dockerd ready"; return; }
    # Docker 20.10 panics at start (libnetwork reservePools: "index out of range") when its
    # network store holds a network whose creation was cut short, e.g. by a machine stopped
    # while engines' networks were being made. Nothing but networks lives in that file, and the
    # tests make the ones they need: set it aside and start once more.
    if grep -q 'libnetwork' "$WORK_DIR/dockerd.log" && grep -q '^panic:' "$WORK_DIR/dockerd.log"; then
        grep -m1 '^panic:' "$WORK_DIR/dockerd.log" >&2
        svc_log "dockerd's network store is corrupt; moving $SVC_DOCKER_NETWORK_DB aside and retrying"
        mv "$SVC_DOCKER_NETWORK_DB" "$WORK_DIR/local-kv.db.corrupt"
        svc_clear_stale_pidfile /var/run/docker.pid dockerd
        svc_clear_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
        svc_launch_dockerd "$socket" && { svc_log "dockerd ready"; return; }
    fi
    grep -m1 -A12 '^panic:' "$WORK_DIR/dockerd.log" >&2 || true
    tail -n 20 "$WORK_DIR/dockerd.log" >&2 || true
    svc_die "dockerd did not answer on $socket"
}

# svc_stop_dockerd: stops the dockerd this run started (TERM, 20 s, then KILL). A private
# daemon's pidfile names its current pid (scripts/chaos restarts it).
svc_stop_dockerd() {
    [[ -n $DOCKERD_PID ]] || return 0
    if [[ -s $WORK_DIR/dockerd.pid ]] && kill -0 "$(cat "$WORK_DIR/dockerd.pid")" 2>/dev/null; then
        DOCKERD_PID=$(cat "$WORK_DIR/dockerd.pid")
    fi
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$DOCKERD_PID" 2>/dev/null || true
    DOCKERD_PID=""
}

# ---------------------------------------------------------------- engine image
# The label bap.image-inputs of IMAGE in the daemon on SOCKET ("" when it has no such image).
svc_image_inputs() {
    curl -sf --unix-socket "$1" "http://localhost/images/$2/json" 2>/dev/null |
        python3 -c 'import json,sys; print(((json.load(sys.stdin).get("Config") or {}).get("Labels") or {}).get("bap.image-inputs",""))' 2>/dev/null || true
}

# The file scripts/test saves the engine image to, for the image built from inputs hash $1.
svc_engine_image_cache() { printf '%s/bap-engine/engine-image-%s.tar' "${XDG_CACHE_HOME:-$HOME/.cache}" "$1"; }

# svc_save_engine_image SOCKET IMAGE HASH: keeps the image in the cache file (only the newest).
svc_save_engine_image() {
    local cache dir
    cache=$(svc_engine_image_cache "$3")
    [[ -s $cache ]] && return 0
    dir=$(dirname "$cache")
    mkdir -p "$dir"
    find "$dir" -maxdepth 1 -name "engine-image-*.tar" ! -name "$(basename "$cache")" -delete
    if curl -sf --unix-socket "$1" "http://localhost/images/$2/get" -o "$cache.$$"; then
        mv "$cache.$$" "$cache"
        svc_log "saved $2 to $cache for scripts/chaos and scripts/bench"
    else
        rm -f "$cache.$$"
        svc_log "warning: could not save $2 to $cache (chaos and bench will build it)"
    fi
}

# svc_ensure_engine_image SOCKET IMAGE: the image built from these sources in the daemon on
# SOCKET — loaded from the cache file, copied from the machine's dockerd, or built (in that
# order); then saved to the cache file.
svc_ensure_engine_image() {
    local socket=$1 image=$2 want have cache
    want=$("$REPO_ROOT/scripts/build-engine-image" --inputs-hash)
    have=$(svc_image_inputs "$socket" "$image")
    if [[ $have != "$want" ]]; then
        [[ -n $have ]] && svc_log "$image was built from other sources ($have, now $want)"
        cache=$(svc_engine_image_cache "$want")
        if [[ -s $cache ]]; then
            svc_log "loading $image (inputs $want) from $cache"
            curl -sf --unix-socket "$socket" -X POST -H 'Content-Type: application/x-tar' \
                --data-binary "@$cache" "http://localhost/images/load?quiet=1" >"$WORK_DIR/image.log" 2>&1 ||
                svc_log "could not load $cache"
            have=$(svc_image_inputs "$socket" "$image")
        fi
    fi
    if [[ $have != "$want" && $socket != /var/run/docker.sock &&
        $(svc_image_inputs /var/run/docker.sock "$image") == "$want" ]]; then
        svc_log "copying $image (inputs $want) from the machine's dockerd"
        curl -sf --unix-socket /var/run/docker.sock "http://localhost/images/$image/get" |
            curl -sf --unix-socket "$socket" -X POST -H 'Content-Type: application/x-tar' --data-binary @- \
                "http://localhost/images/load?quiet=1" >"$WORK_DIR/image.log" 2>&1 || svc_log "could not copy it"
        have=$(svc_image_inputs "$socket" "$image")
    fi
    if [[ $have != "$want" ]]; then
        svc_log "building $image (scripts/build-engine-image, log $WORK_DIR/image-build.log)"
        DOCKER_HOST="unix://$socket" "$REPO_ROOT/scripts/build-engine-image" "$image" >"$WORK_DIR/image-build.log" 2>&1 ||
            { tail -n 20 "$WORK_DIR/image-build.log" >&2; svc_die "scripts/build-engine-image"; }
    fi
    svc_save_engine_image "$socket" "$image" "$want"
}
