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
# One record per student, NUL-separated: NUMBER, NAME, REMARK (a folder name
# may hold any byte but / and NUL: tabs, line breaks, carriage returns).
: >"$work/students"
while IFS= read -r -d '' dir; do
    name=${dir##*/}
    count=$((count + 1))
    # What reaches a terminal or a file name: control characters made inert.
    shown=$(printf '%s' "$name" | python3 "$ROOT/grader/lib/report.py" inert --one-line)
    remark=
    : >"$work/$count.summary"
    if [ -L "$dir" ]; then
        remark="lien symbolique : copie non notée (seuls les vrais dossiers le sont)"
        echo "Copie ignorée (lien symbolique) : $shown" >&2
        echo "$remark" >"$reports/$shown.txt"
    elif [ ! -d "$dir" ]; then
        remark="pas un dossier : non noté"
        echo "Entrée ignorée (pas un dossier) : $shown" >&2
        echo "$remark" >"$reports/$shown.txt"
    else
        echo "Notation de la copie : $shown" >&2
        NO_COLOR=1 bash "$ROOT/grader/grade.sh" --tree "$dir" --summary "$work/$count.summary" all \
            >"$reports/$shown.txt" 2>&1
        rc=$?
        case $rc in
        0) ;;
        3) remark=$(tail -n 1 "$reports/$shown.txt") ;;
        130 | 143) echo "Notation interrompue." >&2; exit "$rc" ;;
        *) remark="notation interrompue (code $rc)" ;;
        esac
    fi
    printf '%s\0%s\0%s\0' "$count" "$name" "$remark" >>"$work/students"
done < <(find "$subs" -mindepth 1 -maxdepth 1 ! -name '.*' -print0 | sort -z)
python3 - "$work" "$out" "$ROOT/grader/lib" <<'PY' || exit 3
import csv, os, sys
work, out = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from report import clean_text
labs = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, "labs.tsv"), encoding="utf-8")]


def cell(value):
    """A CSV cell a spreadsheet shows as text: no control character, and
    nothing it would read as a formula (=, +, -, @ first)."""
    text = clean_text(str(value), one_line=True)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


raw = open(os.path.join(work, "students"), "rb").read().split(b"\0")
records = [raw[i:i + 3] for i in range(0, len(raw) - 1, 3)]
tmp = out + ".tmp"
with open(tmp, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["etudiant"] + [name for name, _ in labs] + ["total", "max", "remarque"])
    for num, student, remark in records:
        num = num.decode()
        student = student.decode("utf-8", "replace")
        remark = remark.decode("utf-8", "replace")
        got = {}
        for row in open(os.path.join(work, num + ".summary"), encoding="utf-8"):
            lab, pts, _mx, _mem = row.rstrip("\n").split("\t")
            got[lab] = int(pts)
        # An ungraded lab (no copy at all) is 0 out of the rubric's total.
        pts = [got.get(name[:2], 0) for name, _ in labs]
        w.writerow([cell(student)] + pts + [sum(pts), sum(int(m) for _, m in labs), cell(remark)])
os.replace(tmp, out)
PY
echo "Carnet de notes ($count copies) : $out ; rapports individuels : $reports/" >&2
