#!/usr/bin/env bash
# selftest.sh — « make test » : prouve que la suite elle-même est juste.
#
# Checks, each counted once in the closing "N passed, N failed" line:
#  - every program builds with warnings as errors, with gcc and with clang;
#  - common/'s unit tests (one check per test), also under valgrind;
#  - lab 05's DNS parser: unit tests, also under valgrind, and the fuzzer's
#    seed corpus replayed under ASan and UBSan;
#  - the fakes' own self-check;
#  - each lab's rubric (annotations in its bats file) is complete, totals
#    100, holds every numbered requirement of the statement, and the
#    statement's points table is the generated one;
#  - labs/ is exactly what gen_skeletons.sh makes of solutions/;
#  - the reference scores 100/100 on every lab, memory tests included, and
#    fails no test under the partial isolation;
#  - every skeleton compiles and does not score full marks;
#  - every mutant compiles and loses points (it is caught);
#  - the grader: JSON report, compile failure, strict exit code,
#    concurrent runs, interruption leaving no process behind, the CSV
#    gradebook, the students' archive (make dist).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
# shellcheck source=lib/python.bash
source grader/lib/python.bash
export PATH
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
PASSED=0 FAILED=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/selftest.XXXXXX")
# Crossable (not readable) by the sandbox's user, so that the grades run
# here keep their run folders under it (leftovers are looked for there).
chmod 711 "$WORK"
# The grader's tools, built once for every grade of this run.
export GRADER_TOOLS=$WORK/tools
trap 'rm -rf "$WORK"' EXIT
trap 'echo "make test interrompu" >&2; exit 130' INT TERM
export NO_COLOR=1
# One time scale for every grade of this run: the grades' own load does not
# change it, so a mutant with a doubled delay is caught the same way every
# time. The hostile copies (their bounds are budgets) take the load the
# machine already had (other jobs), 1 to 3; the references, skeletons,
# mutants and the grader's own checks at least 2: make test itself brings
# the load per core to 3 and more (make mutants-tests records at 2).
if [ -n "${TIMEOUT_SCALE:-}" ]; then
    HOSTILE_SCALE=$TIMEOUT_SCALE
else
    HOSTILE_SCALE=$(bash grader/grade.sh --time-scale)
    TIMEOUT_SCALE=$(awk -v s="$HOSTILE_SCALE" 'BEGIN { print (s < 2 ? 2 : s) }')
fi
export TIMEOUT_SCALE
# Many grades share the cores: a budget only guards against a program that
# never ends, except for the hostile copies (their bounds are the budgets).
export BUDGET_SCALE=3
echo "Délais multipliés par $TIMEOUT_SCALE, par $HOSTILE_SCALE pour les copies hostiles (charge de la machine au départ ; TIMEOUT_SCALE= pour choisir)"
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
# Busy and total jiffies of every core (/proc/stat): how much of the
# machine a section used, to see where make test's time goes.
cpu_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t; exit }' /proc/stat; }
cpu_ticks >"$WORK/cpu0"
# elapsed T0 — the seconds since T0, and the share of the cores busy since
# the last call (run in a subshell: the ticks go through a file).
elapsed() {
    local now
    now=$(cpu_ticks)
    awk -v s="$((SECONDS - $1))" -v a="$(cat "$WORK/cpu0")" -v b="$now" 'BEGIN { split(a, x, " "); split(b, y, " ");
        t = y[2] - x[2]; printf "%d s, processeurs occupés à %d %%", s, (t > 0 ? 100 * (y[1] - x[1]) / t : 0) }'
    echo "$now" >"$WORK/cpu0"
}

# Fails when valgrind or a self-test tool is missing and cannot be installed.
SELFTEST=1 bash grader/deps.sh || { echo "0 passed, 1 failed"; exit 1; }

section "Compilation (-Werror)"
t0=$SECONDS
check "compilation avec gcc" make -s -j"$JOBS" BUILD="$WORK/gcc" CC=gcc all
if command -v clang >/dev/null; then
    check "compilation avec clang" make -s -j"$JOBS" BUILD="$WORK/clang" CC=clang all
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

section "Analyseur DNS du lab 05 : tests unitaires, graines du fuzzer sous ASan et UBSan"
if [ -x "$B/grader/fuzz/dns_parse_test" ]; then
    "$B/grader/fuzz/dns_parse_test" >"$WORK/dns.tap" 2>&1
    dns_rc=$?
    while IFS= read -r line; do
        case $line in
        "ok "*) pass "dns_parse: ${line#ok * - }" ;;
        "not ok "*) fail "dns_parse: ${line#not ok * - }" ;;
        esac
    done <"$WORK/dns.tap"
    grep -q '^1\.\.[0-9]' "$WORK/dns.tap" && [ "$dns_rc" = 0 ] ||
        fail "dns_parse: le programme de test s'est terminé anormalement (code $dns_rc)" "$WORK/dns.tap"
    valgrind_dns() {
        valgrind -q --error-exitcode=99 "$B/grader/fuzz/dns_parse_test" >/dev/null
    }
    check "dns_parse: tests unitaires sans erreur sous valgrind" valgrind_dns
else
    fail "dns_parse: dns_parse_test non compilé"
fi
# Every committed seed (and every input the fuzzer once found) replayed
# under the sanitizers: a fixed bug stays fixed.
replay_corpus() {
    make -s BUILD="$WORK/fuzz" "$WORK/fuzz/fuzz/dns_parse_fuzz" &&
        "$WORK/fuzz/fuzz/dns_parse_fuzz" grader/fuzz/corpus/*
}
check "dns_parse: $(ls grader/fuzz/corpus | wc -l) entrées du corpus rejouées sous ASan et UBSan (libFuzzer)" replay_corpus

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
# Each test's points, hint and requirements are declared once, above its
# @test; the statement's requirements and points table must match them.
for f in grader/tests/[0-9][0-9]_*.bats; do
    check "barème de ${f##*/} : annotations complètes, total 100, chaque exigence de l'énoncé vérifiée par un test, tableau des points à jour" \
        python3 grader/lib/rubric.py check "$f"
done

section "Squelettes (labs/) à jour"
labs_in_sync() {
    bash grader/gen_skeletons.sh solutions "$WORK/skel" &&
        diff -r labs "$WORK/skel"
}
check "labs/ est à jour (make skeletons)" labs_in_sync

# --- Hostile submissions (checked in their own section below) --------------
# Each hostile submission (grader/hostile/NAME/NN_lab/) and a few made here
# is graded without valgrind, in parallel; then, for each: the grade ended
# within its bound, the expected French reason is in the report, nothing
# of it is left running, and no file outside the run folder changed.
H=$WORK/hostile
# A few tests of labs 01 and 02 (names begin so): the hostile copies whose
# attack does not depend on the test, and the grader's own checks below,
# are graded on these, where grading every test would repeat the
# references' section.
FEW_T='^envoie|^usage|^renvoie'
mkdir -p "$H/trees" "$H/tmp" && chmod 711 "$H" "$H/tmp"
cp -R grader/hostile/. "$H/trees/"
# Including the reference by absolute path, by a path relative to where a
# student's labs/ sits in the teacher's repository, and by a symlink.
mkdir -p "$H/trees/include_abs/01_tcp_client" "$H/trees/symlink/01_tcp_client"
printf '#include "%s/solutions/01_tcp_client/tcp_client.c"\n' "$ROOT" >"$H/trees/include_abs/01_tcp_client/tcp_client.c"
ln -s "$ROOT/solutions/01_tcp_client/tcp_client.c" "$H/trees/symlink/01_tcp_client/tcp_client.c"
REL=$ROOT/build/selftest-rel.$$
mkdir -p "$REL/labs/01_tcp_client"
echo '#include "../../../../solutions/01_tcp_client/tcp_client.c"' >"$REL/labs/01_tcp_client/tcp_client.c"
echo "$REL/labs" >"$H/trees/include_rel.path"
# Links to the reference: a lab folder, and a labs/ folder.
mkdir -p "$H/trees/labdir_link" "$H/trees/labs_link"
ln -s "$ROOT/solutions/01_tcp_client" "$H/trees/labdir_link/01_tcp_client"
ln -s "$ROOT/solutions" "$H/trees/labs_link/labs"
# A source name made to break a shell or a make recipe.
mkdir -p "$H/trees/badname/01_tcp_client"
cp solutions/01_tcp_client/tcp_client.c "$H/trees/badname/01_tcp_client/"
echo 'int main(void) { return 0; }' >"$H/trees/badname/01_tcp_client/z;touch pwned;'q\" \$(touch pwned2).c"
# A reference that leaks, overreads and, under valgrind, re-executes itself
# and forges a clean summary wherever it can write (vg_*: graded with
# valgrind, memory tests only).
for n in 01_tcp_client 02_echo_server; do
    d=$H/trees/vg_escape${n%%_*}/$n
    mkdir -p "$d"
    sed 's/^int main(int argc, char \*\*argv)$/static int real_main(int argc, char **argv)/' \
        "solutions/$n/${n#*_}.c" >"$d/${n#*_}.c"
    cat grader/hostile/vg_escape/escape.inc >>"$d/${n#*_}.c"
