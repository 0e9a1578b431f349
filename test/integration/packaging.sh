#!/usr/bin/env bash
# Packaging: META.json is valid PGXN metadata in step with the control file,
# and `make dist` builds a release archive that contains what a build needs.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$top/retention.control")
/usr/bin/python3 - "$top/META.json" "$version" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))
version = sys.argv[2]
for key in ("name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"):
    assert key in meta, f"META.json lacks {key}"
semver = version + ".0" * (2 - version.count("."))
assert meta["version"] == semver, f"META.json version {meta['version']} != control {semver}"
assert meta["provides"]["retention"]["version"] == semver, "provides.retention.version out of step"
assert meta["provides"]["retention"]["file"] == "sql/retention--0.1.sql", "provides.retention.file is the frozen install script"
PY
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s -C "$top" dist >/dev/null
archive="$work/retention-$version.tar.gz"
mv "$top/retention-$version.tar.gz" "$archive"
listing=$(tar tzf "$archive")
# the build files and every install and upgrade script
for file in Makefile retention.control README.md META.json src/retention.h $(cd "$top" && ls sql/retention--*.sql); do
    grep -qx "retention-$version/$file" <<<"$listing" || { echo "packaging: $file missing from $archive" >&2; exit 1; }
done
echo "packaging: META.json in step with retention.control ($version); make dist builds $(grep -vc '/$' <<<"$listing") files"
