#!/bin/sh
# usage: npm-fetch.sh <package> <version> <folder>
# Downloads one package from the npm registry the way npm does, without npm
# (the image has no Node yet): reads the version's dist.tarball and
# dist.integrity (sha512), refuses a tarball whose digest differs, unpacks it
# into <folder>. TLS is verified against the image's trust store, which holds
# the optional extra CAs of docker/certs/.
set -eu
name="$1" version="$2" dest="$3"
registry="${NPM_REGISTRY:-https://registry.npmjs.org}"
work="$(mktemp -d)"
curl -fsSL --retry 3 -o "$work/meta.json" "$registry/$name/$version"
tarball="$(grep -o '"tarball": *"[^"]*"' "$work/meta.json" | head -n 1 | sed 's/.*"\(http[^"]*\)"$/\1/')"
integrity="$(grep -o '"integrity": *"sha512-[^"]*"' "$work/meta.json" | head -n 1 | sed 's/.*"sha512-\([^"]*\)"$/\1/')"
[ -n "$tarball" ] && [ -n "$integrity" ] || { echo "no tarball/integrity for $name@$version" >&2; exit 1; }
curl -fsSL --retry 3 -o "$work/package.tgz" "$tarball"
expected="$(printf '%s' "$integrity" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
actual="$(sha512sum "$work/package.tgz" | cut -d ' ' -f 1)"
[ "$expected" = "$actual" ] || { echo "$name@$version: sha512 mismatch" >&2; exit 1; }
mkdir -p "$dest"
tar -xzf "$work/package.tgz" -C "$dest" --strip-components=1 --no-same-owner
rm -rf "$work"
