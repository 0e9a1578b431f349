#!/usr/bin/env bash
# Runs the core suite (tools/suite.sh: build with -Werror, install,
# pg_regress, pgTAP, crash check) on another PostgreSQL major version, in a
# Debian chroot made from Debian's packages of that version:
#
#   bash tools/chroot.sh 17     # Debian 13 (trixie): postgresql-17
#   bash tools/chroot.sh 18     # the next Debian release (forky): postgresql-18
#
# The chroots are kept in $RETENTION_CACHE (default /var/cache/retention)
# and made again when missing (about a minute each with a fast mirror).
# This checkout is copied into the chroot, so uncommitted changes are tested.
source "$(dirname "$0")/common.sh"
need_root "$@"

major=${1:?usage: tools/chroot.sh 17|18}
case $major in
    17) suite=trixie ;;
    18) suite=forky ;;
    *) echo "no Debian release packages PostgreSQL $major" >&2; exit 2 ;;
esac
CACHE=${RETENTION_CACHE:-/var/cache/retention}
root=$CACHE/chroot-$major

if [ ! -e "$root/.ready" ]; then
    install_packages mmdebstrap
    say "making a Debian $suite chroot with PostgreSQL $major in $root"
    rm -rf "$root" "$root.new"
    mkdir -p "$CACHE"
    # The registry's snapshot of forky has an expired Release file.
    mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
        --include="postgresql-$major,postgresql-server-dev-$major,postgresql-$major-pgtap,libtap-parser-sourcehandler-pgtap-perl,make,gcc,util-linux,procps" \
        "$suite" "$root.new" http://deb.debian.org/debian >"$CACHE/chroot-$major.log" 2>&1 ||
        { tail -20 "$CACHE/chroot-$major.log" >&2; exit 1; }
    touch "$root.new/.ready"
    mv "$root.new" "$root"
fi

# The server needs /proc and POSIX shared memory (parallel query).
unmount() { umount "$root/dev/shm" 2>/dev/null || true; umount "$root/proc" 2>/dev/null || true; }
trap unmount EXIT
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
mountpoint -q "$root/dev/shm" || mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"

rm -rf "$root/retention"
mkdir "$root/retention"
tar -C "$TOP" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude=results -cf - . |
    tar -C "$root/retention" -xf -

say "PostgreSQL $major (Debian $suite chroot)"
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    PG_MAJOR="$major" bash /retention/tools/suite.sh
