#!/usr/bin/env bash
# gen_skeletons.sh — produit les squelettes étudiants (labs/) à partir de solutions/.
# Usage: gen_skeletons.sh SOLUTIONS_DIR OUT_DIR
# C sources and headers, at any depth, lose their solution regions
# (grader/lib/strip.awk); every other file (the statement README.md, test
# fixtures…) is copied as is. OUT_DIR's lab folders are rebuilt whole.
set -eu
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$1 out=$2
[ -d "$src" ] || { echo "gen_skeletons: $src introuvable" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/skel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for lab in "$src"/[0-9][0-9]_*/; do
    lab=${lab%/}
    name=${lab##*/}
    cp -R "$lab" "$tmp/$name"
    while IFS= read -r -d '' f; do
        awk -f "$here/lib/strip.awk" "$f" >"$f.skel" && mv "$f.skel" "$f"
    done < <(find "$tmp/$name" -type f \( -name '*.c' -o -name '*.h' \) -print0)
done
mkdir -p "$out"
for lab in "$out"/[0-9][0-9]_*/; do
    [ -d "$lab" ] && rm -rf "$lab"
done
cp -R "$tmp"/. "$out"/
