#!/usr/bin/env bash
# The regression suite with the server under valgrind (memcheck, following
# every backend).  Fails if any invalid read or write, use of uninitialised
# memory, or definite leak has a frame in the extension's library; errors
# wholly inside PostgreSQL (a build without valgrind annotations) are not
# ours and are only counted.
#
#   bash tools/valgrind.sh
source "$(dirname "$0")/common.sh"
need_root "$@"
install_packages valgrind
lock_install
EXTRA_COPT="-O1 -g" build_and_install

CLUSTER_DIR=$(mktemp -d /tmp/retention-cluster.XXXXXX)
PORT=$(free_port)
chown postgres: "$CLUSTER_DIR"
chmod 755 "$CLUSTER_DIR"
stop_server() {
    pkill -u postgres -f "valgrind.*$CLUSTER_DIR" || true
    sleep 2
    rm -rf "$CLUSTER_DIR"
}
trap stop_server EXIT
runuser -u postgres -- "$PG_BIN/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust --no-sync >/dev/null
runuser -u postgres -- bash -c "valgrind --quiet --trace-children=yes --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=30 \
    --log-file='$CLUSTER_DIR/valgrind.%p.log' \
    '$PG_BIN/postgres' -D '$CLUSTER_DIR/data' -c listen_addresses= -c port=$PORT \
    -c unix_socket_directories='$CLUSTER_DIR' -c fsync=off -c max_parallel_workers_per_gather=2 \
    >'$CLUSTER_DIR/server.log' 2>&1 &" 9>&-
export PGHOST=$CLUSTER_DIR PGPORT=$PORT PGUSER=postgres PGDATABASE=postgres
for _ in $(seq 1 120); do pg_isready -q && break; sleep 1; done
pg_isready -q || { cat "$CLUSTER_DIR/server.log"; exit 1; }

say "pg_regress under valgrind (slow)"
status=0
make -C "$TOP" -s installcheck || status=1
psql -X -q -c 'SELECT 1' >/dev/null   # let the last backends exit
sleep 5

say "valgrind reports"
# A frame is ours when it names the library or one of our source files.
ours_pattern="retention\\.so|\\(($(cd "$TOP/src" && ls *.c | sed 's/\./\\./' | paste -sd'|')):[0-9]+\\)"
total=$(cat "$CLUSTER_DIR"/valgrind.*.log | grep -cE '^==[0-9]+== [A-Z]' || true)
ours=$(cat "$CLUSTER_DIR"/valgrind.*.log | OURS=$ours_pattern awk '
    BEGIN { ours = ENVIRON["OURS"] }
    /^==[0-9]+== [A-Z]/ { if (record ~ ours) { n++; printf "%s", record > "/dev/stderr" } record = "" }
    { record = record $0 "\n" }
    END { if (record ~ ours) { n++; printf "%s", record > "/dev/stderr" } print n + 0 }')
echo "valgrind: $total reports in all, $ours with a frame in the extension"
[ "$ours" = 0 ] || status=1
exit $status
