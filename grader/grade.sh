#!/usr/bin/env bash
# grade.sh — compile et note les labs d'un arbre, dans un bac à sable :
# rapport en français au fil des tests, tableau, results.json.
#
# Usage: grade.sh [--tree DIR] [--json FILE] [--summary FILE] [--strict] [--quiet] all|NN...
#   --tree DIR     labs to grade: a folder of NN_* labs, or a repository holding labs/
#   --json FILE    Gradescope results.json
#   --summary FILE append "NN<TAB>points<TAB>max<TAB>memory" per lab (for selftest)
#   --strict       exit 1 unless every graded lab has full marks (make labNN)
# grade.sh --time-scale  prints the TIMEOUT_SCALE the load gives (and exits)
# Environment: T (test-name regex), SEED, NOVALGRIND=1, FAILFAST=1 (stop a lab
# at its first failed test: mutants), TIMEOUT_SCALE (default: the load per
# core, 1 to 3), NO_COLOR, CC, CFLAGS, GRADER_TOOLS (a folder where the
# grader's own tools are built once and reused), BUDGET_SCALE (an integer
# multiplying the budgets only),
# GRADER_SANDBOX=none (force the partial isolation), GRADER_TAP=FILE (append
# bats' raw TAP there: for maintainers).
# Exit: 0 grading done (and, with --strict, full marks), 1 not full marks
# with --strict, 2 usage error (T=…), 3 the grader itself could not run,
# 130/143 interrupted.
# Linux only: namespaces (bubblewrap), /proc, GNU timeout.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB=$ROOT/grader/lib
# shellcheck source=lib/python.bash
source "$LIB/python.bash"
# shellcheck source=lib/builtin.bash
source "$LIB/builtin.bash"
TREE=labs JSON= SUMMARY= STRICT=0 QUIET=0 LABS=()
# rubric_tsv BATS — the lab's rubric: points<TAB>name<TAB>hint.
rubric_tsv() { python3 "$LIB/rubric.py" tsv "$1"; }
# load_scale — the load per core, 1 to 3 (one decimal; 1 when idle).
load_scale() {
    local m s
    load_micro m
    from_micro s $(((m + 50000) / 100000 * 100000))
    echo "$s"
}
all_labs() { local f b; for f in "$ROOT"/grader/tests/[0-9][0-9]_*.bats; do b=${f##*/}; echo "${b%%_*}"; done; }
while (($#)); do
    case $1 in
    --tree) TREE=$2; shift 2 ;;
    --json) JSON=$2; shift 2 ;;
    --summary) SUMMARY=$2; shift 2 ;;
    --strict) STRICT=1; shift ;;
    --quiet) QUIET=1; shift ;;
    all) mapfile -t -O "${#LABS[@]}" LABS < <(all_labs); shift ;;
    --time-scale) load_scale; exit 0 ;; # (selftest: one scale for a whole run)
    --labs)
        # Every lab of the suite: folder name and maximum (the gradebook's columns).
        for n in $(all_labs); do
            f=$(compgen -G "$ROOT/grader/tests/${n}_*.bats" | head -n 1)
            b=${f##*/}
            printf '%s\t%s\n' "${b%.bats}" "$(rubric_tsv "$f" | awk -F'\t' '!/^[ \t]*(#|$)/ { s += $1 } END { print s + 0 }')"
        done
        exit 0 ;;
    [0-9][0-9])
        if ! compgen -G "$ROOT/grader/tests/$1_*.bats" >/dev/null; then
            echo "Le lab $1 n'existe pas. Labs disponibles : $(all_labs | tr '\n' ' ')" >&2
            exit 2
        fi
        LABS+=("$1"); shift ;;
    *) echo "grade.sh: argument inconnu : $1" >&2; exit 3 ;;
    esac