done
# nonet_09 is nonet_03 for select_server (a graded lab compiles its own
# folder alone: the copy is made here, not kept twice); nonet_05 uses the
# lab's own dns_parse.h, which the grader's parser tests include.
mkdir -p "$H/trees/nonet_09/09_select_server"
sed -e 's/^#define PROG "threaded_server"$/#define PROG "select_server"/' -e 's/^#define OPTS "hb:p:m:t:"$/#define OPTS "hb:p:"/' \
    -e 's/ \[-m MAX\] \[-t SECONDES\]\\n/\\n/' grader/hostile/nonet_03/03_threaded_server/threaded_server.c \
    >"$H/trees/nonet_09/09_select_server/select_server.c"
cp labs/05_dns/dns_parse.h "$H/trees/nonet_05/05_dns/"
# Beside a correct lab 01: a draft whose name has a space, a FIFO that a
# source includes (its compile would wait forever), a sub-folder, a file too
# large to be a source.
d=$H/trees/stray/01_tcp_client
mkdir -p "$d/notes" && cp solutions/01_tcp_client/tcp_client.c "$d/"
echo 'int main(void) { return 0; }' >"$d/brouillon copie.c"
mkfifo "$d/attente.h" && head -c 2000000 /dev/zero >"$d/gros.bin"
# Lab 05's three programs: an exponential #include in the unit's header
# (each compile would take hours), and three programs of 50 Mo each.
d=$H/trees/ccbomb/05_dns
mkdir -p "$d" && cp solutions/05_dns/* "$d/"
printf '#if __INCLUDE_LEVEL__ < 40\n#include "dns_parse.h"\n#include "dns_parse.h"\n#endif\n' >>"$d/dns_parse.h"
d=$H/trees/ccbig/05_dns
mkdir -p "$d" && cp solutions/05_dns/* "$d/"
echo 'char grader_ballast[50 << 20] = {1};' | tee -a "$d/dns_parse.c" >>"$d/resolve.c"
# Lab 03's reference with a fault put in process() (called by every client
# thread): a crash under load (a segfault after 300 calls), or a counter
# shared without a lock (a data race that only helgrind sees).
inject() { # FILE CODE — CODE at the start of process()'s body
    awk -v code="$2" '{ print } hit && /^\{/ { print code; hit = 0 } /^static void process\(/ { hit = 1 }' \
        "$1" >"$1.new" && mv "$1.new" "$1"
}
for n in crash03 vg_race03; do
    mkdir -p "$H/trees/$n" && cp -R solutions/03_threaded_server "$H/trees/$n/"
done
inject "$H/trees/crash03/03_threaded_server/threaded_server.c" \
    '    { static unsigned long calls; if (++calls > 300) *(volatile int *)0 = 0; }'
inject "$H/trees/vg_race03/03_threaded_server/threaded_server.c" \
    '    { static volatile unsigned long calls; calls++; }'
# Student text made to drive a terminal: a compiler message (#pragma
# message passes -Werror), a file name and the program's output, each with
# ESC sequences (clear the screen, a fake score) and a bidi override.
d=$H/trees/escapes/01_tcp_client
mkdir -p "$d" && cp solutions/01_tcp_client/tcp_client.c "$d/"
printf '#pragma message "\\033[2J\\033[HLab 01 \\342\\200\\256 100/100"\n' >>"$d/tcp_client.c"
awk '{ print } /^int main\(int argc, char \*\*argv\)$/ { m = 1 } m && /^\{/ { print "    fputs(\"\\033[2J\\033[H\\302\\233\\342\\200\\256 Lab 01 : 100/100\\n\", stderr);"; m = 0 }' \
    "$d/tcp_client.c" >"$d/x" && mv "$d/x" "$d/tcp_client.c"
echo 'int draft;' >"$d/"$'\e[31mbrouillon\e[0m.c'
# NAME_partial: the same copy graded with the partial isolation.
# The fork bombs first, together; the partial isolation last, long after
# them (without namespaces, a program shares the sandbox user's process
# limit with them); the grader's check of two make grade at once waits for
# all of these (see concurrent_ok).
HOSTILE=(forkbomb_partial:01 forkbomb:01 forge:01 env_spy:01 daemon:02 loop:01 ignore_term:02 flood:01
    segv:01 ports:02 devzero:01 include_abs:01 include_rel:01 symlink:01 badname:01
    vg_escape01:01 vg_escape02:02 diskfill:01 labdir_link:01 labs_link:01 stray:01 ccbomb:05 ccbig:05
    crash03:03 vg_race03:03 escapes:01 nonet_01:01 nonet_02:02
    nonet_04:04 nonet_05:05 nonet_03:03 nonet_09:09 nonet_08:08
    nonet_07:07 nonet_06:06 daemon_partial:02 include_abs_partial:01 nonet_03_partial:03 nonet_09_partial:09)
# The copies graded by an ordinary user (root only: it can become nobody).
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$H/userrepo" "$H/utmp" && chmod 1777 "$H/utmp"
    git ls-files -z | xargs -0 cp --parents -t "$H/userrepo" && chmod -R a+rX "$H/userrepo" "$H/trees"
    HOSTILE+=(env_spy_user:01 diskfill_user:01 vg_escape01_user:01)
fi
git status --porcelain --untracked-files=all | grep -v '^?? build/' >"$H/git.before"
touch "$H/stamp"
sleep 1
# hostile_how BASE — how a copy is graded, one line: "ref" when a correct
# lab is beside its hostile part (graded like the references: its bound is
# not its budget) or "budget" (its budgets are its bounds, at the load the
# machine had), then its tests (T; empty: all of them).
hostile_how() {
    case $1 in
    # Its program's stderr is shown by a test that wants it empty.
    escapes) echo "ref ^envoie|les seuls octets" ;;
    # A correct lab 01 beside the hostile part, which acts at compile
    # time: a few tests show it graded.
    badname | stray | include_abs) echo "ref $FEW_T" ;;
    vg_escape0[12] | vg_race03) echo "ref ^mémoire" ;;
    crash03) echo "ref " ;;
    vg_*) echo "budget ^mémoire" ;;
    # A server that never exits spends its budget on every test: only the
    # tests that stop it.
    ignore_term) echo "budget SIGTERM" ;;
    # Whole labs: no test may pass without the network (nonet), the lab's
    # budget stops a program that never ends (loop); no test runs when the
    # compilation is what the copy attacks (ccbomb, ccbig: lab 05).
    nonet_* | loop | ccbomb | ccbig) echo "budget " ;;
    # The others act whatever the test: a few tests show it.
    *) echo "budget $FEW_T" ;;
    esac
}
grade_hostile() {
    local name=${1%%:*} lab=${1#*:} start=$SECONDS sandbox= novg=1 t= scale0 how
    scale0=$(bash "$ROOT/grader/grade.sh" --time-scale)
    [ "${name%_partial}" != "$name" ] && sandbox=none
    [ "${name#vg_}" != "$name" ] && novg=0
    local base=${name%_partial} as=() root=$ROOT tmp=$H/tmp summary=$H/$name.tsv
    # NAME_user: graded by an ordinary user (nobody) from a copy of the
    # repository it can read: the user-namespace sandbox, not root's.
    if [ "${name%_user}" != "$name" ]; then
        base=${name%_user} as=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=$H/utmp)
        root=$H/userrepo tmp=$H/utmp summary=$H/utmp/$name.tsv
    fi
    local tree=$H/trees/$base
    [ -f "$tree.path" ] && tree=$(cat "$tree.path")
    read -r how t <<<"$(hostile_how "${base%_partial}")"
    local tscale=$HOSTILE_SCALE bscale=1
    [ "$how" = ref ] && tscale=$TIMEOUT_SCALE bscale=3
    (cd "$tmp" && TMPDIR=$tmp GRADER_SANDBOX=$sandbox NOVALGRIND=$novg T=$t CC_LAB_SECONDS=20 \
        TIMEOUT_SCALE=$tscale BUDGET_SCALE=$bscale timeout 300 \
        "${as[@]}" bash "$root/grader/grade.sh" --tree "$tree" --summary "$summary" "$lab") >"$H/$name.log" 2>&1
    local rc=$?
    # Also the load per core at its start and end (1 to 3), and its own
    # scale: its bound is in seconds of an idle machine.
    echo "$rc $((SECONDS - start)) $scale0 $(bash "$ROOT/grader/grade.sh" --time-scale) $tscale" >"$H/$name.rc"
    [ "$summary" = "$H/$name.tsv" ] || cp "$summary" "$H/$name.tsv" 2>/dev/null
}
export -f grade_hostile hostile_how
export H ROOT HOSTILE_SCALE FEW_T
# --- The grader's own checks (reported in their section below) -------------
# Each grades labs 01 and 02 or a part of them: one after another, in the
# background from the references' pool on, beside it, the mutants and the
# hostile copies (more at once would only share the same two cores, and
# stretch every test's delays); check_join prints their verdicts.
BG_NAMES=() BG_CMDS=() BG_PID=
check_bg() { BG_NAMES+=("$1") BG_CMDS+=("$2"); } # NAME FUNCTION
check_start() {
    (
        for i in "${!BG_CMDS[@]}"; do
            start=$SECONDS
            "${BG_CMDS[$i]}" >"$WORK/bg.$i.log" 2>&1
            echo "$? $((SECONDS - start))" >"$WORK/bg.$i.rc"
        done
    ) &
    BG_PID=$!
}
check_join() {
    local i rc secs
    wait "$BG_PID"
    for i in "${!BG_NAMES[@]}"; do
        rc= secs=
        read -r rc secs <"$WORK/bg.$i.rc" 2>/dev/null
        if [ "$rc" = 0 ]; then
            pass "${BG_NAMES[$i]} ($secs s)"
        else
            fail "${BG_NAMES[$i]}" "$WORK/bg.$i.log"
        fi
    done
}
# Figures derived from the rubrics, never typed: each lab's points without
# its memory tests (what NOVALGRIND=1 can reach) and its number of tests.
rubric_sum() { python3 grader/lib/rubric.py tsv "$1" | awk -F'\t' -v re="$2" '$2 ~ re { s += $1 } END { print s + 0 }'; }
LABS_ALL=() NOMEM=()
for f in grader/tests/[0-9][0-9]_*.bats; do
    b=${f##*/}; LABS_ALL+=("${b%%_*}")
    NOMEM+=("$(rubric_sum "$f" '^[^m]|^m[^é]')")
