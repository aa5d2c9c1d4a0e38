#!/usr/bin/env bash
# selftest.sh — « make test » : prouve que la suite elle-même est juste.
#
# Checks, each counted once in the closing "N passed, N failed" line:
#  - every program builds with warnings as errors, with gcc and with clang;
#  - common/'s unit tests (one check per test), also under valgrind;
#  - the fakes' own self-check;
#  - each rubric matches its bats file and totals 100;
#  - labs/ is exactly what gen_skeletons.sh makes of solutions/;
#  - the reference scores 100/100 on every lab, memory tests included;
#  - every skeleton compiles and does not score full marks;
#  - every mutant compiles and loses points (it is caught);
#  - the grader: JSON report, compile failure, strict exit code,
#    concurrent runs, interruption leaving no process behind, the CSV
#    gradebook, the students' archive (make dist).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
PASSED=0 FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/selftest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'echo "make test interrompu" >&2; exit 130' INT TERM
export NO_COLOR=1
# One seed for every grade of this run: a failure replays with SEED=.
SEED=${SEED:-$(((RANDOM << 15 | RANDOM) % 1000000))}
export SEED
echo "Graine des données aléatoires : $SEED (rejouer : make test SEED=$SEED)"

pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$1"; }
fail() {
    FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$1"
    [ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/     | /' "$2" | tail -n "${3:-25}"
    return 0
}
# check NAME CMD… — one check: the command must succeed.
check() {
    local name=$1 log=$WORK/check.log
    shift
    if "$@" >"$log" 2>&1; then pass "$name"; else fail "$name" "$log"; fi
}
section() { printf '\n== %s ==\n' "$1"; }
elapsed() { echo "$((SECONDS - $1)) s"; }

# Fails when valgrind or a self-test tool is missing and cannot be installed.
SELFTEST=1 bash grader/deps.sh || { echo "0 passed, 1 failed"; exit 1; }

section "Compilation (-Werror)"
t0=$SECONDS
check "compilation avec gcc" make -s BUILD="$WORK/gcc" CC=gcc all
if command -v clang >/dev/null; then
    check "compilation avec clang" make -s BUILD="$WORK/clang" CC=clang all
else
    fail "compilation avec clang : clang absent (sudo apt-get install -y clang)"
fi
B=$WORK/gcc
check "analyse statique (cppcheck) de common/, solutions/ et des faux pairs" \
    cppcheck --quiet --enable=warning,portability,performance --std=c11 \
    -D_POSIX_C_SOURCE=200809L -I common --error-exitcode=1 \
    common/*.c common/tests/*.c solutions/*/*.c grader/fakes/*.c
echo "   ($(elapsed "$t0"))"

section "Tests unitaires de common/"
if [ -x "$B/common/tests/test_common" ]; then
    "$B/common/tests/test_common" >"$WORK/unit.tap" 2>&1
    unit_rc=$?
    while IFS= read -r line; do
        case $line in
        "ok "*) pass "common: ${line#ok * - }" ;;
        "not ok "*) fail "common: ${line#not ok * - }" ;;
        "# "*) ((FAILED)) && echo "     | ${line#\# }" ;;
        esac
    done <"$WORK/unit.tap"
    grep -q '^1\.\.[0-9]' "$WORK/unit.tap" && [ "$unit_rc" = 0 ] ||
        fail "common: le programme de test s'est terminé anormalement (code $unit_rc)" "$WORK/unit.tap"
    valgrind_common() {
        valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --error-exitcode=99 "$B/common/tests/test_common" >/dev/null
    }
    check "common: tests unitaires sans erreur sous valgrind" valgrind_common
else
    fail "common: test_common non compilé"
fi

section "Faux pairs du correcteur"
bash grader/fakes/test_fakes.sh >"$WORK/fakes.log" 2>&1
fakes_rc=$?
while IFS= read -r line; do
    case $line in
    "ok   "*) pass "faux pairs : ${line#ok   }" ;;
    "FAIL "*) fail "faux pairs : ${line#FAIL }" ;;
    esac
done <"$WORK/fakes.log"
[ "$fakes_rc" = 0 ] || fail "faux pairs : grader/fakes/test_fakes.sh a échoué (code $fakes_rc)" "$WORK/fakes.log"

section "Barèmes"
rubric_ok() {
    local bats=$1 rubric=${1%.bats}.rubric
    [ -f "$rubric" ] || { echo "barème absent : $rubric"; return 1; }
    diff <(sed -n 's/^@test "\(.*\)" {$/\1/p' "$bats" | sort) \
        <(awk -F'\t' '!/^[ \t]*(#|$)/ { print $2 }' "$rubric" | sort) ||
        { echo "les noms des tests et du barème diffèrent (< tests, > barème)"; return 1; }
    local total
    total=$(awk -F'\t' '!/^[ \t]*(#|$)/ { s += $1 } END { print s + 0 }' "$rubric")
    [ "$total" = 100 ] || { echo "total du barème : $total au lieu de 100"; return 1; }
    awk -F'\t' '!/^[ \t]*(#|$)/ && $3 == "" { print "indice manquant : " $2; bad = 1 } END { exit bad }' "$rubric" || return 1
    # The statement's table of graded tests must name the same tests.
    local b=${bats##*/} statement name missing=0
    statement=solutions/${b%.bats}/README.md
    while IFS=$'\t' read -r _ name _; do
        grep -qF -- "$name" "$statement" || { echo "absent de $statement : $name"; missing=1; }
    done < <(grep -v '^[[:space:]]*#' "$rubric" | grep -v '^[[:space:]]*$')
    return $missing
}
for f in grader/tests/[0-9][0-9]_*.bats; do
    check "barème de ${f##*/} : mêmes tests, total 100, un indice par test, tous dans l'énoncé" rubric_ok "$f"