done
((${#LABS[@]})) || { echo "grade.sh: aucun lab demandé (NN ou all)" >&2; exit 3; }
T=${T:-}
if [ -n "$T" ]; then
    # bats matches names with bash's =~: an invalid regex would select nothing.
    [[ "" =~ $T ]]
    if (($? == 2)); then
        echo "T=« $T » : expression régulière invalide (syntaxe étendue POSIX, comme grep -E)" >&2
        exit 2
    fi
fi

say() { ((QUIET)) || printf '%s\n' "$*"; }
# inert — a student-controlled text made harmless for a terminal or a file:
# control characters (C0, DEL, C1) and bidirectional overrides become « ? »,
# invalid UTF-8 is replaced.
inert() { python3 "$LIB/report.py" inert; }

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    RED=$'\e[31m' YELLOW=$'\e[33m' BOLD=$'\e[1m' DIM=$'\e[2m' OFF=$'\e[0m'
else
    RED= YELLOW= BOLD= DIM= OFF=
fi

# bats-core >= 1.7: the floor set when helpers.bash used bats_load_library;
# only 1.8.2 (Debian 12) is run here.
bats_version=$(bats --version 2>/dev/null | awk '{ print $2 }')
if ! printf '%s\n1.7.0\n' "${bats_version:-0}" | sort -V -C -r 2>/dev/null; then
    echo "grade.sh: bats-core 1.7 ou plus récent est nécessaire (trouvé : ${bats_version:-aucun})" >&2
    echo "  sudo apt-get install -y bats" >&2
    exit 3
fi
command -v python3 >/dev/null || { echo "grade.sh: python3 est nécessaire (sudo apt-get install -y python3)" >&2; exit 3; }

# shellcheck source=lib/sandbox.bash
source "$LIB/sandbox.bash"
sandbox_detect
export SANDBOX_MODE

# A student's repository (with labs/) or a bare copy of labs/: real
# folders only, never a symbolic link (it could lead to solutions/).
case $TREE in /*) ;; *) TREE=$PWD/$TREE ;; esac
TREE=${TREE%/}
if [ -L "$TREE" ] || [ -L "$TREE/labs" ]; then
    echo "grade.sh: « $(printf '%s' "${TREE##*/}" | inert) » est ou contient un lien symbolique vers ses labs : copie non notée (seuls les vrais dossiers et fichiers le sont)" >&2
    exit 3
fi
if compgen -G "$TREE/labs/[0-9][0-9]_*" >/dev/null; then
    LABROOT=$TREE/labs
elif compgen -G "$TREE/[0-9][0-9]_*" >/dev/null; then
    LABROOT=$TREE
else
    echo "grade.sh: aucun dossier de lab (NN_nom) dans « $(printf '%s' "$TREE" | inert) »" >&2
    exit 3
fi

# As root, the sandbox's user must reach the run folder (bwrap binds it
# after dropping to that user): a TMPDIR it cannot cross gives way to /tmp.
TMPBASE=${TMPDIR:-/tmp}
if [ "$(id -u)" = 0 ] && ! setpriv --reuid="$SANDBOX_UID" --regid="$SANDBOX_GID" --clear-groups \
    test -x "$TMPBASE" 2>/dev/null; then
    TMPBASE=/tmp
fi
RUN_DIR=$(mktemp -d "$TMPBASE/grade.XXXXXX") || exit 3
# Traversable (not readable) by the sandbox's user in the partial mode.
chmod 711 "$RUN_DIR"
JOB_PIDFILE=$RUN_DIR/job.pid WATCH_PIDFILE=$RUN_DIR/watch.pid READER_PID= PHASE_PID=
# stop_watch — ends the phase's budget_watch, if any, and forgets its pid
# (a pid left in the file could be another process's by the next phase).
stop_watch() {
    [ -s "$WATCH_PIDFILE" ] && kill -KILL "$(cat "$WATCH_PIDFILE")" 2>/dev/null
    : >"$WATCH_PIDFILE"
}
kill_job() {
    local p
    # The reader first: it must not report the end of a run it did not see
    # through, then the phase's shell, then the lab itself.
    # Each kill is waited for at once: bash would print a job notice.
    [ -n "$READER_PID" ] && { kill -KILL "$READER_PID"; wait "$READER_PID"; } 2>/dev/null
    [ -n "$PHASE_PID" ] && { kill -KILL "$PHASE_PID"; wait "$PHASE_PID"; } 2>/dev/null
    stop_watch
    if [ -s "$JOB_PIDFILE" ]; then
        p=$(cat "$JOB_PIDFILE")
        # timeout leads its own process group: it, the lab sandbox and,
        # with it, every process of the lab.
        kill -KILL -- "-$p" 2>/dev/null
        : >"$JOB_PIDFILE"
    fi
    PHASE_PID= READER_PID=
    return 0
}
cleanup() {
    trap - EXIT INT TERM
    # kill_job waits for what it kills; a bare wait could hang on a child
    # still holding the fifo.
    kill_job
    [ "$SANDBOX_MODE" = partial ] && partial_sweep
    # Whatever modes a program set on its folders (the partial mode's
    # folders are on the disk; elsewhere they were on the lab's tmpfs).
    [ "$(id -u)" = 0 ] || chmod -R u+rwX "$RUN_DIR" 2>/dev/null
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT
interrupted() {
    kill_job
    echo "Notation interrompue." >&2
    exit "$1"
}
trap 'interrupted 130' INT
trap 'interrupted 143' TERM

# Without a PID namespace, a program that escaped its process group is
# found by its working folder (every student program runs in one under
# RUN_DIR/work).
partial_sweep() {
    local p cwd
    for p in /proc/[0-9]*; do
        cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
        case $cwd in "$RUN_DIR"/*) kill -KILL "${p#/proc/}" 2>/dev/null ;; esac
    done
}

START_S=$(date +%s)
# The grader's own tools (fakes, libcommon.a) are built in GRADER_TOOLS
# when it names a folder this user can write (make test, make labNN: built
# once, then only checked by make, under a lock), else in the run folder.
# Not in the partial mode: there a program may run as the grader's user,
# and must not be able to change the tools of the grades that follow.
BUILD=$RUN_DIR/build
if [ -n "${GRADER_TOOLS:-}" ] && [ "$SANDBOX_MODE" != partial ] &&
    mkdir -p "$GRADER_TOOLS" 2>/dev/null && [ -w "$GRADER_TOOLS" ]; then
    BUILD=$(cd "$GRADER_TOOLS" && pwd)
fi
mkdir -p "$BUILD"
FAKES=$BUILD/grader/fakes
FAKE_PROGS=()
for f in "$ROOT"/grader/fakes/*.c; do f=${f##*/}; FAKE_PROGS+=("$FAKES/${f%.c}"); done
if ! flock "$BUILD/.lock" make -s -C "$ROOT" --no-print-directory BUILD="$BUILD" \
    "${FAKE_PROGS[@]}" "$BUILD/libcommon.a" >"$RUN_DIR/tools.log" 2>&1; then
    echo "grade.sh: impossible de compiler les outils du correcteur :" >&2
    cat "$RUN_DIR/tools.log" >&2
    exit 3
fi
# tmp holds bats' folders (expected data): the grader's only.
mkdir -p "$RUN_DIR/work" "$RUN_DIR/tmp" && chmod 711 "$RUN_DIR/work" && chmod 700 "$RUN_DIR/tmp"
sandbox_lab_argv

SEED=${SEED:-$(((RANDOM << 15 | RANDOM) % 1000000))}
export SEED
# On a loaded machine (other grades sharing the cores), every delay and
# budget is scaled by the load per core (1 to 3), unless TIMEOUT_SCALE says.
# A TIMEOUT_SCALE given by the caller (make test, make mutate, the student)
# also fixes the budgets (budget_watch is not used): a run that chose its
# scale costs the same whatever the load.
# BUDGET_SCALE=N (an integer, default 1) multiplies the budgets alone, not
# the tests' delays: make test's references and mutants, graded many at
# once, where a budget only guards against a program that never ends.
BUDGET_FIXED=0
[ -n "${TIMEOUT_SCALE:-}" ] && BUDGET_FIXED=1
BUDGET_SCALE=${BUDGET_SCALE:-1}
[[ $BUDGET_SCALE =~ ^[1-9][0-9]?$ ]] || { echo "BUDGET_SCALE=« $BUDGET_SCALE » : un entier de 1 à 99" >&2; exit 2; }
[ -n "${TIMEOUT_SCALE:-}" ] || TIMEOUT_SCALE=$(load_scale)
export TIMEOUT_SCALE
if [ "$SANDBOX_MODE" = partial ]; then
    ISOLATION="isolation : partielle — $SANDBOX_WHY ; groupes de processus et limites seulement"
    # Without namespaces the program sees the machine's files: say so when
    # it could read the reference (as nobody, or as the grader's own user).
    if [ -d "$ROOT/solutions" ] && { [ "$(id -u)" != 0 ] || setpriv --reuid="$SANDBOX_UID" \
        --regid="$SANDBOX_GID" --clear-groups test -r "$ROOT/solutions" 2>/dev/null; }; then
        ISOLATION+=" ; le code noté peut lire solutions/ et build/ (chmod -R o-rwx solutions build en root)"
    fi
else
    ISOLATION="isolation : complète (bubblewrap : espaces de noms réseau, processus et fichiers ; utilisateur non privilégié)"
fi
say "${DIM}Graine des données aléatoires : $SEED (rejouer : SEED=$SEED) — $ISOLATION${OFF}"
[ "$TIMEOUT_SCALE" = 1 ] || say "${DIM}Machine chargée : délais et budgets multipliés par $TIMEOUT_SCALE (TIMEOUT_SCALE=1 pour l'éviter)${OFF}"
if [ "${NOVALGRIND:-0}" != 1 ] && ! command -v valgrind >/dev/null 2>&1; then
    say "${YELLOW}valgrind absent : les tests mémoire ne seront pas exécutés.${OFF}"
fi
CC=${CC:-cc}
CFLAGS=${CFLAGS:--std=c11 -Wall -Wextra -Werror -pedantic -g -gdwarf-4 -O2}
LDLIBS=${LDLIBS:--pthread}

# lab_annotation BATS KEY — the value of a "# @KEY value" line of the bats
# file (one per line for @program).
lab_annotation() { sed -n "s/^# @$2 //p" "$1"; }

# Compiler messages, for the student: locations in the lab shown without the
# sandbox's prefix; a message about a file outside the lab (an #include of
# some other file) is replaced by one line, never its content.
cc_filter() {
    awk -v src="$1" -v common="$2" -v gsrc="${3:-/nonexistent/}" '
    function strip(line,    i) {
        while ((i = index(line, src)) > 0) line = substr(line, 1, i - 1) substr(line, i + length(src))
        while ((i = index(line, common)) > 0) line = substr(line, 1, i - 1) "common/" substr(line, i + length(common))
        while ((i = index(line, gsrc)) > 0) line = substr(line, 1, i - 1) "correcteur/" substr(line, i + length(gsrc))
        return line
    }
    function loc_ok(path) { return index(path, src) == 1 || index(path, common) == 1 || index(path, gsrc) == 1 || path ~ /^\/usr\// }
    /^ / && !/^ +from / { if (keep) print strip($0); next }
    {
        path = $0
        sub(/^In file included from /, "", path); sub(/^ +from /, "", path)
        if (path ~ /^[^ :]+:/) {
            sub(/:.*$/, "", path)
            keep = loc_ok(path) || path ~ /^(collect2|cc1|gcc|cc|clang|ld|bwrap|timeout)$/
        } else keep = 1
        if (!keep) {
            if (!masked++) print "(message sur un fichier hors de votre lab, masqué : n'\''incluez que vos fichiers et ceux du système)"
            next
        }
        print strip($0)
    }'
}

# Bounds of a lab's sources and build: files copied (top level only, each
# at most SRC_FILE_KIB), their total, compile seconds for the whole lab, and
# the size of its programs (CC_LAB_SECONDS may be lowered: make test).
SRC_MAX_FILES=64 SRC_FILE_KIB=1024 SRC_TOTAL_KIB=4096 CC_OUT_MIB=128
CC_LAB_SECONDS=${CC_LAB_SECONDS:-120}

# copy_sources LABDIR DEST LOG — the lab folder's regular files, top level
# only, bounded; everything else (links, FIFOs, devices, sub-folders, files
# too large or too many) is left out, and named in LOG.
copy_sources() {
    local labdir=$1 dest=$2 log=$3 f name n=0 total=0 size
    mkdir -p "$dest"
    while IFS= read -r -d '' f; do
        name=${f##*/}
        if [ -L "$f" ]; then
            echo "lien symbolique ignoré (seuls les vrais fichiers sont notés) : $name" >>"$log"
        elif [ -d "$f" ]; then
            echo "dossier ignoré (seuls les fichiers du dossier du lab sont notés) : $name" >>"$log"
        elif [ ! -f "$f" ]; then
            echo "fichier spécial ignoré (ni fichier ordinaire ni dossier) : $name" >>"$log"
        elif ((n >= SRC_MAX_FILES)); then
            echo "fichier ignoré : plus de $SRC_MAX_FILES fichiers dans le dossier du lab : $name" >>"$log"
        else
            size=$(stat -c %s -- "$f" 2>/dev/null) || continue
            if ((size > SRC_FILE_KIB * 1024)); then
                echo "fichier ignoré : plus de $((SRC_FILE_KIB / 1024)) Mio : $name" >>"$log"
            elif ((total + size > SRC_TOTAL_KIB * 1024)); then
                echo "fichier ignoré : le dossier du lab dépasse $((SRC_TOTAL_KIB / 1024)) Mio : $name" >>"$log"
            else
                # No link can appear between the test and the copy: the
                # student's code has not run yet, and cp -P never follows.
                cp -P -- "$f" "$dest/$name" && n=$((n + 1)) total=$((total + size))
            fi
        fi
    done < <(find "$labdir" -mindepth 1 -maxdepth 1 -print0 2>/dev/null)
}

# lab_programs NUM BATS — the lab's programs, "NAME: a.c b.c" a line: the
# bats file's "# @program" lines, or else one per source of the grader's
# own skeleton (labs/NN_*/X.c), with the lab's units (X.c beside X.h)
# linked into each. Other files of the student's folder are not compiled.
lab_programs() {
    local num=$1 bats=$2 c units=() progs=()
    if lab_annotation "$bats" program | grep -q .; then
        lab_annotation "$bats" program
        return 0
    fi
    for c in "$ROOT"/labs/"$num"_*/*.c; do
        [ -e "$c" ] || continue
        if [ -f "${c%.c}.h" ]; then units+=("${c##*/}"); else progs+=("${c##*/}"); fi
    done
    for c in "${progs[@]}"; do echo "${c%.c}: $c ${units[*]}"; done
}

# compile_lab NUM BATS LABDIR OUT LOG — builds the lab's programs in the
# compile sandbox, as lab_programs says. Arguments only, no shell, no make;
# bounded in time and size for the whole lab.
compile_lab() {
    local num=$1 bats=$2 labdir=$3 out=$4 log=$5 stage=$RUN_DIR/cc/$1 ok=0 line
    mkdir -p "$stage/common" "$out"
    : >"$log"
    copy_sources "$labdir" "$stage/src" "$log"
    (cd "$stage/src" && find . -maxdepth 1 -type f -printf '%f ') >"$RUN_DIR/$num.sources"
    cp "$ROOT"/common/*.h "$stage/common/" && cp "$BUILD/libcommon.a" "$stage/"
    chmod -R a+rX "$stage" && chmod 777 "$out"
    local progs=() p named=" "
    mapfile -t progs < <(lab_programs "$num" "$bats")
    for p in "${progs[@]}"; do named+="${p#*:} "; done
    for p in "$stage"/src/*.c; do
        [ -e "$p" ] || continue
        case $named in *" ${p##*/} "*) ;; *) echo "fichier ignoré (il ne fait pas partie des fichiers du lab) : ${p##*/}" >>"$log" ;; esac
    done
    # "@grader/…" in a program's files: a source of the grader's own (a unit
    # test linked with the student's unit), read from the repository.
    mkdir -p "$stage/grader"
    local srcdir=/lab/src commondir=/lab/common libdir=/lab outdir=/work gdir=/lab/grader
    if [ "$SANDBOX_MODE" = partial ]; then
        srcdir=$stage/src commondir=$stage/common libdir=$stage outdir=$out gdir=$stage/grader
    fi
    local spec name files f argv deadline=$((SECONDS + CC_LAB_SECONDS)) left
    for spec in "${progs[@]}"; do
        name=${spec%%:*} files=${spec#*:}
        argv=("$CC")
        read -r -a f <<<"$CFLAGS"; argv+=("${f[@]}")
        argv+=("-I$srcdir" "-I$commondir" -o "$outdir/$name")
        read -r -a f <<<"$files"
        local x
        for x in "${f[@]}"; do
            if [ "${x#@}" != "$x" ]; then
                x=${x#@}
                case $x in grader/*.c) ;; *) echo "grade.sh: source du correcteur invalide : $x" >&2; exit 3 ;; esac
                case $x in *..*) echo "grade.sh: source du correcteur invalide : $x" >&2; exit 3 ;; esac
                cp "$ROOT/$x" "$stage/grader/" && chmod a+r "$stage/grader/${x##*/}" || exit 3
                argv+=("$gdir/${x##*/}")
                continue
            fi
            [ -f "$stage/src/$x" ] || { echo "fichier absent du lab : $x" >>"$log"; ok=1; continue 2; }
            argv+=("$srcdir/$x")
        done
        argv+=("$libdir/libcommon.a")
        read -r -a f <<<"$LDLIBS"; argv+=("${f[@]}")
        left=$((deadline - SECONDS))
        if ((left <= 0)); then
            echo "compilation de $name non lancée : le lab a déjà pris ses $CC_LAB_SECONDS s de compilation" >>"$log"
            ok=1
            continue
        fi
        ((left > 60)) && left=60
        sandbox_prog_argv "$stage" "$out" "$RUN_DIR/cc.args"
        local rc=0
        (
            for fd in /proc/self/fd/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-"; done
            [ "$SANDBOX_MODE" = partial ] || eval "exec $SBX_ARGS_FD<\"\$RUN_DIR/cc.args\""
            exec timeout -k 2 "$left" "${SBX[@]}" prlimit --nproc=64 --nofile=256 --as=$((1024 << 20)) \
                --cpu="$left" --fsize=$((64 << 20)) --core=0 -- "${argv[@]}"
        ) </dev/null >"$RUN_DIR/cc.out" 2>&1 || rc=$?
        [ -n "${GRADER_CC_RAW:-}" ] && cat "$RUN_DIR/cc.out" >>"$GRADER_CC_RAW"
        cc_filter "$srcdir/" "$commondir/" "$gdir/" <"$RUN_DIR/cc.out" | head -c 6000 >>"$log"
        case $rc in
        0) ;;
        124 | 137) echo "compilation de $name arrêtée : plus de $left s (un #include sans fin ?)" >>"$log"; ok=1 ;;
        *) ok=1 ;;
        esac
        if (($(du -sm "$out" | cut -f1) > CC_OUT_MIB)); then
            echo "programmes du lab trop gros : plus de $CC_OUT_MIB Mio au total" >>"$log"
            rm -rf "${out:?}"/* 2>/dev/null
            ok=1
            break
        fi
    done
    chmod -R a+rX "$out"
    return $ok
}

# budget_watch PID BUDGET — ends the phase run by timeout PID (SIGALRM: as
# if its own delay had passed, code 124) once BUDGET seconds of an idle
# machine are spent: a second of wall time counts 1/s, where s is the load
# per core now (1 to 3, and at least TIMEOUT_SCALE). The load may rise
# during a lab (other grades starting): a budget fixed at the start would
# then end a correct lab before its last tests.
# Without a process per second (builtin.bash: nap); loads in millionths.
budget_watch() {
    local pid=$1 left=$(($2 * 10)) f s
    to_micro f "$TIMEOUT_SCALE" || f=1000000
    while nap 1 && kill -0 "$pid" 2>/dev/null; do
        load_micro s
        ((s < f)) && s=$f
        left=$((left - (10000000 + s / 2) / s))
        ((left > 0)) || { kill -ALRM "$pid" 2>/dev/null; return 0; }
    done
}

# run_phase NUM BATS STATE PHASE BUDGET — one bats run in a new lab
# sandbox, its TAP read as it streams. Returns 10 on FAILFAST's first
# failure, 11 when the budget (seconds of an idle machine, budget_watch)
# ran out (the next phase is then not run).
run_phase() {
    local num=$1 bats=$2 state=$3 phase=$4 budget=$5 fifo token cap
    fifo=$RUN_DIR/$num.$phase.fifo
    token=$RANDOM$RANDOM$RANDOM
    mkfifo "$fifo"
    local filt=()
    [ -n "$T" ] && filt=(-f "$T")
    # timeout's own delay: the most budget_watch can grant. With FAILFAST
    # (mutants) or a TIMEOUT_SCALE given by the caller, the budget is fixed
    # at its value × TIMEOUT_SCALE, as the tests' delays are: a grade then
    # costs the same whatever the load (of the pool that grades mutants).
    local watch=1
    if [ "${FAILFAST:-0}" = 1 ] || ((BUDGET_FIXED)); then
        watch=0 cap=$(awk -v t="$budget" -v f="$TIMEOUT_SCALE" 'BEGIN { printf "%d", t * f }')
    else
        cap=$(awk -v t="$budget" -v f="$TIMEOUT_SCALE" 'BEGIN { if (f < 3) f = 3; printf "%d", t * f + 1 }')
    fi
    (
        env PROG_DIR="$RUN_DIR/bin/$num" FAKE_DIR="$FAKES" SANDBOX_ETC="$SANDBOX_ETC" \
            LAB_SOURCES="$(cat "$RUN_DIR/$num.sources" 2>/dev/null)" \
            GRADER_WORK="$RUN_DIR/work" GRADER_PHASE="$phase" TMPDIR="$RUN_DIR/tmp" \
            timeout -k 5 "$cap" "${SBX_LAB[@]}" bats --tap "${filt[@]}" "$bats" </dev/null 2>&1 &
        local job=$! rc=0
        echo "$job" >"$JOB_PIDFILE"
        if ((watch)); then
            budget_watch "$job" "$budget" >/dev/null 2>&1 &
            echo $! >"$WATCH_PIDFILE"
        fi
        wait "$job" || rc=$?
        stop_watch
        echo "# fin-$token $rc"
    ) >"$fifo" 2>/dev/null &
    PHASE_PID=$!
    local extra=()
    ((QUIET)) && extra+=(--quiet)
    [ "${FAILFAST:-0}" = 1 ] && extra+=(--failfast)
    python3 "$LIB/report.py" phase --rubric "$RUN_DIR/$num.rubric" --state "$state" \
        --lab "$num" --name "$name" --phase "$phase" --filter "$T" --budget "$budget" \
        --token "$token" "${extra[@]}" --copy-to "${GRADER_TAP:-}" <"$fifo" &
    READER_PID=$!
    local rc=0
    wait "$READER_PID" || rc=$?
    READER_PID=
    if ((rc == 10)); then
        kill_job
    else
        wait "$PHASE_PID" 2>/dev/null
        : >"$JOB_PIDFILE"
    fi
    PHASE_PID=
    rm -f "$fifo"
    return $rc
}

STATES=() TABLE=() ALL_FULL=1
grade_lab() {
    local num=$1 bats base name labdir state
    bats=$(compgen -G "$ROOT/grader/tests/${num}_*.bats" | head -n 1)
    base=${bats##*/}; base=${base%.bats}; name=${base#*_}
    labdir=$(compgen -G "$LABROOT/${num}_*" | head -n 1)
    state=$RUN_DIR/$num.state.json
    STATES+=("$state")

    # The lab's /etc: its bats file may give names addresses ("# @hosts
    # ADDRESS NAME…" lines), so that no test needs a DNS server.
    SANDBOX_ETC=$RUN_DIR/etc.$num
    sandbox_make_etc "$SANDBOX_ETC"
    lab_annotation "$bats" hosts >>"$SANDBOX_ETC/hosts"
    say ""
    say "${BOLD}━━ Lab $num — $name ━━${OFF}"
    local failure=
    if [ -z "$labdir" ]; then
        failure="dossier ${num}_* absent de $LABROOT"
    elif [ -L "$labdir" ]; then
        failure="le dossier du lab est un lien symbolique : non noté (seuls les vrais dossiers et fichiers de la copie le sont)"
    elif ! compile_lab "$num" "$bats" "$labdir" "$RUN_DIR/bin/$num" "$RUN_DIR/$num.cc.log"; then
        failure="la compilation a échoué (avertissements = erreurs) :"$'\n'$(inert <"$RUN_DIR/$num.cc.log")
    elif [ -s "$RUN_DIR/$num.cc.log" ]; then
        inert <"$RUN_DIR/$num.cc.log" | sed 's/^/  /' | while IFS= read -r l; do say "$l"; done
    fi
    local common=(--rubric "$RUN_DIR/$num.rubric" --state "$state" --lab "$num" --name "$name" --filter "$T")
    ((QUIET)) && common+=(--quiet)
    if [ -n "$failure" ]; then
        printf '%s\n' "$failure" >"$RUN_DIR/$num.why"
        python3 "$LIB/report.py" fail-all "${common[@]}" --why "$RUN_DIR/$num.why"
    else
        local budgets
        budgets=$(lab_annotation "$bats" budget)
        local quick=${budgets%% *} memory=${budgets##* }
        quick=$((${quick:-60} * BUDGET_SCALE)) memory=$((${memory:-120} * BUDGET_SCALE))
        if [ "${NOVALGRIND:-0}" = 1 ] || ! command -v valgrind >/dev/null 2>&1; then
            run_phase "$num" "$bats" "$state" all "$quick"
        elif run_phase "$num" "$bats" "$state" quick "$quick"; then
            run_phase "$num" "$bats" "$state" memory "$memory"
        fi
    fi
    local extra=()
    [ -n "$SUMMARY" ] && extra=(--summary "$SUMMARY")
    python3 "$LIB/report.py" finish "${common[@]}" "${extra[@]}"
    local row
    row=$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(s["points"], s["max"], s["memory"], sep="\t")' "$state")
    local pts max mem
    IFS=$'\t' read -r pts max mem <<<"$row"
    ((pts == max)) || ALL_FULL=0
    TABLE+=("$(printf '%-24s %6d %6d   %s' "$num $name" "$pts" "$max" "$mem")")
    TOTAL=$((${TOTAL:-0} + pts)) TOTAL_MAX=$((${TOTAL_MAX:-0} + max))
}

# Each lab's rubric; a T= that selects no test at all is a usage error.
matched=0
for num in "${LABS[@]}"; do
    f=$(compgen -G "$ROOT/grader/tests/${num}_*.bats" | head -n 1)
    rubric_tsv "$f" >"$RUN_DIR/$num.rubric" || exit 3
    [ -z "$T" ] || ! grep -v '^[[:space:]]*#' "$RUN_DIR/$num.rubric" | cut -f2 | grep -Eq -- "$T" || matched=1
done
if [ -n "$T" ] && ((!matched)); then
    echo "T=« $T » ne correspond à aucun test. Tests :" >&2
    for num in "${LABS[@]}"; do
        grep -v '^[[:space:]]*#' "$RUN_DIR/$num.rubric" | cut -f2 | sed "s/^/  $num : /" >&2
    done
    exit 2
fi

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
    jextra=()
    [ -n "$T" ] && jextra+=(--partial)
    python3 "$LIB/report.py" json --out "$JSON" --seed "$SEED" --time $(($(date +%s) - START_S)) \
        --header "$ISOLATION" "${jextra[@]}" "${STATES[@]}" || exit 3
    say "Rapport Gradescope : $JSON"
fi

((STRICT && !ALL_FULL)) && exit 1
exit 0