done

# Labs 01 and 02 of the reference: enough to check how grading goes on
# from lab to lab (the other labs are absent, 0, and cost nothing), where
# grading every lab would only repeat the references' section.
PART=$((NOMEM[0] + NOMEM[1]))
mkdir -p "$WORK/part"
cp -R solutions/01_* solutions/02_* "$WORK/part/"

# A tree whose lab 01 does not compile: 0 with the compiler's message, the
# next lab still graded, exit 0 (grading completed), valid results.json.
mkdir -p "$WORK/broken"
cp -R "$WORK/part/." "$WORK/broken/"
echo "int oups(void) { return }" >>"$WORK/broken/01_tcp_client/tcp_client.c"

# What a grade run under FOLDER (its TMPDIR) left running: any process
# whose command line, environment or working folder names FOLDER — the lab
# sandboxes (their TMPDIR) and so everything inside them, and in the
# partial isolation the programs themselves (their HOME and folder). A
# program sandbox shows no path of the grader, but cannot outlive its lab
# sandbox (its own PID namespace, --die-with-parent). Other runs on the
# machine are not this one's. Zombies are not running (this machine's init
# may reap them late).
leftovers() {
    local p
    ps -eo pid=,stat=,uid=,args= | awk -v pat="$1" '$2 !~ /^Z/ && $4 != "awk" && $4 != "ps" && index($0, pat)'
    for p in /proc/[0-9]*; do
        grep -qsF -- "$1" "$p/environ" || case $(readlink "$p/cwd" 2>/dev/null) in "$1"*) ;; *) continue ;; esac
        case $(awk '{ print $3 }' "$p/stat" 2>/dev/null) in Z | "") continue ;; esac
        [ "${p#/proc/}" = "$$" ] || [ "${p#/proc/}" = "$BASHPID" ] || echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)"
    done
}

# run_of FOLDER NAME — the processes named NAME (the memcheck tool counts)
# that a grade run under FOLDER started: one of their ancestors (the lab
# sandbox, bats) has FOLDER in its environment.
run_of() {
    local p q ppid
    for p in $(pgrep -x "$2"); do
        q=$p
        while [ -n "$q" ] && [ "$q" -gt 1 ]; do
            if grep -qsF -- "$1" "/proc/$q/environ"; then echo "$p"; break; fi
            ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$q/status" 2>/dev/null)
            q=$ppid
        done
    done
}

# The points of FEW_T's tests (see the hostile copies above).
FEW=("$(rubric_sum grader/tests/01_tcp_client.bats "$FEW_T")" "$(rubric_sum grader/tests/02_echo_server.bats "$FEW_T")")
# Over every lab (grade.sh all): their points and their number.
FEW_MAX=0 FEW_N=0
for f in grader/tests/[0-9][0-9]_*.bats; do
    FEW_MAX=$((FEW_MAX + $(rubric_sum "$f" "$FEW_T")))
    FEW_N=$((FEW_N + $(python3 grader/lib/rubric.py tsv "$f" | awk -F'\t' -v re="$FEW_T" '$2 ~ re' | wc -l)))
done

broken_ok() {
    local broken_rc=0
    NOVALGRIND=1 T=$FEW_T bash grader/grade.sh --tree "$WORK/broken" --json "$WORK/broken.json" all >"$WORK/broken.log" 2>&1 ||
        broken_rc=$?
    [ "$broken_rc" = 0 ] || { echo "code de sortie $broken_rc"; return 1; }
    grep -q "Lab 01 — tcp_client : 0/${FEW[0]}" "$WORK/broken.log" &&
        grep -q "la compilation a échoué" "$WORK/broken.log" &&
        grep -q "error:" "$WORK/broken.log" &&
        grep -q "Lab 02 — echo_server : ${FEW[1]}/${FEW[1]}" "$WORK/broken.log" || { cat "$WORK/broken.log"; return 1; }
}
check_bg "lab qui ne compile pas : 0 point avec le message du compilateur, la notation continue" broken_ok

strict_ok() {
    make -s lab01 NOVALGRIND=1 T="$FEW_T" >"$WORK/lab01.log" 2>&1 && { echo "make lab01 a réussi sur le squelette"; return 1; }
    grep -q "✗" "$WORK/lab01.log" && grep -q "indice :" "$WORK/lab01.log" &&
        grep -q "Lab 01 — tcp_client : " "$WORK/lab01.log" || { cat "$WORK/lab01.log"; return 1; }
    local sel
    sel=$(rubric_sum grader/tests/01_tcp_client.bats 'IPv6|refusée')
    make -s lab01 TREE=solutions T='IPv6|refusée' >"$WORK/lab01s.log" 2>&1 || { cat "$WORK/lab01s.log"; return 1; }
    grep -q "Lab 01 — tcp_client : $sel/$sel" "$WORK/lab01s.log" || { cat "$WORK/lab01s.log"; return 1; }
    local rc=0
    make -s lab01 T='aucun test ne porte ce nom' >"$WORK/lab01t.log" 2>&1 || rc=$?
    grep -q "ne correspond à aucun test" "$WORK/lab01t.log" || { cat "$WORK/lab01t.log"; return 1; }
    rc=0; T='(' bash grader/grade.sh 01 >"$WORK/lab01r.log" 2>&1 || rc=$?
    [ "$rc" = 2 ] && grep -q "expression régulière invalide" "$WORK/lab01r.log" || { echo "T=( : code $rc"; cat "$WORK/lab01r.log"; return 1; }
    rc=0; bash grader/grade.sh 99 >"$WORK/lab99.log" 2>&1 || rc=$?
    [ "$rc" = 2 ] && grep -q "Labs disponibles" "$WORK/lab99.log" || { cat "$WORK/lab99.log"; return 1; }
}
check_bg "make lab01 : rapport français, échec sur le squelette ; T= filtre (erreur d'usage s'il ne choisit rien) ; lab inconnu" strict_ok