done

section "Squelettes (labs/) à jour"
labs_in_sync() {
    bash grader/gen_skeletons.sh solutions "$WORK/skel" &&
        diff -r labs "$WORK/skel"
}
check "labs/ est à jour (make skeletons)" labs_in_sync

section "Référence : solutions/ à 100/100, tests mémoire compris"
t0=$SECONDS
: >"$WORK/sol.tsv"
bash grader/grade.sh --quiet --tree solutions --summary "$WORK/sol.tsv" all >"$WORK/sol.log" 2>&1
for f in grader/tests/[0-9][0-9]_*.bats; do
    b=${f##*/}; n=${b%%_*}
    row=$(awk -F'\t' -v n="$n" '$1 == n' "$WORK/sol.tsv")
    IFS=$'\t' read -r _ pts max mem <<<"$row"
    if [ "${pts:-}" = 100 ] && [ "${max:-}" = 100 ] && [ "${mem:-}" = OK ]; then
        pass "solution du lab $n : 100/100, mémoire OK"
    else
        bash grader/grade.sh --tree solutions "$n" >"$WORK/sol.$n.log" 2>&1
        fail "solution du lab $n : ${pts:-?}/${max:-?}, mémoire ${mem:-?}" "$WORK/sol.$n.log" 60
    fi
done
echo "   ($(elapsed "$t0"))"

section "Squelettes : compilent et n'ont pas tous les points"
: >"$WORK/skel.tsv"
bash grader/grade.sh --quiet --tree labs --summary "$WORK/skel.tsv" all >"$WORK/skel.log" 2>&1
for f in grader/tests/[0-9][0-9]_*.bats; do
    b=${f##*/}; n=${b%%_*}
    IFS=$'\t' read -r _ pts max _ <<<"$(awk -F'\t' -v n="$n" '$1 == n' "$WORK/skel.tsv")"
    built=1
    for c in labs/"${n}"_*/*.c; do
        c=${c%.c}
        [ -x "$B/$c" ] || built=0
    done
    if ((built)) && [ -n "${pts:-}" ] && ((pts < max)); then
        pass "squelette du lab $n : compile, $pts/$max"
    else
        fail "squelette du lab $n : ${pts:-?}/${max:-?}" "$WORK/skel.log"
    fi
done

section "Mutants : chaque variante fautive perd des points"
t0=$SECONDS
run_mutant() {
    local patch=$1 lab name dir
    lab=$(basename "$(dirname "$patch")"); name=$(basename "$patch" .patch)
    dir=$WORK/mutants/$lab.$name
    mkdir -p "$dir"
    cp -R "solutions/$lab" "$dir/"
    local start=$SECONDS
    {
        echo "mutant $lab/$name : $(head -n 1 "$patch")"
        if ! patch -s -p1 -d "$dir" <"$patch"; then echo "RESULT patch"; return; fi
        local c
        for c in "$dir/$lab"/*.c; do
            make -s BUILD="$dir/build" prog SRC="$c" OUT="$dir/build/x" || { echo "RESULT compile"; return; }
        done
        # Failing one test is enough: valgrind only for the mutants that pass
        # every other test (memory bugs), to keep make test short.
        : >"$dir/summary"
        NOVALGRIND=1 bash grader/grade.sh --tree "$dir" --summary "$dir/summary" \
            "${lab%%_*}" >"$dir/quick.log" 2>&1
        cat "$dir/quick.log"
        if ! grep -q '✗' "$dir/quick.log"; then
            : >"$dir/summary"
            bash grader/grade.sh --tree "$dir" --summary "$dir/summary" "${lab%%_*}"
        fi
        echo "RESULT $(cut -f2,3 "$dir/summary")"
    } >"$dir/log" 2>&1
    echo "$((SECONDS - start))" >"$dir/seconds"
}
export -f run_mutant
export WORK
ls grader/mutants/*/*.patch | xargs -P "$JOBS" -I{} bash -c 'run_mutant "$@"' _ {}
for patch in grader/mutants/*/*.patch; do
    lab=$(basename "$(dirname "$patch")"); name=$(basename "$patch" .patch)
    log=$WORK/mutants/$lab.$name/log
    result=$(sed -n 's/^RESULT //p' "$log" 2>/dev/null)
    what="mutant $lab/$name ($(sed -n '1s/^Mutant : //p' "$patch"))"
    case $result in
    patch) fail "$what : le patch ne s'applique plus" "$log" ;;
    compile) fail "$what : ne compile pas (un mutant doit compiler)" "$log" ;;
    *$'\t'*)
        IFS=$'\t' read -r pts max <<<"$result"
        if ((pts < max)); then pass "$what : attrapé ($pts/$max, $(cat "$WORK/mutants/$lab.$name/seconds") s)"; else fail "$what : NON attrapé ($pts/$max)" "$log"; fi ;;
    *) fail "$what : pas de résultat" "$log" ;;
    esac
done
echo "   ($(elapsed "$t0"))"

section "Le correcteur lui-même"
# novg.tsv: per lab, the points NOVALGRIND=1 still allows (the tests that
# call use_valgrind or check NOVALGRIND are "not run"), and its test count.
python3 - grader/tests/*.bats >"$WORK/novg.tsv" <<'PY'
import re, sys
for bats in sys.argv[1:]:
    rubric = {}
    for line in open(bats[:-5] + ".rubric", encoding="utf-8"):
        if line.strip() and not line.lstrip().startswith("#"):
            pts, name = line.rstrip("\n").split("\t")[:2]
            rubric[name] = int(pts)
    text = open(bats, encoding="utf-8").read()
    blocks = re.split(r'^@test "', text, flags=re.M)[1:]
    skipped = sum(rubric[b.split('" {', 1)[0]] for b in blocks
                  if "use_valgrind" in b or "NOVALGRIND" in b)
    print(bats.rsplit("/", 1)[1][:2], 100 - skipped, len(rubric), sep="\t")
PY
# A tree whose lab 01 does not compile: 0 with the compiler's message, the
# other labs still graded, exit 0 (grading completed), valid results.json.
mkdir -p "$WORK/broken"
cp -R solutions/. "$WORK/broken/"
echo "int oups(void) { return }" >>"$WORK/broken/01_tcp_client/tcp_client.c"
NOVALGRIND=1 bash grader/grade.sh --tree "$WORK/broken" --json "$WORK/broken.json" all >"$WORK/broken.log" 2>&1
broken_rc=$?
broken_ok() {
    [ "$broken_rc" = 0 ] || { echo "code de sortie $broken_rc"; return 1; }
    grep -q "Lab 01 — tcp_client : 0/100" "$WORK/broken.log" &&
        grep -q "la compilation a échoué" "$WORK/broken.log" &&
        grep -q "error:" "$WORK/broken.log" &&
        grep -Eq "Lab 02 — echo_server : 90/100" "$WORK/broken.log" || { cat "$WORK/broken.log"; return 1; }
}
check "lab qui ne compile pas : 0 point avec le message du compilateur, la notation continue" broken_ok
json_ok() {
    python3 - "$WORK/broken.json" "$WORK/novg.tsv" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
novg = {n: (int(p), int(c)) for n, p, c in (l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l)}
want = sum(p for n, (p, c) in novg.items() if n != "01")      # lab 01 does not compile
assert r["score"] == want and r["max_score"] == 100 * len(novg), (r["score"], want, r["max_score"])
assert len(r["tests"]) == sum(c for p, c in novg.values()), len(r["tests"])
for t in r["tests"]:
    assert set(t) == {"name", "score", "max_score", "status", "output"}, t
    assert t["status"] in ("passed", "failed"), t
    assert (t["status"] == "passed") == (t["score"] == t["max_score"] > 0), t
assert sum(t["score"] for t in r["tests"]) == r["score"]
assert any("error" in t["output"] for t in r["tests"] if t["name"].startswith("Lab 01"))
PY
}
check "results.json au format Gradescope (score, max_score, tests[])" json_ok

strict_ok() {
    make -s lab01 NOVALGRIND=1 >"$WORK/lab01.log" 2>&1 && { echo "make lab01 a réussi sur le squelette"; return 1; }
    grep -q "✗" "$WORK/lab01.log" && grep -q "indice :" "$WORK/lab01.log" &&
        grep -q "Lab 01 — tcp_client : " "$WORK/lab01.log" || { cat "$WORK/lab01.log"; return 1; }
    make -s lab01 TREE=solutions T='IPv6|refusée' >"$WORK/lab01s.log" 2>&1 || { cat "$WORK/lab01s.log"; return 1; }
    grep -q "Lab 01 — tcp_client : 15/15" "$WORK/lab01s.log" || { cat "$WORK/lab01s.log"; return 1; }
}
check "make lab01 : rapport français et échec sur le squelette ; T= filtre ; 0 à pleine note" strict_ok

# Two "make grade" at once, same build folder and report path (ports are
# never fixed, each run builds in its own temporary folder): both succeed.
concurrent_ok() {
    local a b
    make -s grade TREE=solutions NOVALGRIND=1 BUILD="$WORK/cc" >"$WORK/c1.log" 2>&1 & a=$!
    make -s grade TREE=solutions NOVALGRIND=1 BUILD="$WORK/cc" >"$WORK/c2.log" 2>&1 & b=$!
    wait $a && wait $b || { cat "$WORK/c1.log" "$WORK/c2.log"; return 1; }
    local t1 t2
    t1=$(grep -E '^Total ' "$WORK/c1.log") t2=$(grep -E '^Total ' "$WORK/c2.log")
    # Full marks but the memory tests, which NOVALGRIND=1 leaves out.
    [ -n "$t1" ] && [ "$t1" = "$t2" ] && ! grep -q '✗' "$WORK/c1.log" "$WORK/c2.log" &&
        python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["score"] == int(sys.argv[2]), r["score"]' \
            "$WORK/cc/grade/results.json" "$(awk '{ print $2 }' <<<"$t1")" ||
        { cat "$WORK/c1.log" "$WORK/c2.log"; return 1; }
}
check "deux « make grade » en même temps réussissent tous les deux" concurrent_ok

# An interrupted grade leaves no process behind (servers, fakes, bats).
interrupt_ok() {
    local tmp=$WORK/intr pid i
    mkdir -p "$tmp"
    TMPDIR=$tmp setsid bash grader/grade.sh --tree solutions 02 >"$tmp/log" 2>&1 & pid=$!
    for ((i = 0; i < 200; i++)); do
        pgrep -f "$tmp/grade\..*/bin/02/echo_server" >/dev/null && break
        sleep 0.05
    done
    pgrep -f "$tmp/grade\..*/bin/02/echo_server" >/dev/null || { echo "le serveur n'a jamais démarré"; return 1; }
    kill -INT -- "-$pid"
    wait "$pid"
    sleep 0.5
    if pgrep -af "$tmp/"; then echo "processus restants"; return 1; fi
    [ -z "$(ls -A "$tmp" | grep -v '^log$')" ] || { echo "dossier temporaire restant"; ls -A "$tmp"; return 1; }
}
check "une notation interrompue (Ctrl-C) ne laisse aucun processus derrière elle" interrupt_ok

# A folder of copies becomes a CSV gradebook, one row per student, even for
# a copy with nothing gradable in it; names with commas stay one field.
gradebook_ok() {
    local s=$WORK/copies
    mkdir -p "$s/alice" "$s/bob" "$s/carol, la troisième"
    cp -R solutions "$s/alice/labs" && cp -R labs/. "$s/bob/"
    NOVALGRIND=1 make -s gradebook SUBMISSIONS="$s" BUILD="$WORK/gb" >"$WORK/gb.log" 2>&1 ||
        { cat "$WORK/gb.log"; return 1; }
    python3 - "$WORK/gb/grade/carnet.csv" "$WORK/novg.tsv" <<'PY' || return 1
import csv, sys
rows = {r["etudiant"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
assert set(rows) == {"alice", "bob", "carol, la troisième"}, rows.keys()
labs = [k for k in rows["alice"] if k[:2].isdigit()]
a, b, c = rows["alice"], rows["bob"], rows["carol, la troisième"]
novg = {n: int(p) for n, p, _ in (l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l)}
assert all(int(a[l]) == novg[l[:2]] for l in labs), a   # full marks but valgrind's tests (NOVALGRIND)
assert int(a["total"]) == sum(novg[l[:2]] for l in labs) and int(a["max"]) == 100 * len(labs), a
assert int(b["total"]) < int(a["total"]) and a["remarque"] == b["remarque"] == "", b
assert int(c["total"]) == 0 and int(c["max"]) == 100 * len(labs) and "aucun dossier de lab" in c["remarque"], c
PY
    grep -q "Lab 01 — tcp_client : 90/100" "$WORK/gb/grade/rapports/alice.txt" || { echo "rapport d'alice"; return 1; }
}
check "make gradebook : carnet de notes CSV et un rapport par copie" gradebook_ok

# The students' archive holds no solution and still grades its skeletons.
dist_ok() {
    make -s BUILD="$WORK/distb" dist >/dev/null || return 1
    mkdir -p "$WORK/dist" && tar -xzf "$WORK/distb/dist/tp-reseau.tar.gz" -C "$WORK/dist" || return 1
    local d=$WORK/dist/tp-reseau
    [ ! -e "$d/solutions" ] && [ ! -e "$d/grader/mutants" ] || { echo "solutions ou mutants dans l'archive"; return 1; }
    if grep -rl --include='*.c' --include='*.h' 'BEGIN SOLUTION' "$d"; then echo "code de solution dans l'archive"; return 1; fi
    (cd "$d" && make -s lab01 NOVALGRIND=1 T='invalide|refusée') >"$WORK/dist.log" 2>&1
    grep -q "Lab 01 — tcp_client : 5/15" "$WORK/dist.log" || { cat "$WORK/dist.log"; return 1; }
}
check "make dist : archive étudiante sans solutions, notable telle quelle" dist_ok

printf '\n%d passed, %d failed\n' "$PASSED" "$FAILED"
((FAILED == 0))
