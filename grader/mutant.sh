#!/usr/bin/env bash
# mutant.sh [--full] PATCH DIR — grades one mutant: the reference's lab
# folder copied into DIR, PATCH (a grader/mutants/NN_nom/*.patch, or one
# that mutate.py --patches wrote) applied to it.
#
# A patch may name, on a "Test : NAME" line of its header, the test that
# kills it (make mutants-tests writes it): that test alone is graded first
# (valgrind only for a memory test); the whole lab only if it does not
# fail there, or with --full. The whole lab: FAILFAST=1 NOVALGRIND=1, then
# the memory tests with valgrind only when every other test passed.
#
# A mutant is killed when a test fails (✗): a budget spent or a test not
# run is not a kill (report.py verdict, the rule mutate.py and make test
# judge by too). Prints the reports, then these lines:
#   RESULT patch | compile | killed | survived | budget (tests not run)
#          (then points TAB max)
#   KILLER NAME       the first test that failed
#   STALE NAME        the recorded test did not fail (another one did, or none)
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# verdict LOG — "killed<TAB>NAME", "budget" or "survived".
verdict_of() { python3 "$ROOT/grader/lib/report.py" verdict "$1"; }
full=0
[ "${1:-}" = --full ] && { full=1; shift; }
patch=$1 dir=$2
lab=$(basename "$(dirname "$patch")")
num=${lab%%_*}
mkdir -p "$dir" && cp -R "$ROOT/solutions/$lab" "$dir/" || exit 3
if ! patch -s --fuzz=0 -p1 -d "$dir" <"$patch"; then echo "RESULT patch"; exit 0; fi

# The header, up to the diff: its Test line.
test=$(sed -n '/^--- /q; s/^Test : //p' "$patch" | head -n 1)
((full)) && test=

# grade LOG [ENV…] — one FAILFAST grade of the mutant; its points in $dir/summary.
grade() {
    local log=$1
    shift
    : >"$dir/summary"
    env FAILFAST=1 BUDGET_SCALE="${BUDGET_SCALE:-3}" "$@" bash "$ROOT/grader/grade.sh" --tree "$dir" --summary "$dir/summary" "$num" >"$log" 2>&1
    cat "$log"
    if grep -q 'la compilation a échoué' "$log"; then echo "RESULT compile"; exit 0; fi
}
verdict() { # LOG
    local kind killer
    IFS=$'\t' read -r kind killer <<<"$(verdict_of "$1")"
    [ "$kind" = killed ] && echo "KILLER $killer"
    # Budget: tests not run, neither killed nor survived.
    echo "RESULT $kind $(cut -f2,3 "$dir/summary")"
}

if [ -n "$test" ]; then
    # The name as an exact extended regular expression.
    re="^$(printf '%s' "$test" | sed 's/[][\.*^$?+(){}|/]/\\&/g')\$"
    novg=1
    [ "${test#mémoire}" != "$test" ] && novg=0
    grade "$dir/report.test.log" NOVALGRIND=$novg T="$re"
    if [ "$(verdict_of "$dir/report.test.log")" = killed$'\t'"$test" ]; then
        verdict "$dir/report.test.log"
        exit 0
    fi
    echo "STALE $test"
fi
grade "$dir/report.quick.log" NOVALGRIND=1
if [ "$(verdict_of "$dir/report.quick.log")" != survived ]; then
    verdict "$dir/report.quick.log"
else
    # Every other test passed: the memory tests alone, with valgrind.
    grade "$dir/report.full.log" T='^mémoire'
    verdict "$dir/report.full.log"
fi