# A checkout under a path with spaces, accents and quotes grades exactly
# like any other.
spaces_ok() {
    local d="$WORK/Mes documents/chloé d'été \"tp\"/dépôt"
    mkdir -p "$d"
    git ls-files -z | xargs -0 cp --parents -t "$d" || return 1
    # A few tests, the memory test among them (valgrind's log path).
    local re='^envoie|^mémoire' sel
    sel=$(rubric_sum grader/tests/01_tcp_client.bats "$re")
    (cd "$d" && make -s lab01 TREE=solutions BUILD="$WORK/spb" T="$re") >"$WORK/spaces.log" 2>&1 ||
        { cat "$WORK/spaces.log"; return 1; }
    grep -q "Lab 01 — tcp_client : $sel/$sel" "$WORK/spaces.log" || { cat "$WORK/spaces.log"; return 1; }
}
check_bg "un dépôt sous un chemin avec espaces, accents et guillemets : lab 01 sans faute (test mémoire compris)" spaces_ok

# A folder of copies becomes a CSV gradebook, one row per student, even for
# a copy with nothing gradable in it or a hostile one; names with commas
# and spaces stay one field; nothing is left running.
gradebook_ok() {
    local s=$WORK/copies
    mkdir -p "$s/alice" "$s/bob" "$s/carol, la troisième" "$s/chloé dupont" "$s/mallory"
    mkdir -p "$s/alice/labs" && cp -R "$WORK/part/." "$s/alice/labs/" && cp -R labs/01_* labs/02_* "$s/bob/" &&
        cp -R solutions/01_* "$s/chloé dupont/"
    cp -R grader/hostile/daemon/. "$s/mallory/"
    # Names a shell list or a spreadsheet could take for something else: a
    # carriage return, a formula; and a copy that is a link to the reference.
    mkdir -p "$s/eve"$'\r'"mallory" "$s/=1+1" && cp -R labs/01_* "$s/=1+1/"
    ln -s "$ROOT/solutions" "$s/lien"
    mkdir -p "$WORK/gbtmp" && chmod 711 "$WORK/gbtmp"
    TMPDIR=$WORK/gbtmp NOVALGRIND=1 T=$FEW_T make -s gradebook SUBMISSIONS="$s" BUILD="$WORK/gb" >"$WORK/gb.log" 2>&1 ||
        { cat "$WORK/gb.log"; return 1; }
    python3 - "$WORK/gb/grade/carnet.csv" "$((FEW[0] + FEW[1]))" "$((100 * ${#LABS_ALL[@]}))" "${FEW[0]}" <<'PY' || return 1
import csv, sys
rows = {r["etudiant"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
full, most, one = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
assert set(rows) == {"alice", "bob", "carol, la troisième", "chloé dupont", "mallory", "eve?mallory",
                     "'=1+1", "lien"}, rows.keys()
a, b, c, d, m = (rows[k] for k in ("alice", "bob", "carol, la troisième", "chloé dupont", "mallory"))
assert int(rows["lien"]["total"]) == 0 and "lien symbolique" in rows["lien"]["remarque"], rows["lien"]
assert int(rows["eve?mallory"]["total"]) == 0 and "aucun dossier de lab" in rows["eve?mallory"]["remarque"]
assert 0 < int(rows["'=1+1"]["total"]) < one, rows["'=1+1"]
assert int(a["total"]) == full and int(a["max"]) == most, a
assert int(d["total"]) == one, d
assert int(b["total"]) < full and a["remarque"] == b["remarque"] == "", b
assert int(c["total"]) == 0 and int(c["max"]) == most and "aucun dossier de lab" in c["remarque"], c
assert int(m["total"]) == 0, m
PY
    grep -q "Lab 01 — tcp_client : " "$WORK/gb/grade/rapports/alice.txt" || { echo "rapport d'alice"; return 1; }
    local left
    left=$(leftovers "$WORK/gbtmp")
    [ -z "$left" ] || { echo "processus restants :"; echo "$left"; return 1; }
}
check_bg "make gradebook : carnet CSV (référence, copie hostile, noms avec espace, retour chariot ou formule, lien symbolique refusé) et rien ne reste" gradebook_ok

# The students' archive holds no solution and still grades its skeletons.
dist_ok() {
    make -s BUILD="$WORK/distb" dist >/dev/null || return 1
    mkdir -p "$WORK/dist" && tar -xzf "$WORK/distb/dist/tp-reseau.tar.gz" -C "$WORK/dist" || return 1
    local d=$WORK/dist/tp-reseau
    [ ! -e "$d/solutions" ] && [ ! -e "$d/grader/mutants" ] || { echo "solutions ou mutants dans l'archive"; return 1; }
    if grep -rl --include='*.c' --include='*.h' 'BEGIN SOLUTION' "$d"; then echo "code de solution dans l'archive"; return 1; fi
    (cd "$d" && make -s lab01 NOVALGRIND=1 T='invalide|refusée') >"$WORK/dist.log" 2>&1
    local sel
    sel=$(rubric_sum grader/tests/01_tcp_client.bats 'invalide|refusée')
    grep -Eq "Lab 01 — tcp_client : [0-9]+/$sel" "$WORK/dist.log" && grep -q '✗' "$WORK/dist.log" ||
        { cat "$WORK/dist.log"; return 1; }
    local rc=0
    (cd "$d" && make -s test) >"$WORK/dist.test.log" 2>&1 || rc=$?
    [ "$rc" = 2 ] && grep -q "pas proposé dans l'archive étudiante" "$WORK/dist.test.log" ||
        { echo "make test dans l'archive : code $rc"; cat "$WORK/dist.test.log"; return 1; }
}
check_bg "make dist : archive étudiante sans solutions, notable telle quelle, make test non proposé" dist_ok
# Two "make grade" at once, same build folder and report path (ports are
# never fixed, each run builds in its own temporary folder): both succeed.
# The second is the partial isolation (the references were graded there
# too, lab by lab, above).
concurrent_ok() {
    local a b rc=0 n i
    # Without namespaces, every program runs as the same sandbox user and
    # shares its process limit: the hostile copies that fork a lot, or run
    # in the partial isolation, are waited for here (a compile would fail
    # with EAGAIN beside them).
    for n in "${HOSTILE[@]}"; do
        n=${n%%:*}
        [[ $n == forkbomb* || $n == *_partial || $n == *_user ]] || continue
        for ((i = 0; i < 3600; i++)); do [ -e "$H/$n.rc" ] && break; sleep 0.5; done
    done
    make -s grade TREE="$WORK/part" NOVALGRIND=1 BUILD="$WORK/cc" >"$WORK/c1.log" 2>&1 & a=$!
    GRADER_SANDBOX=none make -s grade TREE="$WORK/part" NOVALGRIND=1 BUILD="$WORK/cc" >"$WORK/partial.log" 2>&1 & b=$!
    wait $a || rc=$?
    wait $b || rc=$?
    [ "$rc" = 0 ] || { echo "code $rc"; cat "$WORK/c1.log" "$WORK/partial.log"; return 1; }
    local t1 t2
    t1=$(grep -E '^Total ' "$WORK/c1.log") t2=$(grep -E '^Total ' "$WORK/partial.log")
    [ "$(awk '{ print $2 }' <<<"$t1")" = "$PART" ] || { echo "labs 01 et 02 : $t1 au lieu de $PART"; cat "$WORK/c1.log"; return 1; }
    # NOVALGRIND=1: the score over the tests that ran, said as such.
    grep -q "Lab 02 — echo_server : ${NOMEM[1]}/100 (${NOMEM[1]}/${NOMEM[1]} sur les tests exécutés ; tests mémoire non exécutés)" \
        "$WORK/c1.log" || { echo "NOVALGRIND=1 :"; grep 'Lab 02' "$WORK/c1.log"; return 1; }
    # Labs 01 and 02 fail no test there (the other labs are absent).
    grep -q "isolation : partielle" "$WORK/partial.log" &&
        grep -Eq '^Lab 01 — tcp_client : ([0-9]+)/100 \(\1/\1 sur les tests exécutés' "$WORK/partial.log" &&
        grep -Eq '^Lab 02 — echo_server : ([0-9]+)/100 \(\1/\1 sur les tests exécutés' "$WORK/partial.log" ||
        { echo "isolation partielle :"; head -n 70 "$WORK/partial.log"; return 1; }
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); assert r["score"] in (int(sys.argv[2]), int(sys.argv[3])), r["score"]' \
        "$WORK/cc/grade/results.json" "$PART" "$(awk '{ print $2 }' <<<"$t2")" ||
        { echo "results.json commun"; return 1; }
}
check_bg "deux « make grade » en même temps (dont un en isolation partielle forcée, GRADER_SANDBOX=none) réussissent tous les deux ; NOVALGRIND=1 donne la note sur les tests exécutés" concurrent_ok

check_start

section "Référence : solutions/ à 100/100, tests mémoire compris ; aussi en isolation partielle ; squelettes"
t0=$SECONDS
# One pool of grades, one per lab and kind, longest first: the reference
# with valgrind, the reference under the partial isolation (no user
# namespaces: Docker, WSL 1; tests that need the lab's own /etc are not run
# there), the skeleton. Most of a grade's time is spent waiting on the
# programs (delays, timeouts): JOBS + 1 at once.
grade_job() { # KIND NN
    local out=$WORK/grade.$1.$2 start=$SECONDS
    : >"$out.tsv"
    case $1 in
    ref) bash grader/grade.sh --tree solutions --summary "$out.tsv" "$2" ;;
    partial) GRADER_SANDBOX=none NOVALGRIND=1 bash grader/grade.sh --tree solutions --summary "$out.tsv" "$2" ;;
    # The first failed test is enough.
    skel) FAILFAST=1 NOVALGRIND=1 bash grader/grade.sh --tree labs --summary "$out.tsv" "$2" ;;
    esac >"$out.log" 2>&1
    echo "$((SECONDS - start)) $1 $2" >"$out.seconds"
}
export -f grade_job
export WORK
LAB_NUMS=()
for f in grader/tests/[0-9][0-9]_*.bats; do b=${f##*/}; LAB_NUMS+=("${b%%_*}"); done
# Labs 01 and 02 are graded in the partial isolation by the grader's own
# checks below (two make grade at once): not here again.
PARTIAL_NUMS=("${LAB_NUMS[@]:2}")
{
    printf 'ref %s\n' "${LAB_NUMS[@]}"
    printf 'partial %s\n' "${PARTIAL_NUMS[@]}"
    printf 'skel %s\n' "${LAB_NUMS[@]}"
} | xargs -P "$((JOBS + 1))" -L 1 bash -c 'grade_job "$@"' _
# row KIND NN — points, max, memory of that grade.
row() { awk -F'\t' -v n="$2" '$1 == n { print $2 "\t" $3 "\t" $4 }' "$WORK/grade.$1.$2.tsv"; }
for n in "${LAB_NUMS[@]}"; do
    IFS=$'\t' read -r pts max mem <<<"$(row ref "$n")"
    if [ "${pts:-}" = 100 ] && [ "${max:-}" = 100 ] && [ "${mem:-}" = OK ]; then
        pass "solution du lab $n : 100/100, mémoire OK"
    else
        # What failed in the pool, then the same lab graded again alone.
        { grep -v '✓' "$WORK/grade.ref.$n.log"; echo "notée de nouveau, seule :"
            bash grader/grade.sh --tree solutions "$n" 2>&1 | grep -v '✓'; } >"$WORK/sol.$n.log"
        fail "solution du lab $n : ${pts:-?}/${max:-?}, mémoire ${mem:-?}" "$WORK/sol.$n.log" 60
    fi
    log=$WORK/grade.partial.$n.log
    if [[ " ${PARTIAL_NUMS[*]} " != *" $n "* ]]; then
        : # (labs 01 and 02: graded so by the grader's own checks)
    elif grep -q "isolation : partielle" "$log" && grep -q '✓' "$log" && ! grep -q '✗' "$log"; then
        pass "solution du lab $n en isolation partielle (GRADER_SANDBOX=none) : aucun échec"
    else
        fail "solution du lab $n en isolation partielle (GRADER_SANDBOX=none)" "$log" 60
    fi
    first=$(python3 grader/lib/report.py verdict "$WORK/grade.skel.$n.log")
    [ "${first%%$'\t'*}" = killed ] && first=${first#*$'\t'} || first=
    built=1
    for c in labs/"${n}"_*/*.c; do
        c=${c%.c}
        [ -f "$c.h" ] && continue # a unit, linked into the programs
        [ -x "$B/$c" ] || built=0
    done
    if ((built)) && [ -n "$first" ]; then
        pass "squelette du lab $n : compile, échoue à « $first »"
    else
        fail "squelette du lab $n : ne compile pas, ou n'échoue à aucun test" "$WORK/grade.skel.$n.log"
    fi
done
echo "   (durée de chaque note : $(cat "$WORK"/grade.*.seconds | sort -rn | awk '{ printf "%s%s %s %d s", (NR > 1 ? ", " : ""), $2, $3, $1 }'))"
echo "   ($(elapsed "$t0"))"

# Graded in the background from here, beside the mutants: these grades
# mostly wait (budgets, limits), and the mutants' do not depend on them.
{ printf '%s\n' "${HOSTILE[@]}" | xargs -P "$JOBS" -I{} bash -c 'grade_hostile "$1"' _ {}; } &
HOSTILE_JOB=$!

section "Mutants : chaque variante fautive fait échouer un test (écrits à la main, et l'échantillon des générés), d'abord celui enregistré"
t0=$SECONDS
# A fixed sample of the mutants make mutate generates (one per operator or
# so, grader/mutants/NN_nom/sample.txt), written as patches: graded in the
# same pool as the hand-written ones. The full run (make mutate LAB=NN) is
# too slow for make test.
# The first MUTANT_SAMPLE of each lab's sample (0: all of them), so that
# make test stays within its time as labs are added.
MUTANT_SAMPLE=${MUTANT_SAMPLE:-4}
MUTANTS=()
mapfile -t MUTANTS < <(ls grader/mutants/*/*.patch)
for sample in grader/mutants/[0-9][0-9]_*/sample.txt; do
    lab=$(basename "$(dirname "$sample")")
    python3 grader/mutate.py --sample --sample-max "$MUTANT_SAMPLE" --patches "$WORK/generated" "${lab%%_*}" \
        >"$WORK/sample.$lab.log" 2>&1
    sample_rc=$?
    while IFS= read -r line; do
        case $line in "FAIL "*) fail "${line#FAIL }" ;; esac
    done <"$WORK/sample.$lab.log"
    [ "$sample_rc" = 0 ] || grep -q '^FAIL ' "$WORK/sample.$lab.log" ||
        fail "mutants générés du lab $lab : grader/mutate.py --patches a échoué (code $sample_rc)" "$WORK/sample.$lab.log"
    mapfile -t -O "${#MUTANTS[@]}" MUTANTS < <(ls "$WORK/generated/$lab/"*.patch 2>/dev/null)
