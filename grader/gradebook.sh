#!/usr/bin/env bash
# gradebook.sh — note un dossier de copies d'étudiants et écrit un carnet de notes CSV.
#
# Usage: gradebook.sh SUBMISSIONS_DIR OUT_CSV
# Each sub-folder of SUBMISSIONS_DIR is one student's copy (a repository with
# labs/, or a bare labs/ folder), named after the student. The CSV (RFC 4180,
# comma-separated, UTF-8, written by python3's csv module) has one row per
# student: a column per lab, total, max, and a remark; each student's French
# report is kept beside it, in OUT_CSV's folder, as rapports/NAME.txt, to
# hand back. Environment as grade.sh.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# = 2 ] || { echo "usage : gradebook.sh DOSSIER_DES_COPIES FICHIER.csv" >&2; exit 3; }
subs=$1 out=$2
[ -d "$subs" ] || { echo "gradebook: dossier introuvable : $subs" >&2; exit 3; }
reports=$(dirname "$out")/rapports
mkdir -p "$reports" || exit 3
work=$(mktemp -d "${TMPDIR:-/tmp}/gradebook.XXXXXX") || exit 3
trap 'rm -rf "$work"' EXIT
trap 'echo "Notation interrompue." >&2; exit 130' INT
trap 'echo "Notation interrompue." >&2; exit 143' TERM
bash "$ROOT/grader/grade.sh" --labs >"$work/labs.tsv" || exit 3

count=0
: >"$work/students.tsv"
for dir in "$subs"/*/; do
    [ -d "$dir" ] || continue
    dir=${dir%/}
    name=$(basename "$dir")
    count=$((count + 1))
    echo "Notation de la copie : $name" >&2
    : >"$work/$count.summary"
    NO_COLOR=1 bash "$ROOT/grader/grade.sh" --tree "$dir" --summary "$work/$count.summary" all \
        >"$reports/$name.txt" 2>&1
    rc=$?
    remark=
    case $rc in
    0) ;;
    3) remark=$(tail -n 1 "$reports/$name.txt") ;;
    130 | 143) echo "Notation interrompue." >&2; exit "$rc" ;;
    *) remark="notation interrompue (code $rc)" ;;
    esac
    # One record per student: its number, its name, the remark (no tab or
    # line break can come from a folder name read this way).
    printf '%s\t%s\t%s\n' "$count" "${name//[$'\t\n']/ }" "${remark//[$'\t\n']/ }" >>"$work/students.tsv"
done
python3 - "$work" "$out" <<'PY' || exit 3
import csv, os, sys
work, out = sys.argv[1], sys.argv[2]
labs = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, "labs.tsv"), encoding="utf-8")]
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["etudiant"] + [name for name, _ in labs] + ["total", "max", "remarque"])
    for line in open(os.path.join(work, "students.tsv"), encoding="utf-8"):
        num, student, remark = line.rstrip("\n").split("\t")
        got = {}
        for row in open(os.path.join(work, num + ".summary"), encoding="utf-8"):
            lab, pts, _mx, _mem = row.rstrip("\n").split("\t")
            got[lab] = int(pts)
        # An ungraded lab (no copy at all) is 0 out of the rubric's total.
        pts = [got.get(name[:2], 0) for name, _ in labs]
        w.writerow([student] + pts + [sum(pts), sum(int(m) for _, m in labs), remark])
os.replace(tmp, out)
PY
echo "Carnet de notes ($count copies) : $out ; rapports individuels : $reports/" >&2
