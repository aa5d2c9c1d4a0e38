#!/usr/bin/env bash
# grade.sh — compile et note les labs d'un arbre : rapport en français, tableau, results.json.
#
# Usage: grade.sh [--tree DIR] [--json FILE] [--summary FILE] [--strict] [--quiet] all|NN...
#   --tree DIR     labs to grade: a folder of NN_* labs, or a repository holding labs/
#   --json FILE    Gradescope results.json (score, max_score, tests[])
#   --summary FILE append "NN<TAB>points<TAB>max<TAB>memory" per lab (for selftest)
#   --strict       exit 1 unless every graded lab has full marks (make labNN)
# Environment: T (test-name regex), SEED, NOVALGRIND=1, TIMEOUT_SCALE, NO_COLOR, CC.
# Exit: 0 grading done (and, with --strict, full marks), 1 not full marks
# with --strict, 3 the grader itself could not run.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TREE=labs JSON= SUMMARY= STRICT=0 QUIET=0 LABS=()
while (($#)); do
    case $1 in
    --tree) TREE=$2; shift 2 ;;
    --json) JSON=$2; shift 2 ;;
    --summary) SUMMARY=$2; shift 2 ;;
    --strict) STRICT=1; shift ;;
    --quiet) QUIET=1; shift ;;
    all) for f in "$ROOT"/grader/tests/[0-9][0-9]_*.bats; do b=${f##*/}; LABS+=("${b%%_*}"); done; shift ;;
    [0-9][0-9]) LABS+=("$1"); shift ;;
    *) echo "grade.sh: argument inconnu : $1" >&2; exit 3 ;;
    esac
