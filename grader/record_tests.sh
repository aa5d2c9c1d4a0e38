#!/usr/bin/env bash
# record_tests.sh [--all] [NN…] — « make mutants-tests » : grades the
# mutants of make test (the hand-written patches, and the first
# MUTANT_SAMPLE of each sample.txt, 4 by default, 0 for all) on their whole
# lab, and records the first test that kills each: a "Test : NAME" line in
# the patch's header, a third column in sample.txt. make test then grades
# that test alone (grader/mutant.sh), a few seconds instead of a lab.
#
# Only the mutants without a record, unless --all. Each record is written
# as soon as its mutant is graded: an interrupted run keeps what it found.
# A mutant that no test kills is named (a test is missing, or it is
# equivalent), and keeps its record if it had one.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 3
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/record.XXXXXX")
chmod 711 "$WORK"
trap 'rm -rf "$WORK"' EXIT
trap 'echo "interrompu" >&2; exit 130' INT TERM
export GRADER_TOOLS=$WORK/tools NO_COLOR=1 TIMEOUT_SCALE=${TIMEOUT_SCALE:-2}

all=0
[ "${1:-}" = --all ] && { all=1; shift; }
labs=("$@")
[ ${#labs[@]} -gt 0 ] || mapfile -t labs < <(ls grader/mutants | sed -n 's/^\([0-9][0-9]\)_.*/\1/p')
patches=()
for n in "${labs[@]}"; do
    d=$(compgen -G "grader/mutants/${n}_*" | head -n 1)
    [ -n "$d" ] || { echo "record_tests : pas de grader/mutants/${n}_*" >&2; exit 2; }
    patches+=("$d"/*.patch)
    if [ -f "$d/sample.txt" ]; then
        python3 grader/mutate.py --sample --sample-max "${MUTANT_SAMPLE:-4}" --patches "$WORK/generated" "$n" || exit 1
        patches+=("$WORK/generated/${d##*/}"/*.patch)
    fi
done
todo=()
for p in "${patches[@]}"; do
    ((all)) || ! grep -q '^Test : ' "$p" && todo+=("$p")
done
echo "${#todo[@]} mutant(s) à noter sur tout leur lab, $JOBS à la fois (TIMEOUT_SCALE=$TIMEOUT_SCALE)"

# record PATCH TEST — under a lock: patches of one lab share sample.txt.
record() {
    local p=$1 test=$2
    case $p in
    "$WORK"/generated/*)
        local lab id
        lab=$(basename "$(dirname "$p")") id=$(basename "$p" .patch)
        python3 "$ROOT/grader/mutate.py" --record-test "${id/_/:}" "$test" "${lab%%_*}" ;;
    *)
        awk -v t="Test : $test" 'NR == 1 { print; print t; next } NR == 2 && /^Test : / { next } { print }' \
            "$p" >"$p.new" && mv "$p.new" "$p" ;;
    esac
}
one() { # PATCH
    local key out result killer
    key=$(printf '%s' "$1" | md5sum | cut -c1-12)
    out=$WORK/out.$key
    bash "$ROOT/grader/mutant.sh" --full "$1" "$WORK/m.$key" >"$out" 2>&1
    rm -rf "$WORK/m.$key"
    result=$(sed -n 's/^RESULT \([a-z]*\).*/\1/p' "$out") killer=$(sed -n 's/^KILLER //p' "$out")
    if [ "$result" = killed ] && [ -n "$killer" ]; then
        (flock 9 && record "$1" "$killer") 9>"$WORK/lock"
        echo "tué par « $killer » : ${1#"$WORK"/generated/}"
    else
        echo "NON tué ($result) : ${1#"$WORK"/generated/}"
        grep -v '✓' "$out" | tail -n 15 | sed 's/^/    | /'
    fi
}
export -f one record
export ROOT WORK
printf '%s\n' "${todo[@]}" | xargs -r -P "$JOBS" -I{} bash -c 'one "$1"' _ {} | tee "$WORK/done"
! grep -q '^NON tué' "$WORK/done"
