#!/usr/bin/env bash
# Builds (once) a PostgreSQL 15 server made to catch memory misuse, from
# Debian's source package of the host's server: --enable-cassert (assertions,
# memory-context checking, freed memory clobbered) and USE_VALGRIND (memory
# contexts tell valgrind which bytes of a block are allocated, so a read past
# a palloc'd chunk or of freed memory is reported).  Prints its bin directory.
#
#   PG_BIN=$(bash tools/debug_server.sh) bash tools/suite.sh
#
# Kept in $RETENTION_CACHE (default /var/cache/retention); built again when
# missing (about 6 minutes on 2 cores).  pgTAP, which is only SQL, is copied
# from Debian's package for this server.
source "$(dirname "$0")/common.sh"
need_root "$@"
exec 3>&1 1>&2              # only the bin directory goes to stdout

CACHE=${RETENTION_CACHE:-/var/cache/retention}
prefix=$CACHE/postgresql-15-debug

if [ ! -x "$prefix/.ready" ]; then
    install_packages dpkg-dev bison flex zlib1g-dev valgrind
    echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main' \
        >/etc/apt/sources.list.d/retention-deb-src.list
    apt-get update -qq
    work=$(mktemp -d /tmp/retention-pgsrc.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    say "building a debug PostgreSQL 15 from Debian's source package into $prefix"
    (cd "$work" && apt-get source -qq --download-only postgresql-15 &&
        dpkg-source -x --skip-patches ./*.dsc src >/dev/null)
    cd "$work/src"
    ./configure -q --prefix="$prefix" --enable-cassert --enable-debug \
        --without-readline --without-icu \
        CFLAGS="-O1 -g -fno-omit-frame-pointer -DUSE_VALGRIND" >/dev/null
    make -s -j"$(nproc)" >/dev/null 2>&1 || make -s
    make -s install >/dev/null
    cp /usr/share/postgresql/15/extension/pgtap* "$prefix/share/extension/"
    cp src/tools/valgrind.supp "$prefix/valgrind.supp"
    touch "$prefix/.ready"; chmod +x "$prefix/.ready"
fi
echo "$prefix/bin" >&3