done
((${#LABS[@]})) || { echo "grade.sh: aucun lab demandé (NN ou all)" >&2; exit 3; }

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    GREEN=$'\e[32m' RED=$'\e[31m' YELLOW=$'\e[33m' BOLD=$'\e[1m' DIM=$'\e[2m' OFF=$'\e[0m'
else
    GREEN= RED= YELLOW= BOLD= DIM= OFF=
fi
say() { ((QUIET)) || printf '%s\n' "$*"; }

# A student's repository (with labs/) or a bare copy of labs/.
case $TREE in /*) ;; *) TREE=$PWD/$TREE ;; esac
if compgen -G "$TREE/labs/[0-9][0-9]_*" >/dev/null; then
    LABROOT=$TREE/labs
elif compgen -G "$TREE/[0-9][0-9]_*" >/dev/null; then
    LABROOT=$TREE
else
    echo "grade.sh: aucun dossier de lab (NN_nom) dans « $TREE »" >&2
    exit 3
fi

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/grade.XXXXXX") || exit 3
: >"$RUN_DIR/pgids"
BATS_PID=
# Every process a test starts runs in its own process group, recorded in
# pgids; an interrupted grade kills them all, so nothing is left behind.
cleanup() {
    trap - EXIT INT TERM
    [ -n "$BATS_PID" ] && kill -TERM "$BATS_PID" 2>/dev/null
    local g
    while read -r g; do
        [ -n "$g" ] && kill -KILL -- "-$g" 2>/dev/null
    done <"$RUN_DIR/pgids"
    [ -n "$BATS_PID" ] && kill -KILL -- "-$BATS_PID" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT
trap 'echo "Notation interrompue." >&2; exit 130' INT TERM

BUILD=$RUN_DIR/build
FAKES=$BUILD/grader/fakes
if ! make -s -C "$ROOT" --no-print-directory BUILD="$BUILD" \
    "$FAKES/peer" "$FAKES/probe" "$FAKES/load" >"$RUN_DIR/tools.log" 2>&1; then
    echo "grade.sh: impossible de compiler les outils du correcteur :" >&2
    cat "$RUN_DIR/tools.log" >&2
    exit 3
fi

SEED=${SEED:-$(((RANDOM << 15 | RANDOM) % 1000000))}
export SEED
if [ "${NOVALGRIND:-0}" != 1 ] && ! command -v valgrind >/dev/null 2>&1; then
    say "${YELLOW}valgrind absent : les tests mémoire ne seront pas exécutés.${OFF}"
fi
say "${DIM}Graine des données aléatoires : $SEED (rejouer : SEED=$SEED)${OFF}"

json_escape() {
    local s
    s=$(printf '%s' "$1" | LC_ALL=C tr -d '\000-\010\013\014\016-\037')
    s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\t'/\\t}; s=${s//$'\r'/\\r}
    s=${s//$'\n'/\\n}
    printf '%s' "$s"
}

TOTAL=0 TOTAL_MAX=0 ALL_FULL=1 TABLE=() JSON_TESTS=()

# Compiles every .c of the lab folder into $2; the compiler's messages go to $3.
compile_lab() {
    local dir=$1 out=$2 log=$3 src ok=0
    : >"$log"
    for src in "$dir"/*.c; do
        [ -e "$src" ] || { echo "aucun fichier .c dans $dir" >>"$log"; return 1; }
        local prog=${src##*/}
        make -s -C "$ROOT" --no-print-directory BUILD="$BUILD" prog \
            SRC="$src" OUT="$out/${prog%.c}" >>"$log" 2>&1 || ok=1
    done
    return $ok
}

grade_lab() {
    local num=$1 testfile rubric base name labdir tap records
    testfile=$(compgen -G "$ROOT/grader/tests/${num}_*.bats" | head -n 1)
    [ -n "$testfile" ] || { echo "grade.sh: pas de tests pour le lab $num" >&2; exit 3; }
    base=${testfile##*/}; base=${base%.bats}; name=${base#*_}
    rubric=${testfile%.bats}.rubric
    labdir=$(compgen -G "$LABROOT/${num}_*" | head -n 1)
    tap=$RUN_DIR/$num.tap records=$RUN_DIR/$num.records
    : >"$tap"

    say ""
    say "${BOLD}━━ Lab $num — $name ━━${OFF}"
    local failure=
    if [ -z "$labdir" ]; then
        failure="dossier ${num}_* absent de $LABROOT"
    elif ! compile_lab "$labdir" "$RUN_DIR/bin/$num" "$RUN_DIR/$num.cc.log"; then
        failure="la compilation a échoué (avertissements = erreurs) :"$'\n'$(grep -v '^make: \*\*\*' "$RUN_DIR/$num.cc.log" | head -c 4000)
    fi
    [ -n "$failure" ] && say "$(printf '%s\n' "$failure" | sed "s/^/  ${RED}│${OFF} /")"

    if [ -z "$failure" ]; then
        local scale=${TIMEOUT_SCALE:-1} limit
        limit=$(awk -v s="$scale" 'BEGIN { printf "%d", 600 * s }')
        local filt=()
        [ -n "${T:-}" ] && filt=(-f "$T")
        PROG_DIR="$RUN_DIR/bin/$num" FAKE_DIR="$FAKES" GRADER_PGIDS="$RUN_DIR/pgids" \
            timeout -k 5 "$limit" bats --tap "${filt[@]}" "$testfile" >"$tap" 2>&1 </dev/null &
        BATS_PID=$!
        wait "$BATS_PID"
        BATS_PID=
    fi
    awk -v filter="${T:-}" -f "$ROOT/grader/lib/score.awk" "$rubric" "$tap" >"$records"

    local pts=0 max=0 mem="—" line st earned tmax tname hint detail out= pending_hint=
    # The hint closes a failed test's report, after what went wrong.
    flush_hint() {
        [ -n "$pending_hint" ] && say "      ${YELLOW}indice :${OFF} $pending_hint"
        pending_hint=
    }
    while IFS= read -r line; do
        case $line in
        U$'\t'*) say "  ${YELLOW}? test absent du barème : ${line#U	}${OFF}" ;;
        R$'\t'*)
            flush_hint
            [ -n "${tname:-}" ] && JSON_TESTS+=("$(json_test)")
            IFS=$'\t' read -r _ st earned tmax tname hint detail <<<"$line"
            out=
            [ "$st" = filtered ] && { tname=; continue; }
            [ -n "$failure" ] && st=fail && out=$failure
            pts=$((pts + earned)); max=$((max + tmax))
            case $tname in mémoire*)
                case $st in pass) [ "$mem" = "—" ] && mem=OK ;; skip) [ "$mem" != ÉCHEC ] && mem="non exécuté" ;; *) mem=ÉCHEC ;; esac ;;
            esac
            case $st in
            pass) say "  ${GREEN}✓${OFF} [$(printf '%2d/%2d' "$earned" "$tmax")] $tname" ;;
            skip) say "  ${YELLOW}–${OFF} [$(printf '%2d/%2d' 0 "$tmax")] $tname ${DIM}(non exécuté : $detail)${OFF}"
                  out="non exécuté : $detail" ;;
            *) if [ -n "$failure" ]; then
                   say "  ${RED}✗${OFF} [$(printf '%2d/%2d' 0 "$tmax")] $tname ${DIM}(non compilé)${OFF}"
                   continue
               fi
               say "  ${RED}✗${OFF} [$(printf '%2d/%2d' 0 "$tmax")] $tname"
               [ "$st" = missing ] &&
                   out="aucun résultat : le correcteur a été arrêté (délai global dépassé ?)" &&
                   say "      $out"
               pending_hint=$hint ;;
            esac
            [ "$st" = fail ] && [ -n "$hint" ] && out=${out:+$out$'\n'}"indice : $hint"
            ;;
        D$'\t'*)
            local d=${line#D	}
            # Our assertions explain themselves in French; bats' own line
            # naming them would only repeat it.
            case $d in "échec de : expect_"* | "échec de : fail_fr"*) continue ;; esac
            [ -z "$failure" ] && [ "$st" = fail ] && {
                say "      $d"
                out=${out:+$out$'\n'}$d
            } ;;
        esac
    done <"$records"
    flush_hint
    [ -n "${tname:-}" ] && JSON_TESTS+=("$(json_test)")
    tname=

    local colour=$RED
    ((pts == max)) && colour=$GREEN
    ((pts == max)) || ALL_FULL=0
    say "${BOLD}Lab $num — $name : ${colour}$pts/$max${OFF}"
    TOTAL=$((TOTAL + pts)); TOTAL_MAX=$((TOTAL_MAX + max))
    TABLE+=("$(printf '%-24s %6d %6d   %s' "$num $name" "$pts" "$max" "$mem")")
    [ -n "$SUMMARY" ] && printf '%s\t%d\t%d\t%s\n' "$num" "$pts" "$max" "$mem" >>"$SUMMARY"
}

