#!/usr/bin/env bash
# gen_skeletons.sh — produit les squelettes étudiants (labs/) à partir de solutions/.
# Usage: gen_skeletons.sh SOLUTIONS_DIR OUT_DIR
# C sources lose their solution regions (grader/lib/strip.awk); every other
# file (the statement README.md…) is copied as is. OUT_DIR is rebuilt whole.
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$1 out=$2
[ -d "$src" ] || { echo "gen_skeletons: $src introuvable" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/skel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for lab in "$src"/[0-9][0-9]_*/; do
    lab=${lab%/}
    name=${lab##*/}
    mkdir -p "$tmp/$name"
    for f in "$lab"/*; do
        case $f in
        *.c | *.h) awk -f "$here/lib/strip.awk" "$f" >"$tmp/$name/${f##*/}" ;;
        *) cp "$f" "$tmp/$name/" ;;
        esac
    done
done
mkdir -p "$out"
for lab in "$out"/[0-9][0-9]_*/; do
    [ -d "$lab" ] && rm -rf "$lab"
done
cp -R "$tmp"/. "$out"/
