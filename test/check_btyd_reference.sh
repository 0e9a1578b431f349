#!/usr/bin/env bash
# Re-runs the reference generators (mpmath at 50 and 60 digits, Debian's
# python3 with python3-mpmath) and fails unless their output is exactly the
# committed pgTAP files, so that the reference values the tests check are
# the ones the scripts compute:
#   test/btyd_reference.py        -> test/pgtap/btyd_reference.sql (BG/NBD)
#   test/btyd_family_reference.py -> test/pgtap/btyd_family_reference.sql
#                                    (Pareto/NBD, MBG/NBD, BG/BB; about 15 s)
source "$(dirname "$0")/../tools/common.sh"
need_root "$@"
install_packages python3-mpmath
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
for name in btyd_reference btyd_family_reference; do
    /usr/bin/python3 "$TOP/test/$name.py" >"$out"
    if ! diff -u "$TOP/test/pgtap/$name.sql" "$out"; then
        echo "FAILED: test/pgtap/$name.sql differs from what test/$name.py computes" >&2
        status=1
    else
        echo "test/pgtap/$name.sql equals the output of test/$name.py"
    fi
done
exit $status
