#!/usr/bin/env bash
# The cost of shard partials on the coordinator (issue 18): bench/wire.sql in
# a throwaway cluster -- the size of 32 partial activity summaries in each
# text form and the time to parse and merge them, as a fraction of
# activity_agg over the same orders on one server.
#
#   bash bench/wire.sh [orders [rounds]]     (default 1,000,000 orders, 5 rounds)
source "$(dirname "$0")/../tools/common.sh"
need_root "$@"
ORDERS=${1:-1000000}
ROUNDS=${2:-5}
echo "bench/wire.sh $ORDERS $ROUNDS"
echo "code measured: $(git -C "$TOP" log -1 --format='%h %cs' -- src sql 2>/dev/null || echo unknown)" \
     "$(git -C "$TOP" status --porcelain -- src sql 2>/dev/null | grep -q . && echo '(with local changes)')"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GiB"
install_packages
lock_install
build_and_install
cluster_start "shared_buffers = '1GB'" "work_mem = '512MB'" "jit = off"
psql -q -X -c 'CREATE EXTENSION retention'
PGOPTIONS="-c wire.rounds=$ROUNDS" psql -X -q -v orders="$ORDERS" -f "$TOP/bench/wire.sql"
cluster_stop
