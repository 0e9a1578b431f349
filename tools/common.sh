# Shared by tools/demo.sh, tools/test.sh and bench/run.sh (sourced, not run).
#
# Installs what is missing, builds and installs the extension, and runs a
# throwaway PostgreSQL cluster as the unprivileged user "postgres" (the server
# refuses to run as root) in a fresh directory under /tmp.  Clients run as
# the calling user and reach it through the Unix socket in that directory.

set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}
export PG_CONFIG=$PG_BIN/pg_config
export PATH=$PG_BIN:$PATH
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PACKAGES=(make gcc "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR"
          "postgresql-$PG_MAJOR-pgtap" libtap-parser-sourcehandler-pgtap-perl)
# PostgreSQL's headers trigger these; everything else is an error.
WARNINGS="-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers"

say() { printf '\n== %s\n' "$*" >&2; }

# Re-run the calling script as root through sudo when needed.
need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "run this as root (sudo is not installed)" >&2; exit 1; }
        exec sudo -E bash "$0" "$@"
    fi
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Serialises "install into the server's directories, then test" between
# several checkouts on one machine, so no run loads another tree's library.
# One lock per server installation (Debian's, the debug build).
lock_install() {
    local lock=/tmp/retention-install.lock
    [ "$PG_BIN" = "/usr/lib/postgresql/$PG_MAJOR/bin" ] ||
        lock=/tmp/retention-install.$(printf '%s' "$PG_BIN" | md5sum | cut -c1-12).lock
    [ "${RETENTION_LOCK_HELD:-}" = "$lock" ] && return   # a calling script holds it
    exec 9>"$lock"
    flock 9
    export RETENTION_LOCK_HELD=$lock
}

build_and_install() {
    say "building with $WARNINGS"
    make -C "$TOP" -s clean >/dev/null
    make -C "$TOP" -s COPT="$WARNINGS ${EXTRA_COPT:-}" >/dev/null
    make -C "$TOP" -s install >/dev/null
}

# A port on 127.0.0.1 that nothing listens on.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 20000))
        (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null || { echo $port; return; }
    done
}

# cluster_new [postgresql.conf lines...]: initdb + start a cluster in a new
# directory, listening on its Unix socket and on 127.0.0.1 (postgres trusted,
# other roles by password); sets NEW_CLUSTER_DIR and NEW_CLUSTER_PORT.
CLUSTER_DIRS=()
cluster_new() {
    NEW_CLUSTER_DIR=$(mktemp -d /tmp/retention-cluster.XXXXXX)
    NEW_CLUSTER_PORT=$(free_port)
    CLUSTER_DIRS+=("$NEW_CLUSTER_DIR")
    trap cluster_stop EXIT
    chown postgres: "$NEW_CLUSTER_DIR"
    chmod 755 "$NEW_CLUSTER_DIR"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$NEW_CLUSTER_DIR/data" -U postgres -A trust \
        --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $NEW_CLUSTER_PORT"
        echo "unix_socket_directories = '$NEW_CLUSTER_DIR'"
        echo "fsync = off"
        echo "max_parallel_workers_per_gather = 2"
        local line
        for line in "$@"; do echo "$line"; done
    } >>"$NEW_CLUSTER_DIR/data/postgresql.conf"
    printf '%s\n' 'local all all trust' 'host all postgres 127.0.0.1/32 trust' \
        'host all all 127.0.0.1/32 scram-sha-256' >"$NEW_CLUSTER_DIR/data/pg_hba.conf"
    # 9>&-: the server must not inherit (and so keep holding) the install lock
    if [ -z "${UNDER_VALGRIND:-}" ]; then
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$NEW_CLUSTER_DIR/data" \
            -l "$NEW_CLUSTER_DIR/server.log" -w start >/dev/null 9>&-
        return
    fi
    # memcheck on the postmaster and every backend it forks; one log per process
    local supp=()
    [ -f "$PG_BIN/../valgrind.supp" ] && supp=(--suppressions="$PG_BIN/../valgrind.supp")
    runuser -u postgres -- bash -c "valgrind --quiet --trace-children=yes --leak-check=no \
        --num-callers=30 ${supp[*]} \
        --log-file='$NEW_CLUSTER_DIR/valgrind.%p.log' \
        '$PG_BIN/postgres' -D '$NEW_CLUSTER_DIR/data' >'$NEW_CLUSTER_DIR/server.log' 2>&1 &" 9>&-
    local _
    for _ in $(seq 1 180); do
        "$PG_BIN/pg_isready" -q -h "$NEW_CLUSTER_DIR" -p "$NEW_CLUSTER_PORT" && return
        sleep 1
    done
    cat "$NEW_CLUSTER_DIR/server.log" >&2
    return 1
}

# cluster_start [postgresql.conf lines...]: the main throwaway cluster, which
# PGHOST, PGPORT etc. point at.
cluster_start() {
    cluster_new "$@"
    CLUSTER_DIR=$NEW_CLUSTER_DIR
    export PGHOST=$CLUSTER_DIR PGPORT=$NEW_CLUSTER_PORT PGUSER=postgres PGDATABASE=postgres
}

cluster_stop() {
    local dir
    for dir in "${CLUSTER_DIRS[@]}"; do
        runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -t 120 stop \
            >/dev/null 2>&1 || true
        rm -rf "$dir"
    done
    CLUSTER_DIRS=()
}

# pg_regress and the pgTAP files (in a database of their own) against the
# cluster PGHOST etc. point at; fails if either fails.  With
# CONCURRENT_SUITES=1 the two run at the same time (valgrind runs use both
# cores so); PROVE_JOBS runs that many pgTAP files at once.
run_regress_and_tap() {
    local status=0 regress_pid=
    say "pg_regress and pgTAP ($("$PG_CONFIG" --version))"
    psql -q -X -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS retention_tap' -c 'CREATE DATABASE retention_tap'
    psql -q -X -d retention_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION retention'
    if [ -n "${CONCURRENT_SUITES:-}" ]; then
        make -C "$TOP" -s installcheck >"$TOP/regression.log" 2>&1 &
        regress_pid=$!
    elif ! make -C "$TOP" -s installcheck; then
        status=1
        [ -f "$TOP/regression.diffs" ] && cat "$TOP/regression.diffs"
    fi
    pg_prove -j "${PROVE_JOBS:-1}" -d retention_tap --failures "$TOP"/test/pgtap/*.sql || status=1
    if [ -n "$regress_pid" ]; then
        if ! wait "$regress_pid"; then
            status=1
            [ -f "$TOP/regression.diffs" ] && cat "$TOP/regression.diffs"
        fi
        cat "$TOP/regression.log"
    fi
    return $status
}

# build_and_start [postgresql.conf lines...]: what every script that tests
# this tree does first -- install the missing packages (PACKAGES, to which a
# script may add), take the install lock, build and install this tree, and
# start the main throwaway cluster.
build_and_start() {
    install_packages
    lock_install
    build_and_install
    cluster_start "$@"
}

# Fails if any backend died of a signal (a crash restarts the whole server).
check_server_log() {
    if cat "${CLUSTER_DIRS[@]/%//server.log}" |
        grep -E 'terminated by signal|server process .* was terminated|TRAP:'; then
        echo "FAILED: the server log shows a crashed backend" >&2
        return 1
    fi
}