json_test() {
    local status=failed
    [ "$st" = pass ] && status=passed
    printf '{"name": "%s", "score": %d, "max_score": %d, "status": "%s", "output": "%s"}' \
        "$(json_escape "Lab $num — $tname")" "$earned" "$tmax" "$status" "$(json_escape "$out")"
}

for num in "${LABS[@]}"; do
    grade_lab "$num"
done

if ((${#LABS[@]} > 1)); then
    say ""
    say "${BOLD}$(printf '%-24s %6s %6s   %s' Lab Points Max Mémoire)${OFF}"
    for row in "${TABLE[@]}"; do say "$row"; done
    say "${BOLD}$(printf '%-24s %6d %6d' Total "$TOTAL" "$TOTAL_MAX")${OFF}"
fi

if [ -n "$JSON" ]; then
    mkdir -p "$(dirname "$JSON")"
    tmp=$(mktemp "$JSON.XXXXXX") || exit 3
    {
        printf '{\n  "score": %d,\n  "max_score": %d,\n  "tests": [\n' "$TOTAL" "$TOTAL_MAX"
        sep=
        for t in "${JSON_TESTS[@]}"; do printf '%s    %s' "$sep" "$t"; sep=$',\n'; done
        printf '\n  ]\n}\n'
    } >"$tmp" && mv -f "$tmp" "$JSON"
    say "Rapport Gradescope : $JSON"
fi

((STRICT && !ALL_FULL)) && exit 1
exit 0
