#!/usr/bin/env bash
# Re-runs test/btyd_reference.py (50-digit mpmath references, Debian's
# python3 with python3-mpmath) and fails unless its output is exactly the
# committed test/pgtap/btyd_reference.sql, so that the reference values the
# pgTAP file checks are the ones the script computes.
source "$(dirname "$0")/../tools/common.sh"
need_root "$@"
install_packages python3-mpmath
out=$(mktemp)
trap 'rm -f "$out"' EXIT
/usr/bin/python3 "$TOP/test/btyd_reference.py" >"$out"
if ! diff -u "$TOP/test/pgtap/btyd_reference.sql" "$out"; then
    echo "FAILED: test/pgtap/btyd_reference.sql differs from what test/btyd_reference.py computes" >&2
    exit 1
fi
echo "test/pgtap/btyd_reference.sql equals the output of test/btyd_reference.py"
