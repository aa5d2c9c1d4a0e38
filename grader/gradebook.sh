#!/usr/bin/env bash
# gradebook.sh — note un dossier de copies d'étudiants et écrit un carnet de notes CSV.
#
# Usage: gradebook.sh SUBMISSIONS_DIR OUT_CSV
# Each sub-folder of SUBMISSIONS_DIR is one student's copy (a repository with
# labs/, or a bare labs/ folder), named after the student. The CSV (RFC 4180,
# comma-separated, UTF-8) has one row per student: a column per lab, total,
# max, and a remark; each student's French report is kept beside it, in
# OUT_CSV's folder, as NAME.txt, to hand back. Environment as grade.sh.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# = 2 ] || { echo "usage : gradebook.sh DOSSIER_DES_COPIES FICHIER.csv" >&2; exit 3; }
subs=$1 out=$2
[ -d "$subs" ] || { echo "gradebook: dossier introuvable : $subs" >&2; exit 3; }
reports=$(dirname "$out")/rapports
mkdir -p "$reports" || exit 3

labs=() maxes=()
for f in "$ROOT"/grader/tests/[0-9][0-9]_*.bats; do
    b=${f##*/}
    labs+=("${b%.bats}")
    maxes+=("$(python3 "$ROOT/grader/lib/rubric.py" tsv "$f" | awk -F'\t' '{ s += $1 } END { print s + 0 }')")
done

# A field quoted when it holds a comma, a quote or a line break.
csv() {
    local f=$1
    case $f in
    *[,\"$'\n']*) f=\"${f//\"/\"\"}\" ;;
    esac
    printf '%s' "$f"
}

tmp=$(mktemp "$out.XXXXXX") || exit 3
trap 'rm -f "$tmp" "$tmp.summary"' EXIT
{
    printf 'etudiant'
    for l in "${labs[@]}"; do printf ',%s' "$(csv "$l")"; done
    printf ',total,max,remarque\n'
} >"$tmp"

count=0
for dir in "$subs"/*/; do
    [ -d "$dir" ] || continue
    dir=${dir%/}
    name=$(basename "$dir")
    count=$((count + 1))
    echo "Notation de la copie : $name" >&2
    : >"$tmp.summary"
    NO_COLOR=1 bash "$ROOT/grader/grade.sh" --tree "$dir" --summary "$tmp.summary" all \
        >"$reports/$name.txt" 2>&1
    rc=$?
    remark=
    case $rc in
    0) ;;
    3) remark=$(tail -n 1 "$reports/$name.txt") ;;
    *) remark="notation interrompue (code $rc)" ;;
    esac
    total=0 max=0 row=$(csv "$name") i=0
    for l in "${labs[@]}"; do
        # An ungraded lab (no copy at all) is 0 out of the rubric's total.
        pts=$(awk -F'\t' -v n="${l%%_*}" '$1 == n { print $2 }' "$tmp.summary")
        row+=",${pts:-0}"
        total=$((total + ${pts:-0})); max=$((max + ${maxes[i]}))
        i=$((i + 1))
    done
    printf '%s,%d,%d,%s\n' "$row" "$total" "$max" "$(csv "$remark")" >>"$tmp"
done
mv -f "$tmp" "$out" || exit 3
echo "Carnet de notes ($count copies) : $out ; rapports individuels : $reports/" >&2