done
run_mutant() {
    local patch=$1 lab name dir start=$SECONDS
    lab=$(basename "$(dirname "$patch")"); name=$(basename "$patch" .patch)
    dir=$WORK/mutants/$lab.$name
    { echo "mutant $lab/$name : $(head -n 1 "$patch")"; bash grader/mutant.sh "$patch" "$dir"; } >"$dir.log" 2>&1
    echo "$((SECONDS - start))" >"$dir.seconds"
}
export -f run_mutant
export WORK
mkdir -p "$WORK/mutants"
printf '%s\n' "${MUTANTS[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_mutant "$@"' _ {}
for patch in "${MUTANTS[@]}"; do
    lab=$(basename "$(dirname "$patch")"); name=$(basename "$patch" .patch)
    log=$WORK/mutants/$lab.$name.log
    result=$(sed -n 's/^RESULT //p' "$log" 2>/dev/null)
    killer=$(sed -n 's/^KILLER //p' "$log") stale=$(sed -n 's/^STALE //p' "$log")
    what="mutant $lab/$name ($(sed -n '1s/^Mutant : //p' "$patch"))"
    # The recorded test no longer kills it (another does): said, so that
    # make mutants-tests brings make test back to one test per mutant.
    note=
    [ -n "$stale" ] && note=" ; son test enregistré, « $stale », ne l'attrape plus (make mutants-tests)"
    grep -q '^Test : ' "$patch" || note=" ; aucun test enregistré (make mutants-tests)"
    case $result in
    patch) fail "$what : le patch ne s'applique plus" "$log" ;;
    compile) fail "$what : ne compile pas (un mutant doit compiler)" "$log" ;;
    killed*)
        read -r _ pts max <<<"$result"
        pass "$what : attrapé par « $killer » ($pts/$max, $(cat "$WORK/mutants/$lab.$name.seconds") s$note)" ;;
    survived*)
        read -r _ pts max <<<"$result"
        fail "$what : NON attrapé ($pts/$max : aucun test n'échoue)" "$log" ;;
    budget*) fail "$what : budget épuisé avant tout échec (ni attrapé ni survivant)" "$log" ;;
    *) fail "$what : pas de résultat" "$log" ;;
    esac
done
echo "   ($(elapsed "$t0"))"

section "Le correcteur lui-même"
t0=$SECONDS
# (run since the mutants' section, in the background)
check_join
# The budget's signal reaches bats, which then reports the test it cut
# short as failed, naming the command that was running: the report says
# « non exécuté (budget épuisé, pendant … ») instead, and shows no shell.
budget_cut_ok() {
    local r=$WORK/cut.rubric n1 n2 out
    python3 grader/lib/rubric.py tsv grader/tests/01_tcp_client.bats >"$r" || return 1
    n1=$(sed -n 1p "$r" | cut -f2) n2=$(sed -n 2p "$r" | cut -f2)
    out=$(printf 'ok 1 %s\nnot ok 2 %s\n# (in test file t.bats, line 9)\n#   `wait_line "$LOG"'"'"' failed\n# fin-T 124\n' "$n1" "$n2" |
        python3 grader/lib/report.py phase --rubric "$r" --state "$WORK/cut.json" --lab 01 --name tcp_client \
            --phase all --budget 60 --token T)
    grep -qF "– [ 0/ 5] $n2 (non exécuté : budget épuisé : 60 s pour cette partie du lab, pendant « $n2 »)" <<<"$out" &&
        ! grep -q 'commande du test\|✗' <<<"$out" || { echo "$out"; return 1; }
}
check "test coupé par le budget : « non exécuté (budget épuisé, pendant …) », pas un échec ni une ligne de shell" budget_cut_ok
json_ok() {
    python3 - "$WORK/broken.json" "${FEW[1]}" "$FEW_MAX" "$FEW_N" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
raw.decode("utf-8")                       # valid UTF-8, or UnicodeDecodeError
r = json.loads(raw)
score, max_score, ntests = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
# Gradescope's documented results.json schema (top level and tests).
top = {"score", "max_score", "execution_time", "output", "visibility", "stdout_visibility", "tests"}
assert set(r) <= top and {"score", "tests", "execution_time", "output", "visibility"} <= set(r), set(r)
assert r["score"] == score and r["max_score"] == max_score, (r["score"], r["max_score"])
assert isinstance(r["execution_time"], int) and r["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
assert "SEED=" in r["output"], r["output"]
assert len(r["tests"]) == ntests, len(r["tests"])
for t in r["tests"]:
    assert set(t) <= {"name", "score", "max_score", "status", "output", "visibility"}, t
    assert t.get("status", "passed") in ("passed", "failed"), t
    assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published"), t
    if "non exécuté" in t["output"]:
        assert "status" not in t, t      # not run is not failed
    else:
        assert (t["status"] == "passed") == (t["score"] == t["max_score"] > 0), t
assert sum(t["score"] for t in r["tests"]) == r["score"]
assert any("error" in t["output"] for t in r["tests"] if t["name"].startswith("Lab 01"))
PY
}
check "results.json au format Gradescope (schéma, UTF-8, tests non exécutés sans statut)" json_ok

# Ctrl-C as a terminal sends it (SIGINT to the foreground process group),
# and SIGTERM to make alone: « Notation interrompue. », 130 / 143, nothing
# left running. A missing trap would fail on the message or the code.
interrupt_ok() {
    local sig=$1 want=$2 tmp=$WORK/intr.$1 pid i rc=0
    # Crossable by the sandbox's user, so that the run folder goes there.
    mkdir -p "$tmp" && chmod 711 "$WORK" "$tmp"
    # As a terminal's shell starts a job: its own process group, SIGINT at
    # its default (a plain & in a script, or a CI runner, may ignore it, and
    # a signal ignored on entry cannot be trapped).
    TMPDIR=$tmp python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setpgid(0, 0)
os.execvp(sys.argv[1], sys.argv[1:])' make -s lab02 TREE=solutions >"$tmp/log" 2>&1 </dev/null & pid=$!
    # This run's server: an echo_server whose lab sandbox names $tmp (the
    # program sandbox itself shows no path of the grader).
    # (60 s at most: the tools and the lab are compiled first, slowly on a
    # loaded machine.)
    # The same pid twice, 0.1 s apart: a server, not one of the usage
    # tests' runs, which end at once (seen once, gone at the next look).
    local seen= now=
    for ((i = 0; i < 600; i++)); do
        now=$(run_of "$tmp/" echo_server)
        [ -n "$now" ] && [ "$now" = "$seen" ] && break
        seen=$now
        sleep 0.1
    done
    [ -n "$now" ] && [ "$now" = "$seen" ] ||
        { echo "le serveur n'a jamais démarré"; cat "$tmp/log"; kill -KILL -- "-$pid"; wait "$pid"; return 1; }
    if [ "$sig" = INT ]; then kill -INT -- "-$pid"; else kill -TERM "$pid"; fi
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && { echo "toujours en marche 5 s après SIG$sig"; kill -KILL -- "-$pid"; return 1; }
    wait "$pid" || rc=$?
    [ "$rc" = "$want" ] || { echo "code $rc au lieu de $want"; cat "$tmp/log"; return 1; }
    grep -q "Notation interrompue." "$tmp/log" || { echo "message absent"; cat "$tmp/log"; return 1; }
    sleep 0.3
    local left
    left=$(leftovers "$tmp/")
    [ -z "$left" ] || { echo "processus restants :"; echo "$left"; return 1; }
    [ -z "$(ls -A "$tmp" | grep -v '^log$')" ] || { echo "dossier temporaire restant"; ls -A "$tmp"; return 1; }
}
check "Ctrl-C (SIGINT au groupe) pendant make lab02 : « Notation interrompue. », code 130, rien ne reste" interrupt_ok INT 130
check "SIGTERM à make pendant make lab02 : « Notation interrompue. », code 143, rien ne reste" interrupt_ok TERM 143

echo "   ($(elapsed "$t0"))"

section "Copies hostiles : bornées, expliquées, nettoyées"
t0=$SECONDS
# (graded since the mutants' section, beside it: mostly waiting on budgets)
wait "$HOSTILE_JOB"
rm -rf "$REL"
sleep 0.5
hostile_ok() {
    local name=$1 max_s=$2 max_pts=$3 re=$4 rc secs s0 s1 s2 pts
    read -r rc secs s0 s1 s2 <"$H/$name.rc"
    pts=$(cut -f2 "$H/$name.tsv" 2>/dev/null)
    [ "$rc" = 0 ] || { echo "grade.sh a fini avec le code $rc"; tail -n 30 "$H/$name.log"; return 1; }
    # The bound is in seconds of an idle machine: times the load per core
    # at the grade's start or end (1 to 3), or the grade's own scale.
    local scale
    scale=$(awk -v a="$s0" -v b="$s1" -v c="$s2" 'BEGIN { m = a; if (b > m) m = b; if (c > m) m = c; print m }')
    max_s=$(awk -v t="$max_s" -v s="$scale" 'BEGIN { printf "%d", t * s }')
    ((secs <= max_s)) || { echo "$secs s au lieu de $max_s s au plus (charge : × $scale)"; return 1; }
    [ -n "$pts" ] && ((pts <= max_pts)) || { echo "$pts points au lieu de $max_pts au plus"; tail -n 40 "$H/$name.log"; return 1; }
    grep -Eq -- "$re" "$H/$name.log" || { echo "raison attendue absente : /$re/"; head -n 60 "$H/$name.log"; return 1; }
}
check "copie qui forge des lignes TAP et écrit dans les fichiers du correcteur : 0 point" \
    hostile_ok forge 60 0 'descripteurs forgés : [0-9]+, fichiers forgés : 0'
check "copie espionne (environnements et lignes de commande de /proc, montages, dossiers) : ni graine, ni variable, ni chemin du correcteur" \
    hostile_ok env_spy 60 0 'espion : 0 secret\(s\) trouvé'
check "démon double fork + setsid : 0 point, ne survit pas" hostile_ok daemon 60 0 'sans annoncer'
check "démon double fork, isolation partielle : 0 point, ne survit pas" hostile_ok daemon_partial 60 0 'isolation : partielle'
check "bombe de fork, isolation partielle : bornée" hostile_ok forkbomb_partial 60 0 'forks réussis : [0-9]{1,2},'
check "bombe de fork (3000) : bornée par la limite de processus" hostile_ok forkbomb 60 0 'forks réussis : [0-9]{1,2},'
check "boucle sans fin : le lab s'arrête à son budget (60 s d'une machine au repos, 180 s au plus), tests restants non exécutés" \
    hostile_ok loop 200 0 'budget épuisé|délai de [0-9.]+ s dépassé'
check "boucle sans fin : le rapport nomme le test pendant lequel le budget s'est épuisé" \
    grep -q 'budget épuisé : [0-9]* s pour cette partie du lab, pendant « ' "$H/loop.log"
escapes_ok() {
    hostile_ok escapes 90 100 'pragma message' || return 1
    ! LC_ALL=C grep -n $'\e\|\xc2\x9b\|\xe2\x80\xae' "$H/escapes.log" || return 1
    grep -q 'fichier ignoré .*: ?\[31mbrouillon?\[0m.c' "$H/escapes.log" || { head -n 20 "$H/escapes.log"; return 1; }
}
check "message du compilateur, nom de fichier et sortie du programme avec séquences d'échappement : rendus inertes (« ? »)" escapes_ok
check "serveur qui ignore SIGTERM : l'arrêt échoue, expliqué" hostile_ok ignore_term 90 0 'toujours en marche [0-9.]+ s après SIGTERM'
check "1 Go écrit sur la sortie : coupé à 128 Mio, expliqué" hostile_ok flood 90 20 'sortie coupée à 128 Mio'
check "erreur de segmentation : expliquée" hostile_ok segv 60 10 'erreur de segmentation'
check "1,6 Go écrits dans son dossier, puis cachés (mode 000) : borné à 512 Mio" \
    hostile_ok diskfill 60 0 'écrit : ([0-9]{1,2}|[1-4][0-9]{2}|50[0-9]|51[0-2]) Mio'
check "des centaines de ports pris : borné par la limite de descripteurs" hostile_ok ports 60 0 '[0-9]{1,3} ports pris'
check "#include \"/dev/zero\" : compilation bornée, 0 point" hostile_ok devzero 120 0 'compilation a échoué'
check "#include de la solution par chemin absolu : introuvable, 0 point" hostile_ok include_abs 30 0 'No such file|masqué'
# Without namespaces, the program reads what its user can: the header says
# so exactly when the reference is readable to it (root: as nobody).
include_partial_ok() {
    if [ "$(id -u)" != 0 ] || setpriv --reuid=65534 --regid=65534 --clear-groups \
        test -r "$ROOT/solutions/01_tcp_client/tcp_client.c" 2>/dev/null; then
        hostile_ok include_abs_partial 60 100 'le code noté peut lire solutions/'
    else
        hostile_ok include_abs_partial 60 0 'No such file|Permission|masqué' &&
            ! grep -q 'peut lire solutions/' "$H/include_abs_partial.log"
    fi
}
check "#include de la solution en isolation partielle : refusé, ou l'en-tête du rapport dit que le code noté peut lire solutions/" \
    include_partial_ok
check "#include de la solution par chemin relatif : introuvable, 0 point" hostile_ok include_rel 30 0 'No such file|masqué'
check "lien symbolique vers la solution : ignoré, 0 point" hostile_ok symlink 30 0 'lien symbolique ignoré'
stray_ok() {
    local pts want
    pts=$(cut -f2 "$H/stray.tsv" 2>/dev/null) want=$(rubric_sum grader/tests/01_tcp_client.bats "$FEW_T")
    [ "$pts" = "$want" ] || { echo "$pts points au lieu de $want"; tail -n 40 "$H/stray.log"; return 1; }
    grep -q 'fichier ignoré (il ne fait pas partie des fichiers du lab) : brouillon copie.c' "$H/stray.log" &&
        grep -q 'fichier spécial ignoré .*: attente.h' "$H/stray.log" &&
        grep -q 'dossier ignoré .*: notes' "$H/stray.log" &&
        grep -q 'fichier ignoré : plus de 1 Mio : gros.bin' "$H/stray.log" || { head -n 20 "$H/stray.log"; return 1; }
}
check "brouillon « brouillon copie.c », FIFO, sous-dossier et gros fichier à côté d'un lab juste : ignorés et nommés, tous les points des tests notés" stray_ok
check "#include exponentiel dans un en-tête du lab 05 : compilation bornée pour tout le lab" \
    hostile_ok ccbomb 60 0 'non lancée : le lab a déjà pris ses 20 s|arrêtée : plus de|out of memory'
check "trois programmes de 50 Mo : taille des programmes du lab bornée" \
    hostile_ok ccbig 120 0 'programmes du lab trop gros'
check "copie sans aucun code réseau (lab 01) : au plus les tests d'usage" \
    hostile_ok nonet_01 90 11 'aucune connexion reçue par le serveur de test'
check "copie sans aucun code réseau (lab 02) : au plus les tests d'usage" \
    hostile_ok nonet_02 90 3 'sans annoncer qu.il est prêt'
check "copie sans socket (lab 04) : au plus le test d'usage" \
    hostile_ok nonet_04 90 5 'attendu : r[0-9a-f]{12}:bonjour UDP|udp_server s.est arrêté \(code 1\) sans annoncer'
check "copie sans socket ni résolveur (lab 05) : au plus le test d'usage" \
    hostile_ok nonet_05 90 5 'ce que le programme affiche doit venir du serveur'
check "copie sans socket (lab 07) : au plus le test d'usage" \
    hostile_ok nonet_07 150 5 'une connexion reçue par le serveur de test|vue\(s\) par le serveur de test'
check "scanner sans socket qui lit /proc/net/tcp (lab 06) : au plus les tests d'usage" \
    hostile_ok nonet_06 240 11 'aucune sur :'
check "lab 03 sans aucune socket (motifs des tests) : au plus le test d'usage" \
    hostile_ok nonet_03 90 5 '✓ \[ 5/ 5\] usage : -h'
check "lab 09 sans aucune socket (motifs des tests) : au plus le test d'usage" \
    hostile_ok nonet_09 90 5 '✓ \[ 5/ 5\] usage : -h'
check "copie sans socket (lab 08) : au plus les tests d'usage" \
    hostile_ok nonet_08 120 9 'la bannière de la cible valide|obtenu  : 127\.0\.0\.1:[0-9]+ -> SSH-2\.0-OpenSSH_9\.2p1\\r\\n$'
check "lab 03 sans socket, isolation partielle : le port d'un autre programme ne compte pas" \
    hostile_ok nonet_03_partial 90 5 'isolation : partielle'
check "lab 09 sans socket, isolation partielle : le port d'un autre programme ne compte pas" \
    hostile_ok nonet_09_partial 90 5 'isolation : partielle'
check "serveur du lab 03 qui plante sous la charge : l'échec le dit d'abord (signal, erreur de segmentation, fin de sa sortie d'erreur)" \
    hostile_ok crash03 120 90 "s'est arrêté pendant le test : 139 \\(erreur de segmentation"
check "serveur du lab 03 avec une course de données : helgrind la montre en français, avec fichier:ligne" \
    hostile_ok vg_race03 240 10 'course de données : .* — dans threaded_server\.c:[0-9]+'
check "dossier de lab qui est un lien vers la solution : non noté, 0 point" \
    hostile_ok labdir_link 30 0 'lien symbolique : non noté'
labs_link_ok() {
    local rc
    read -r rc _ <"$H/labs_link.rc"
    [ "$rc" = 3 ] && grep -q 'lien symbolique vers ses labs : copie non notée' "$H/labs_link.log" ||
        { echo "code $rc"; cat "$H/labs_link.log"; return 1; }
}
check "dossier labs/ qui est un lien vers les solutions : copie refusée, nommée" labs_link_ok
check "lab 01 qui se ré-exécute pour sortir de valgrind et forge un bilan propre : test mémoire perdu" \
    hostile_ok vg_escape01 120 0 'fuite certaine|lecture invalide'
check "lab 02 qui se ré-exécute pour sortir de valgrind et forge un bilan propre : test mémoire perdu" \
    hostile_ok vg_escape02 120 0 'fuite certaine|lecture invalide'
no_solution_shown() {
    ! grep -l -e 'BEGIN SOLUTION' -e 'open_connection' -e 'TODO(lab' "$H"/include_*.log "$H"/symlink.log
}
check "aucun rapport ne montre une ligne de la solution incluse" no_solution_shown
badname_ok() {
    hostile_ok badname 60 100 'Lab 01' || return 1
    ! find "$ROOT" "$H" "$HOME" -maxdepth 3 -name 'pwned*' 2>/dev/null | grep -q . || { echo "commande exécutée à la compilation"; return 1; }
}
check "fichier source nommé « z;touch pwned;'q\" \$(…).c » : aucune commande exécutée" badname_ok
# No report shows a line of the grader's shell or bats' plumbing: every
# failure goes through a French message. The badname copy is left out: its
# file name is student data that looks like shell on purpose.
no_shell_in_reports() {
    local bad
    bad=$(grep -HnE 'la commande du test a échoué|in test file|from function|BATS_|\$\(|"\$[A-Za-z_{]|^ *[a-z_]+=\$' \
        $(ls "$H"/*.log "$WORK"/mutants/*/report.*.log 2>/dev/null | grep -v '/badname\.log$') | head -n 10)
    [ -z "$bad" ] || { echo "$bad"; return 1; }
}
check "rapports des mutants et des copies hostiles : aucune ligne de shell ni de bats, seulement des messages en français" no_shell_in_reports
small_things_ok() {
    local rc=0
    make -s lab3 >"$WORK/lab3.log" 2>&1 || rc=$?
    [ "$rc" = 2 ] && grep -q 'voulez-vous dire make lab03' "$WORK/lab3.log" || { cat "$WORK/lab3.log"; return 1; }
    make -s lab >"$WORK/lab.log" 2>&1 && grep -q 'make lab01 ' "$WORK/lab.log" || { cat "$WORK/lab.log"; return 1; }
}
check "make lab3 propose make lab03, make lab liste les labs" small_things_ok
hints_ok() {
    ! grep -nE '@hint.*(UNP|STYLE|Stevens|APUE|CS:APP|Beej|redis|OpenBSD|ldns|c-ares)' grader/tests/*.bats
}
check "les indices ne citent que ce que l'étudiant a (cours, man, énoncé, RFC) : ni livre non expliqué, ni notes des mainteneurs" hints_ok
progress_ok() {
    command -v script >/dev/null || { echo "script absent (bsdutils)"; return 1; }
    # A test that lasts (the 10 s default delay).
    NOVALGRIND=1 T='^sans -t' timeout 300 script -qec "bash grader/grade.sh --tree solutions 01" /dev/null \
        >"$WORK/tty.log" 2>&1
    grep -aq 'en cours (1/1, [0-9]* s) : sans -t' "$WORK/tty.log" || { tr '\r' '\n' <"$WORK/tty.log" | tail -n 5; return 1; }
}
check "sur un terminal, le test en cours et son temps s'affichent sous le dernier résultat" progress_ok
parser_loop_told() {
    grep -q 'boucle sans fin probable' "$WORK/mutants/05_dns.pointer_no_limit.log" ||
        { tail -n 20 "$WORK/mutants/05_dns.pointer_no_limit.log"; return 1; }
}
check "analyseur DNS qui boucle sur des pointeurs (mutant du lab 05) : « boucle sans fin probable », avec le dernier test réussi" parser_loop_told
# What a student reads for the faults issue 13 names: never a bare « 99 »
# (valgrind's exit code) in any report; a server serving one client at a
# time is told what was measured; the servers' skeletons (they announce
# their port, then return) are told to keep accepting clients.
no_bare_99() {
    ! grep -HnE 'obtenu *: 99( —|$)' "$H"/*.log "$WORK"/mutants/*.log 2>/dev/null | head -n 5 | grep .
}
check "aucun rapport ne donne le code 99 de valgrind sans dire ce qu'il signifie" no_bare_99
one_at_a_time_told() {
    grep -q 'en même temps' "$WORK/mutants/03_threaded_server.one_client_at_a_time.log" ||
        { tail -n 30 "$WORK/mutants/03_threaded_server.one_client_at_a_time.log"; return 1; }
}
check "serveur qui sert un client à la fois (mutant du lab 03) : le rapport dit combien de clients étaient servis en même temps" one_at_a_time_told
skeleton_told() {
    NOVALGRIND=1 T='^annonce' bash grader/grade.sh --tree labs 03 09 >"$WORK/skel.announce.log" 2>&1
    [ "$(grep -c "s'est terminé juste après avoir annoncé son port" "$WORK/skel.announce.log")" = 2 ] &&
        grep -q 'une boucle qui accepte (accept)' "$WORK/skel.announce.log" || { cat "$WORK/skel.announce.log"; return 1; }
}
check "squelettes des serveurs 03 et 09 : le premier échec dit que le serveur s'arrête après son annonce et qu'il doit accepter les clients" skeleton_told
nothing_left() {
    local left
    left=$(leftovers "$H/")
    [ -z "$left" ] || { echo "$left"; return 1; }
    left=$(ls -A "$H/tmp")
    [ -z "$left" ] || { echo "dossiers de notation restants : $left"; return 1; }
}
if [ "$(id -u)" = 0 ]; then
    # The same hostile copies, graded by an ordinary user (nobody): the
    # sandbox of user namespaces holds as root's does.
    user_ok() {
        grep -q 'isolation : complète' "$H/$1_user.log" || { head -n 5 "$H/$1_user.log"; return 1; }
        hostile_ok "$1_user" "$2" "$3" "$4"
    }
    check "utilisateur ordinaire : la copie espionne ne trouve ni graine, ni variable, ni chemin" \
        user_ok env_spy 60 0 'espion : 0 secret\(s\) trouvé'
    check "utilisateur ordinaire : 1,6 Go écrits puis cachés (mode 000), bornés à 512 Mio et effacés" \
        user_ok diskfill 60 0 'écrit : ([0-9]{1,2}|[1-4][0-9]{2}|50[0-9]|51[0-2]) Mio'
    check "utilisateur ordinaire : la copie qui sort de valgrind et forge son bilan perd le test mémoire" \
        user_ok vg_escape01 120 0 'fuite certaine|lecture invalide'
    check "utilisateur ordinaire : aucun dossier de notation restant" test -z "$(ls -A "$H/utmp" | grep -v '\.tsv$')"
fi
check "copies hostiles : aucun processus ni dossier de notation restant" nothing_left
nothing_changed() {
    git status --porcelain --untracked-files=all | grep -v '^?? build/' >"$H/git.after"
    diff "$H/git.before" "$H/git.after" || return 1
    local changed
    changed=$(find "$ROOT" "$HOME" -xdev -newer "$H/stamp" -type f 2>/dev/null |
        grep -v -e "^$ROOT/build/" -e "^$WORK" -e '/\.cache/' -e '/\.git/' | head)
    [ -z "$changed" ] || { echo "fichiers modifiés :"; echo "$changed"; return 1; }
    [ ! -e /root/forged ] && [ ! -e /usr/forged ]
}
check "copies hostiles : aucun fichier modifié hors du dossier de la notation" nothing_changed

# Where make test's time goes: each hostile grade's seconds, longest first.
echo "   (durée de chaque copie : $(for f in "$H"/*.rc; do n=${f##*/}; read -r _ secs _ <"$f"; echo "$secs ${n%.rc}"; done |
    sort -rn | awk '{ printf "%s%s %d s", (NR > 1 ? ", " : ""), $2, $1 }'))"
echo "   ($(elapsed "$t0"))"

printf '\n%d passed, %d failed\n' "$PASSED" "$FAILED"
((FAILED == 0))
