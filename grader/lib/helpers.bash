# helpers.bash — outils communs des tests bats : lancer, borner, arrêter, comparer.
#
# Student programs run in a sandbox of their own (lib/sandbox.bash): an
# unprivileged uid, their own PID namespace, a minimal read-only view and a
# working folder $W of their own, with rlimits (LIMIT_* below, which a lab's
# bats file may raise after `load`). The grader's fakes run outside it, in
# the lab's network namespace. Every process runs under `timeout -k` (its own
# process group, which timeout creates), with descriptors above 2 closed (an
# inherited fd 3 makes bats wait forever); teardown kills what the test
# started and is still running. Assertions print in French what was expected
# and what happened; the rubric adds the hint.

# fail [MESSAGE…] — the test fails: MESSAGE (or stdin) on stderr, which bats
# shows. Ours, not bats-support's: loading it ran three dirname per test
# (each test sources the file again), and only fail() was used.
fail() {
    if (($#)); then printf '%s\n' "$*"; else cat; fi >&2
    return 1
}
# shellcheck source=sandbox.bash
source "$BATS_TEST_DIRNAME/../lib/sandbox.bash"
# shellcheck source=builtin.bash
source "$BATS_TEST_DIRNAME/../lib/builtin.bash"

: "${PROG_DIR:?PROG_DIR: dossier des programmes à tester}"
: "${FAKE_DIR:?FAKE_DIR: dossier des faux pairs du correcteur}"
: "${SANDBOX_MODE:?SANDBOX_MODE: fixé par grade.sh}"
: "${SANDBOX_ETC:?SANDBOX_ETC: fixé par grade.sh}"
: "${GRADER_WORK:?GRADER_WORK: fixé par grade.sh}"
: "${SEED:=1}"
: "${TIMEOUT_SCALE:=1}"
VALGRIND_SCALE=10

# Per-program limits (a lab may raise them after `load`): processes and
# threads of the sandbox's user, descriptors, address space (MiB; 0 = none),
# CPU seconds, file size (MiB).
LIMIT_NPROC=64
LIMIT_NOFILE=256
LIMIT_AS_MIB=2048
LIMIT_CPU=60
LIMIT_FSIZE_MIB=128
# Under valgrind, the address space of the program and its checker (MiB;
# valgrind reserves more than the program; its peak on the references, threads
# and helgrind included, was 106 MiB).
VG_AS_MIB=3072

# Seconds scaled by TIMEOUT_SCALE (decimals kept).
# In a loop, scale_to VAR SECONDS (builtin.bash) spares the $(…)'s fork.
scaled() {
    local v
    scale_to v "$1"
    printf '%s' "$v"
}

# Waiting without processes of our own. A fork costs 6 ms of processor on
# the machines measured here, a fork and exec 9 ms: a loop that ran sleep,
# date and grep 50 times a second kept more than a core busy while it
# waited, and a grade's tests mostly wait.
# nap SECONDS (builtin.bash) sleeps; the programs started do not inherit
# its descriptor (_exec_clean).
# _deadline SECONDS — DEADLINE: now + SECONDS (scaled), in microseconds
# (bash's clock). Callers declare DEADLINE and POLLS local.
_deadline() {
    local span
    scale_micro span "$1"
    DEADLINE=$((${EPOCHREALTIME//[!0-9]/} + span))
    POLLS=0
}
# _poll [PERIOD] — false once DEADLINE has passed; else naps and is true:
# 20 ms for the first half second, then 100 ms (a long wait costs a few
# tries a second), or PERIOD.
_poll() {
    ((${EPOCHREALTIME//[!0-9]/} < DEADLINE)) || return 1
    if [ -n "${1:-}" ]; then nap "$1"; elif ((POLLS++ < 25)); then nap 0.02; else nap 0.1; fi
}

# The grade runs tests in two phases (fast tests, then the memory tests
# under valgrind), each with its own time budget: a test of the other phase
# is reported skipped with a reason the scorer ignores.
setup() {
    T=$BATS_TEST_TMPDIR
    STARTED=()
    VG=()
    VG_N=0
    declare -gA JOB_OF=() JOB_START=() SERVER_NAME_OF=() SERVER_ERR_OF=() STOPPED=() DEAD_STATUS=()
    STUDENT_SERVERS=()
    FIU=()
    case ${GRADER_PHASE:-all}:$BATS_TEST_DESCRIPTION in
    quick:mémoire*) skip "autre phase" ;;
    memory:mémoire*) ;;
    memory:*) skip "autre phase" ;;
    esac
    # The files a test gives its programs are staged in $W, a folder no
    # program ever runs in or writes to: each program run gets a fresh copy
    # of it as its working folder (_student_cmd). Once student code has run
    # in a folder, the grader never writes into it nor follows anything in
    # it (a program could leave links there).
    W=$GRADER_WORK/$BATS_TEST_NUMBER
    { [ ! -e "$W" ] || rm -rf "$W"; } && mkdir -p -m 755 "$W"
    RUN_N=0
}

# _proc_stat PID — PROC_STAT: the fields of /proc/PID/stat after the
# command's name, from 0 (the state, field 3 of proc(5)); false when the
# process is gone.
_proc_stat() {
    local stat
    PROC_STAT=()
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    read -r -a PROC_STAT <<<"${stat##*) }"
}

# _start_time PID — START_TIME: its start (clock ticks since boot), to tell
# it from a later process that reuses its pid.
_start_time() {
    local PROC_STAT
    START_TIME=
    _proc_stat "$1" || return 1
    START_TIME=${PROC_STAT[19]}
}

# Kills the process group of a job this test started, only if the job is
# still the process it started (never a reused pid).
_kill_job() {
    local job=$1 START_TIME
    _start_time "$job" || return 0
    [ "$START_TIME" = "${JOB_START[$job]:-}" ] && kill -KILL -- "-$job" 2>/dev/null
    return 0
}

teardown() {
    local g
    # A server of the lab that died of a signal during a test that passed
    # otherwise: the test fails, and says so (a failed test said it already).
    if [ "${BATS_TEST_COMPLETED:-}" = 1 ]; then
        _dead_server_note
        [ -z "$DEAD_NOTE" ] || { printf '%s\n' "$DEAD_NOTE" | fail; }
    fi
    {
        for g in "${STARTED[@]}"; do _kill_job "$g"; done
        for g in "${STARTED[@]}"; do wait "$g" || true; done
        # The test's working folders, once nothing runs there: their room
        # (the lab's tmpfs) goes back to the next tests. rm and chmod -R
        # never follow a link left there; chmod undoes a mode 000.
        # chmod only when rm could not (as root, rm needs no mode).
        local runs=("$GRADER_WORK/$BATS_TEST_NUMBER".run*)
        if [ -e "${runs[0]}" ] || [ -L "${runs[0]}" ]; then
            rm -rf "${runs[@]}" || { chmod -R u+rwX "${runs[@]}"; rm -rf "${runs[@]}"; } || true
        fi
    } 2>/dev/null
}

# Runs "$@" with descriptors above 2 closed (exec'd: keeps the pid): an
# inherited fd 3 makes bats wait forever. For a program of the lab
# (--student), bwrap's arguments file is opened as SBX_ARGS_FD.
_exec_clean() {
    local fd
    for fd in /proc/self/fd/*; do
        fd=${fd##*/}
        ((fd > 2)) && eval "exec $fd>&-"
    done
    if [ "${1:-}" = --student ]; then
        shift
        [ "$SANDBOX_MODE" = partial ] || eval "exec $SBX_ARGS_FD<\"\$SBX_ARGS\""
    else
        _hide_fake_args "$@"
        set -- "${HIDDEN[@]}"
    fi
    ulimit -f $((LIMIT_FSIZE_MIB * 1024))
    exec "$@"
}

# _hide_fake_args CMD… — HIDDEN: CMD without the arguments of the grader's
# fake in it (the first word under $FAKE_DIR/), which go to the exported
# FAKE_ARGS instead (fake.h's fake_args): a command line is readable by
# every user in /proc, and these carry the seed of the test data.
_hide_fake_args() {
    local i args=("$@") sep=$'\x1f' joined
    HIDDEN=("$@")
    for ((i = 0; i < ${#args[@]}; i++)); do
        case ${args[i]} in
        "$FAKE_DIR"/vglog) return 0 ;;
        "$FAKE_DIR"/*)
            ((i + 1 < ${#args[@]})) || return 0
            printf -v joined "%s$sep" "${args[@]:i+1}"
            export FAKE_ARGS=${joined%"$sep"}
            HIDDEN=("${args[@]:0:i+1}")
            return 0 ;;
        esac
    done
}

# fake_tool NAME ARGS… — runs a fake of the grader in the foreground (e.g.
# peer gen), its arguments hidden as above.
fake_tool() {
    local tool=$1
    shift
    (_hide_fake_args "$FAKE_DIR/$tool" "$@" && exec "${HIDDEN[@]}")
}

# _student_cmd PROG ARGS… — CMD: the sandboxed command line of a program of
# the lab (with valgrind when armed), run in a fresh working folder (RUN_W,
# a copy of the test's $W). The rlimits are set inside the sandbox, by
# prlimit, just before the program: bwrap itself needs more descriptors
# than a lab may allow. Under valgrind, the log reaches $T/valgrind.N.log
# through vglog (a socket at a descriptor of valgrind's reserved range),
# and valgrind follows the program through exec (--trace-children): a
# program can neither leave the checker nor write its own report.
_student_cmd() {
    # The log's descriptor: inside valgrind's reserved range, just below
    # the descriptor limit.
    local prog=$1 as=$LIMIT_AS_MIB vgfd=$((LIMIT_NOFILE - 3))
    shift
    RUN_N=$((RUN_N + 1))
    RUN_W=$GRADER_WORK/$BATS_TEST_NUMBER.run$RUN_N
    # The copy only when the test staged files (most stage none).
    local f staged=0
    for f in "$W"/* "$W"/.[!.]* "$W"/..?*; do
        [ -e "$f" ] || [ -L "$f" ] && { staged=1; break; }
    done
    # As root, programs run as the sandbox's user; otherwise as the grader's
    # own uid (which the lab sandbox shows as 0: only root can chown). One
    # process when nothing is staged (install -d, mkdir -m): most runs.
    local as_root=0
    if [ "$SANDBOX_MODE" = root ] || { [ "$SANDBOX_MODE" = partial ] && ((EUID == 0)); }; then as_root=1; fi
    { [ ! -e "$RUN_W" ] && [ ! -L "$RUN_W" ] || rm -rf "$RUN_W"; } &&
        if ((staged)); then
            mkdir -m 700 "$RUN_W" && cp -R "$W/." "$RUN_W/" &&
                if ((as_root)); then chown -R "$SANDBOX_UID:$SANDBOX_GID" "$RUN_W"; else chmod 777 "$RUN_W"; fi
        elif ((as_root)); then
            install -d -m 700 -o "$SANDBOX_UID" -g "$SANDBOX_GID" "$RUN_W"
        else
            mkdir -m 777 "$RUN_W"
        fi ||
        fail_fr "le dossier de travail du programme" "créé par le correcteur" "impossible à créer : $RUN_W"
    SBX_ARGS=$T/sandbox.$RUN_N.args
    sandbox_prog_argv "${SANDBOX_BIN:-$PROG_DIR}" "$RUN_W" "$SBX_ARGS"
    CMD=()
    if ((${#VG[@]})); then
        VG_N=$((VG_N + 1))
        VG_LOG=$T/valgrind.$VG_N.log
        CMD=("$FAKE_DIR/vglog" "$vgfd" "$VG_LOG")
        as=$VG_AS_MIB
    fi
    CMD+=("${SBX[@]}")
    # Partial isolation has no user namespace: RLIMIT_NPROC counts every
    # task of the program's user on the machine (other grades' programs,
    # or the grading user's own shell), so the limit comes on top of those.
    local nproc=$LIMIT_NPROC
    if [ "$SANDBOX_MODE" = partial ]; then
        local uid=$UID user_tasks
        ((as_root)) && uid=$SANDBOX_UID
        user_tasks=$(ps -L -U "$uid" --no-headers 2>/dev/null | wc -l)
        nproc=$((nproc + user_tasks))
    fi
    CMD+=(prlimit "--nproc=$nproc" "--nofile=$LIMIT_NOFILE" "--cpu=$LIMIT_CPU"
        "--fsize=$((LIMIT_FSIZE_MIB * 1024 * 1024))" --core=0)
    ((as > 0)) && CMD+=("--as=$((as * 1024 * 1024))")
    CMD+=(--)
    # Fault injection (libfiu) outside valgrind: its preload reaches the
    # program through valgrind's own. -f '': no remote control (no thread
    # in the program, no FIFO left in /tmp). libfiu's own copy of the spec
    # (a strdup its preload never frees) is not the program's leak.
    local vgx=()
    if ((${#FIU[@]})); then
        CMD+=(fiu-run -x -f '' "${FIU[@]}")
        if ((${#VG[@]})); then
            printf '%s\n' '{' '   libfiu_enable_string' '   Memcheck:Leak' '   match-leak-kinds: definite' \
                '   fun:malloc' '   ...' '   obj:/usr/lib/fiu/fiu_run_preload.so' '}' >"$RUN_W/.fiu.supp"
            chmod a+r "$RUN_W/.fiu.supp"
            vgx=(--suppressions=.fiu.supp)
        fi
    fi
    ((${#VG[@]})) && CMD+=("${VG[@]}" "${vgx[@]}" --trace-children=yes "--log-fd=$vgfd")
    CMD+=("$(sandbox_path "$prog")" "$@")
}

_record_job() {
    local START_TIME
    STARTED+=("$1")
    # A job already ended and reaped has no start time (and nothing to
    # kill): not an error here, whatever ended it is reported by the caller.
    _start_time "$1" || :
    JOB_START[$1]=$START_TIME
    return 0
}

# Prints a file (or stdin) for a message: at most 400 bytes, control bytes shown.
show() {
    local f=${1:--}
    if [ "$f" != - ] && [ ! -s "$f" ]; then
        echo "(rien)"
        return
    fi
    head -c 400 "$f" | LC_ALL=C tr '\000-\010\013-\037\177' '?'
    [ "$f" != - ] && [ "$(wc -c <"$f")" -gt 400 ] && echo "… ($(wc -c <"$f") octets au total)"
    return 0
}

# _job_alive JOB — is the job still running (a zombie is not)?
_job_alive() {
    local PROC_STAT
    _proc_stat "$1" && [ "${PROC_STAT[0]}" != Z ]
}

# _job_status JOB — sets job_status: the exit status of a job that has
# ended, reaped once (DEAD_STATUS keeps it: a job can be waited for only
# once; not in a $(…): a subshell cannot wait for this shell's jobs).
_job_status() {
    if [ -z "${DEAD_STATUS[$1]:-}" ]; then
        local code=0
        wait "$1" 2>/dev/null || code=$?
        DEAD_STATUS[$1]=$code
    fi
    job_status=${DEAD_STATUS[$1]}
}

# _dead_server_note — DEAD_NOTE: for each server of the lab that this test
# started and did not stop, and that is no longer running, how it ended
# (a signal by name), the last lines of its error output and where to look.
# Only a crash (a signal) counts in teardown; any end counts in a failure.
_dead_server_note() {
    local job code what
    DEAD_NOTE=
    for job in "${STUDENT_SERVERS[@]}"; do
        [ -n "${STOPPED[$job]:-}" ] && continue
        _job_alive "$job" && continue
        _job_status "$job"
        code=$job_status
        ((code > 128 && code != 137)) || [ "${1:-}" = any ] || continue
        what="le serveur ${SERVER_NAME_OF[$job]} s'est arrêté pendant le test : $(status_text "$code")"
        if ((code > 128)); then
            what+=$'\n'"  (lancez le test mémoire — make lab sans NOVALGRIND — ou valgrind sur le serveur pour trouver l'accès fautif)"
        fi
        if [ -s "${SERVER_ERR_OF[$job]}" ]; then
            what+=$'\n'"  fin de sa sortie d'erreur : $(tail -n 5 "${SERVER_ERR_OF[$job]}" | show -)"
        else
            what+=$'\n'"  sa sortie d'erreur : (rien)"
        fi
        DEAD_NOTE+=${DEAD_NOTE:+$'\n'}$what
    done
    return 0
}

# fail_fr WHAT EXPECTED ACTUAL — a French failure message, then fail.
# Continuation lines of a value are indented under it. A server of the
# lab that died during the test is named first, then valgrind's findings
# (when armed): they are usually the cause.
fail_fr() {
    local vg=
    ((${#VG[@]})) && vg=$(_vg_findings)
    _dead_server_note any
    {
        [ -n "$DEAD_NOTE" ] && printf '%s\n' "$DEAD_NOTE"
        # Under valgrind, its findings first: they are usually the cause.
        [ -n "$vg" ] && { echo "valgrind a trouvé :"; sed 's/^/  - /' <<<"$vg"; }
        echo "$1"
        printf '%s\n' "$2" | sed '1s/^/  attendu : /; 2,$s/^/            /'
        printf '%s\n' "$3" | sed '1s/^/  obtenu  : /; 2,$s/^/            /'
    } | fail
}

# run_prog [-i INPUT] [-l LIMIT] [-O OUTPUT] PROG ARGS… — runs a program of
# the lab in its sandbox, bounded, stdin from INPUT (default /dev/null),
# stdout to OUTPUT (default $T/out, e.g. /dev/full). Sets status,
# output (stdout), stderr_text, elapsed_ms, LAST_LIMIT; the raw bytes stay in
# $T/out and $T/err.
run_prog() {
    local input=/dev/null limit=20 start out=$T/out
    while :; do
        case $1 in
        -i) input=$2; shift 2 ;;
        -l) limit=$2; shift 2 ;;
        -O) out=$2; shift 2 ;;
        *) break ;;
        esac
    done
    local prog=$1
    shift
    [ -x "$PROG_DIR/$prog" ] || fail_fr "programme introuvable" "$PROG_DIR/$prog compilé" "absent"
    _student_cmd "$prog" "$@"
    local grace
    scale_to LAST_LIMIT "$limit"
    scale_to grace 2
    KILL_REASON="délai de $LAST_LIMIT s dépassé : le programme ne s'est pas terminé, le correcteur l'a arrêté"
    start=${EPOCHREALTIME//[!0-9]/}
    status=0
    # The outer 2>/dev/null silences bash's own "Segmentation fault" notice:
    # the exit status says it, in French, in expect_status.
    { (_exec_clean --student timeout -k "$grace" "$LAST_LIMIT" "${CMD[@]}") \
        <"$input" >"$out" 2>"$T/err"; } 2>/dev/null || status=$?
    elapsed_ms=$(((${EPOCHREALTIME//[!0-9]/} - start) / 1000))
    output=
    [ "$out" = "$T/out" ] && read_text output "$T/out"
    read_text stderr_text "$T/err"
    LAST_CMD="$prog $*"
    LAST_CMD=${LAST_CMD//$'\r'/\\r}
    LAST_CMD=${LAST_CMD//$'\n'/\\n}
    return 0
}

# start_bg LOGNAME CMD… — starts a grader tool (an absolute path: a fake,
# the probe) in the background, or with --student PROG ARGS… a program of
# the lab in its sandbox; bounded to 120 s (scaled), stdout/stderr to
# $T/LOGNAME.out/.err. Sets BG_PID (the job: timeout, its process group).
start_bg() {
    local log=$1 kind= grace limit
    shift
    scale_to grace 2
    scale_to limit 120
    if [ "$1" = --student ]; then
        shift
        _student_cmd "$@"
        kind=--student
    else
        CMD=("$@")
    fi
    (_exec_clean $kind timeout -k "$grace" "$limit" "${CMD[@]}") \
        </dev/null >"$T/$log.out" 2>"$T/$log.err" &
    BG_PID=$!
    _record_job "$BG_PID"
}

# wait_line FILE REGEX SECONDS [PID] — polls FILE until a line matches, and
# sets WAIT_LINE to it; returns 1 after SECONDS, 2 as soon as process PID (if
# given) has exited.
wait_line() {
    local file=$1 re=$2 pid=${4:-} DEADLINE POLLS
    WAIT_LINE=
    _deadline "$3"
    while :; do
        find_line WAIT_LINE "$re" "$file" && return 0
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            find_line WAIT_LINE "$re" "$file" && return 0
            return 2
        fi
        _poll || return 1
    done
}

# Is a TCP socket listening on PORT (any loopback address)? With "udp", is
# a UDP socket bound there (state 07, unconnected)? Reads the kernel's table
# instead of connecting, so the server sees no extra client.
# Polled: read by bash (a line is "sl local rem st …", addresses as
# HEX:PORT; the pattern needs PORT in the local field, followed by the
# remote one and the state), awk past 1 MiB (thousands of sockets).
port_listening() {
    local hex proto=${2:-tcp} state=0A f text
    [ "$proto" = udp ] && state=07
    printf -v hex '%04X' "$1"
    for f in "/proc/net/$proto" "/proc/net/${proto}6"; do
        if ! read_upto text "$f" 1048576; then
            awk -v p=":$hex\$" -v st="$state" '$2 ~ p && $4 == st { found = 1 } END { exit !found }' "$f" 2>/dev/null &&
                return 0
        elif [[ $text =~ :$hex\ [0-9A-F]+:[0-9A-F]{4}\ $state\  ]]; then
            return 0
        fi
    done
    return 1
}

# start_server NAME PROG_OR_PATH ARGS… — starts a server, waits for its
# "… sur HOST:PORT" line (5 s, scaled) and for the port to listen. Sets
# SERVER_PID, SERVER_HOST, SERVER_PORT, SERVER_LOG (its stdout), SERVER_ERR.
# SERVER_PROTO=udp: the port must be a bound UDP socket instead.
start_server() {
    local name=$1 prog=$2 line
    shift 2
    if [ "${prog#/}" = "$prog" ]; then
        start_bg "$name" --student "$prog" "$@"
    else
        start_bg "$name" "$prog" "$@"
    fi
    SERVER_PID=$BG_PID SERVER_JOB=$BG_PID
    SERVER_LOG=$T/$name.out
    SERVER_ERR=$T/$name.err
    local ready=0
    wait_line "$SERVER_LOG" ' sur [^ ]+:[0-9]+$' 5 "$SERVER_PID" || ready=$?
    if ((ready == 2)); then
        local code=0
        wait "$SERVER_JOB" || code=$?
        fail_fr "le serveur ${prog##*/} s'est arrêté (code $(status_text "$code")) sans annoncer qu'il est prêt" \
            "une ligne « Serveur en écoute sur HÔTE:PORT », puis le serveur reste en marche" \
            "sortie : $(show "$SERVER_LOG") / erreurs : $(show "$SERVER_ERR")"
        return 1
    elif ((ready)); then
        fail_fr "le serveur ${prog##*/} ne signale pas qu'il est prêt" \
            "une ligne « Serveur en écoute sur HÔTE:PORT » sur la sortie standard (avec fflush)" \
            "$(show "$SERVER_LOG") / erreurs : $(show "$SERVER_ERR")"
        return 1
    fi
    line=${WAIT_LINE##* sur }
    SERVER_PORT=${line##*:}
    SERVER_HOST=${line%:*}
    SERVER_HOST=${SERVER_HOST#[}
    SERVER_HOST=${SERVER_HOST%]}
    # A program of the lab: its own pid (inside the sandbox's wrappers), to
    # signal it and read its /proc; stop_server waits for its job.
    if [ "${prog#/}" = "$prog" ]; then
        SERVER_NAME_OF[$SERVER_JOB]=${prog##*/} SERVER_ERR_OF[$SERVER_JOB]=$SERVER_ERR
        if ! SERVER_PID=$(sandbox_program_pid "$SERVER_JOB"); then
            local code=0
            STOPPED[$SERVER_JOB]=1
            wait "$SERVER_JOB" 2>/dev/null || code=$?
            fail_fr "le serveur ${prog##*/} s'est terminé juste après avoir annoncé son port (code $(status_text "$code"))" \
                "qu'il reste en marche : une boucle qui accepte (accept) et sert les clients jusqu'à SIGINT ou SIGTERM" \
                "terminé — sortie d'erreur : $(show "$SERVER_ERR")"
            return 1
        fi
        JOB_OF[$SERVER_PID]=$SERVER_JOB
        STUDENT_SERVERS+=("$SERVER_JOB")
    fi
    # Fakes in "closed" mode reserve a port without listening.
    if find_line line '^Port fermé' "$SERVER_LOG"; then return 0; fi
    [ "$SERVER_PORT" != 0 ] ||
        { fail_fr "le port annoncé par ${prog##*/}" \
            "le port réellement attribué (avec -p 0, le noyau en choisit un : getsockname)" "0"; return 1; }
    local DEADLINE POLLS
    _deadline 5
    until port_listening "$SERVER_PORT" "${SERVER_PROTO:-tcp}"; do
        _poll && continue
        fail_fr "le serveur annonce le port $SERVER_PORT mais n'y écoute pas" \
            "listen() appelé avant d'afficher la ligne" "aucune socket en écoute sur ce port"
        return 1
    done
    return 0
}

# start_fake MODE ARGS… — one of the grader's own fake peers (never the
# student's code). Sets FAKE_PORT and FAKE_HOST besides SERVER_*.
start_fake() {
    local saved=("${VG[@]}")
    VG=()
    start_server "fake_$1" "$FAKE_DIR/peer" "$@"
    local rc=$?
    VG=("${saved[@]}")
    FAKE_PORT=$SERVER_PORT FAKE_HOST=$SERVER_HOST FAKE_PID=$SERVER_PID
    return $rc
}

# stop_server PID [SECONDS] [SIGNAL] — sends SIGNAL (TERM) to the program,
# then waits (bounded) for its job to end; sets server_status, and
# server_killed=1 when the server outlived SECONDS and had to be killed
# (server_status is then 137).
stop_server() {
    local pid=$1 secs=${2:-5} sig=${3:-TERM} job
    job=${JOB_OF[$pid]:-$pid}
    server_killed=0
    # A server that already died: its status, and it is not marked
    # stopped, so that failures say how it died.
    if ! _job_alive "$job"; then
        _job_status "$job"
        server_status=$job_status
        return 0
    fi
    STOPPED[$job]=1
    kill "-$sig" "$pid" 2>/dev/null
    local DEADLINE POLLS
    _deadline "$secs"
    while kill -0 "$job" 2>/dev/null && _poll; do :; done
    if kill -0 "$job" 2>/dev/null; then
        # Killed and reaped in one redirected block: bash would print a
        # job notice into the report.
        { _kill_job "$job"; wait "$job" || true; } 2>/dev/null
        KILL_REASON="toujours en marche $(scaled "$secs") s après SIG$sig : le correcteur l'a tué (SIGKILL)"
        server_killed=1 server_status=137
        return 0
    fi
    server_status=0
    wait "$job" 2>/dev/null || server_status=$?
    return 0
}

# probe MODE ARGS… — the grader's test client, bounded; sets status, output
# files $T/probe.out/.err and probe_local (its local HOST:PORT).
probe() {
    local grace limit line
    scale_to grace 2
    scale_to limit 30
    status=0
    { (_exec_clean timeout -k "$grace" "$limit" "$FAKE_DIR/probe" "$@") \
        </dev/null >"$T/probe.out" 2>"$T/probe.err"; } 2>/dev/null || status=$?
    probe_local=
    while IFS= read -r line || [ -n "$line" ]; do
        [[ $line == "local "* ]] && { probe_local=${line#local }; break; }
    done <"$T/probe.err"
    return 0
}

LOAD_FLAGS=()
# run_load ARGS… — the grader's load peer (fakes/load.c) against the
# server under test, bounded; LOAD_FLAGS (e.g. -U, uppercase replies) go
# first. Sets status; the report is in $T/load.out, errors in $T/load.err.
run_load() {
    status=0
    local limit
    scale_to limit 60
    { (_exec_clean timeout -k 2 "$limit" "$FAKE_DIR/load" "${LOAD_FLAGS[@]}" -s "$SEED" "$@" \
        127.0.0.1 "$SERVER_PORT") </dev/null >"$T/load.out" 2>"$T/load.err"; } 2>/dev/null || status=$?
    return 0
}

# load_text — the load peer's report ($T/load.out, key=value counters) as
# French sentences, then its first error lines (« client de test N : … »).
load_text() {
    awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {
        if ("allers_retours" in v) {
            split(v["allers_retours"], ar, "/")
            printf "%s clients : %s allers-retours réussis sur %s, %s erreur(s)", v["clients"], ar[1], ar[2], v["erreurs"]
            if (v["lents"] + 0) printf ", %s clients lents", v["lents"]
            printf " ; latence médiane %s ms, 99 %% sous %s ms, au plus %s ms\n", v["p50_ms"], v["p99_ms"], v["max_ms"]
        }
        if ("ensemble" in v) { split(v["ensemble"], e, "/"); printf "au plus %s clients sur %s servis en même temps\n", e[1], e[2] }
        if ("inactifs" in v) printf "%s connexions inactives, dont %s fermées par le serveur\n", v["inactifs"], v["fermes_par_le_serveur"]
        if ("inondeurs" in v) printf "%s client(s) qui envoient sans lire : %s octets acceptés par le serveur\n", v["inondeurs"], v["octets_envoyes"]
        if ("reinitialisations" in v) printf "%s connexions réinitialisées en plein envoi\n", v["reinitialisations"]
    }' "$T/load.out" 2>/dev/null
    [ -s "$T/load.err" ] && sed 's/^load: client /client de test /; s/^load: /client de test : /' "$T/load.err" | head -n 6 | show -
    return 0
}

expect_load_ok() {
    [ "$status" = 0 ] && return 0
    fail_fr "$1" "toutes les réponses correctes, à temps (code 0)" \
        "$(status_text "$status") — $(load_text)"$'\n'"sortie d'erreur du serveur : $(show "$SERVER_ERR")"
}

# What /proc says of process PID (a server: SERVER_PID): its threads, its
# open descriptors, its CPU time (utime + stime, in clock ticks, 100 a
# second; the command name, which may hold spaces, is skipped first).
proc_threads() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }
proc_fds() {
    local fds=("/proc/$1/fd/"*)
    [ "${fds[0]}" = "/proc/$1/fd/*" ] && fds=()
    echo "${#fds[@]}"
}
# proc_cpu_ticks PID — the user and system time the process has used, in
# clock ticks.
proc_cpu_ticks() {
    local PROC_STAT
    _proc_stat "$1" && echo $((PROC_STAT[11] + PROC_STAT[12]))
}

# wait_count FILE REGEX N SECONDS — until at least N lines match.
wait_count() {
    local n=0 DEADLINE POLLS
    _deadline "$4"
    while :; do
        n=$(grep -Ec -- "$2" "$1" 2>/dev/null) || n=${n:-0}
        ((n >= $3)) && return 0
        _poll || return 1
    done
}


# --- French assertions -------------------------------------------------

# status_text CODE — an exit status with, for a death, what it means.
status_text() {
    local code=$1
    case $code in
    124 | 137) echo "$code (${KILL_REASON:-tué par le correcteur})" ;;
    134) echo "$code (abort : un assert, ou la glibc a détecté une corruption mémoire ; essayez valgrind)" ;;
    139) echo "$code (erreur de segmentation : accès mémoire invalide ; essayez valgrind)" ;;
    99) if ((${#VG[@]})); then
            echo "$code (code de valgrind : il a trouvé des erreurs mémoire, des fuites ou des descripteurs ouverts)"
        else
            echo "$code"
        fi ;;
    152) echo "$code (temps de calcul épuisé : plus de $LIMIT_CPU s de processeur, une boucle sans fin ?)" ;;
    153) echo "$code (sortie coupée à $LIMIT_FSIZE_MIB Mio : le système l'a arrêté, une boucle d'affichage sans fin ?)" ;;
    *) if ((code > 128)); then
           echo "$code (tué par le signal $((code - 128)) : SIG$(kill -l $((code - 128)) 2>/dev/null))"
       else
           echo "$code"
       fi ;;
    esac
}

expect_status() {
    local want=$1 what=${2:-"le code de sortie de « ${LAST_CMD:-?} »"}
    [ "$status" = "$want" ] && return 0
    fail_fr "$what" "$want" "$(status_text "$status") — sortie d'erreur : $(show "$T/err")"
}

expect_stdout_eq() {
    [ "$output" = "$1" ] && return 0
    fail_fr "la sortie standard de « $LAST_CMD »" "$(show - <<<"$1")" "$(show "$T/out")"
}

expect_stdout_contains() {
    case $output in *"$1"*) return 0 ;; esac
    fail_fr "la sortie standard de « $LAST_CMD »" "contient « $1 »" "$(show "$T/out")"
}

expect_stderr_matches() {
    grep -Eqi -- "$1" "$T/err" && return 0
    fail_fr "le message d'erreur de « $LAST_CMD »" "${2:-un message qui correspond à /$1/}" "$(show "$T/err")"
}

# expect_same_bytes EXPECTED ACTUAL WHAT — byte-exact comparison of files;
# says where they part, and when the actual bytes stop right before a NUL
# of the expected ones, the likeliest cause (text functions on bytes).
expect_same_bytes() {
    cmp -s "$1" "$2" && return 0
    local want got where first
    want=$(wc -c <"$1") got=$(wc -c <"$2")
    first=$(cmp "$1" "$2" 2>/dev/null | sed -n 's/.* differ: byte \([0-9]*\),.*/\1/p')
    if [ -n "$first" ]; then
        where="différents à partir de l'octet n° $first"
    elif ((got < want)); then
        where="il manque la fin : seulement les $got premiers octets sur $want"
        if [ "$(tail -c +$((got + 1)) "$1" | head -c 1 | od -An -tu1 | tr -d ' ')" = 0 ]; then
            where+=" — coupé juste avant un octet nul : printf(\"%s\"), strlen ou strcpy traitent les octets comme du texte"
        fi
    else
        where="$((got - want)) octets de trop après les $want attendus"
    fi
    fail_fr "$3" "$want octets identiques à ceux envoyés" "$got octets — $where"
}

# expect_elapsed MIN_MS MAX_MS WHAT — MAX is scaled by TIMEOUT_SCALE.
expect_elapsed() {
    local max
    scale_micro max "$2"
    max=$((max / 1000000))
    ((elapsed_ms >= $1 && elapsed_ms <= max)) && return 0
    fail_fr "$3" "entre $1 et $max ms" "$elapsed_ms ms"
}

# expect_log LOGFILE REGEX WHAT — waits up to 3 s (scaled) for a log line.
expect_log() {
    wait_line "$1" "$2" 3 && return 0
    fail_fr "$3" "une ligne qui correspond à /$2/" "$(show "$1")"
}

# Skips (not run, never failed) under the partial isolation, where the
# program sees the machine's /etc instead of the lab's (the names of the
# bats file's "# @hosts" lines, the fake DNS server in resolv.conf).
require_lab_etc() {
    [ "$SANDBOX_MODE" != partial ] ||
        skip "isolation partielle : le programme ne voit pas le /etc du lab (hosts, resolv.conf)"
}

# use_fault SPEC… — the next runs of the test's programs get libfiu's
# failures (fiu-run -x -f '' -c SPEC, also under valgrind, e.g. 'enable name=posix/io/net/socket' or
# 'enable_random name=posix/mm/malloc,probability=0.5'); FIU=() ends it.
# Skips (not run, never failed) without fiu-run (sudo apt-get install
# fiu-utils).
use_fault() {
    command -v fiu-run >/dev/null || skip "fiu-run absent (sudo apt-get install fiu-utils)"
    local spec
    FIU=()
    for spec in "$@"; do FIU+=(-c "$spec"); done
}

# Skips (not run, never failed) where the machine has no IPv6 loopback.
require_ipv6() {
    grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null ||
        skip "pas d'IPv6 sur la boucle locale (::1) de cette machine"
}

# --- Memory checks -----------------------------------------------------

# Arms valgrind for the next run_prog/start_server of the test (or skips
# when valgrind cannot run: that is "not run", never "failed").
use_valgrind() {
    [ "${NOVALGRIND:-0}" = 1 ] && skip "tests mémoire désactivés par NOVALGRIND=1"
    command -v valgrind >/dev/null || skip "valgrind absent (sudo apt-get install valgrind)"
    VG=(valgrind --leak-check=full --show-leak-kinds=definite,indirect
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99
        --track-fds=yes)
    scale_to TIMEOUT_SCALE "$VALGRIND_SCALE"
}

# valgrind_explain LOG — valgrind's findings in French, each with the first
# frame in the lab's own files (file:line), at most 8 lines.
valgrind_explain() {
    awk -v srcs=" ${LAB_SOURCES:-} " '
    function frame(line) { return match(line, /\([^ ()]+\.c:[0-9]+\)/) ? substr(line, RSTART + 1, RLENGTH - 2) : "" }
    function flush() {
        if (what != "") { print what (where != "" ? " — dans " where : ""); n++ }
        what = ""; where = ""; mine = 0
    }
    { sub(/^==[0-9]+== /, "") }
    /^Invalid read of size/      { flush(); what = "lecture invalide de " $5 " octets (hors d'\''un bloc alloué, ou après free)" ; next }
    /^Invalid write of size/     { flush(); what = "écriture invalide de " $5 " octets (débordement de tampon ?)"; next }
    /^Invalid free|^Mismatched free/ { flush(); what = "libération invalide (free d'\''un pointeur non alloué ou déjà libéré)"; next }
    /^Conditional jump or move depends on uninitialised/ { flush(); what = "décision prise sur une valeur non initialisée"; next }
    /^Use of uninitialised value/ { flush(); what = "utilisation d'\''une valeur non initialisée"; next }
    /^Syscall param .* uninitialised/ { flush(); what = "appel système avec des octets non initialisés (" $3 ")"; next }
    /^Source and destination overlap/ { flush(); what = "copie entre zones qui se chevauchent (memcpy : utilisez memmove)"; next }
    /are definitely lost in loss record/ { flush(); what = "fuite certaine : " $1 " octets jamais libérés (free manquant)"; next }
    /are indirectly lost in loss record/ { flush(); what = "fuite indirecte : " $1 " octets, perdus avec le bloc qui les désignait"; next }
    /^Open AF_[A-Z0-9]+ socket [0-9]+/ { flush(); sub(/:$/, "", $4); what = "socket " $4 " encore ouverte à la sortie (close manquant)"; next }
    /^Open file descriptor [0-9]+:/ {
        flush(); fd = $4; sub(/:$/, "", fd)
        if (fd + 0 > 2) what = "descripteur " fd " encore ouvert à la sortie : " $5
        next }
    /^Possible data race during (read|write) of size/ {
        flush(); what = "course de données : " ($5 == "read" ? "lecture" : "écriture") " de " $8 " octets sans verrou commun avec un autre thread"; next }
    /^Thread #[0-9]+: lock order .* violated/ { flush(); what = "ordre de verrouillage incohérent entre threads (interblocage possible)"; next }
    /^Thread #[0-9]+ unlocked a not-locked lock|^Thread #[0-9]+ unlocked lock .* currently held by/ {
        flush(); what = "déverrouillage d'\''un verrou que ce thread ne tient pas"; next }
    /^ +(at|by) 0x/ {
        if (what == "" || (f = frame($0)) == "" || f ~ /^vg_/) next
        # The first frame in the lab'\''s own sources, else the first one.
        split(f, parts, ":")
        if (!mine && index(srcs, " " parts[1] " ")) { where = f; mine = 1 }
        else if (where == "") where = f
        next }
    /^ *$/ { flush() }
    END { flush() }
    ' "$1" | awk '!seen[$0]++' | head -n 8
}

# _vg_findings — what valgrind found so far in this test's logs, in French
# with file:line, at most 8 lines.
_vg_findings() {
    local log
    for log in "$T"/valgrind.*.log; do
        [ -s "$log" ] && valgrind_explain "$log"
    done | awk '!seen[$0]++' | head -n 8
}

# expect_memcheck_clean — every valgrind log of the test: no error, no
# definite or indirect leak, no descriptor left open at exit but the 3
# standard ones; each finding said in French with its place in the code.
expect_memcheck_clean() {
    local log bad=0 msg= found
    compgen -G "$T/valgrind.*.log" >/dev/null ||
        fail_fr "le test mémoire" "un rapport de valgrind" "aucun (le programme a-t-il démarré ?)"
    for log in "$T"/valgrind.*.log; do
        found=$(valgrind_explain "$log")
        if ! grep -q 'FILE DESCRIPTORS:' "$log"; then
            bad=1
            msg+="pas de bilan de valgrind : le programme a été tué avant la fin (délai, signal non géré ?)"$'\n'
        elif ! grep -q 'ERROR SUMMARY: 0 errors' "$log" || [ -n "$found" ]; then
            bad=1
            msg+=${found:-"erreur signalée par valgrind (voir valgrind --leak-check=full --track-fds=yes)"}$'\n'
        fi
    done
    ((bad == 0)) && return 0
    fail_fr "valgrind (erreurs mémoire, fuites, descripteurs ouverts à la sortie)" \
        "0 erreur, 0 fuite, seulement les 3 descripteurs standard ouverts" "${msg%$'\n'}"
}

# _descendants PID — PID and every process under it.
_descendants() {
    local kid
    echo "$1"
    for kid in $(cat /proc/"$1"/task/*/children 2>/dev/null); do _descendants "$kid"; done
}

# listen_addrs PID — where process PID (a server started by start_server:
# SERVER_PID) and its children listen, one "ADDRESS:PORT" a line, IPv6 in
# brackets. Read from /proc (socket inodes of their descriptors, then
# /proc/net/tcp and tcp6): it shows every address, a wildcard included,
# and the server sees no extra client.
listen_addrs() {
    local pid fd link inodes=" "
    for pid in $(_descendants "$1"); do
        for fd in /proc/"$pid"/fd/*; do
            link=$(readlink "$fd" 2>/dev/null) || continue
            case $link in socket:\[*\]) link=${link#socket:[}; inodes+="${link%]} " ;; esac
        done
    done
    awk -v inodes="$inodes" '
        function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; return v }
        # Each 32-bit word of the address is in host (little-endian) order.
        function word(w) { return substr(w, 7, 2) substr(w, 5, 2) substr(w, 3, 2) substr(w, 1, 2) }
        $4 == "0A" && index(inodes, " " $10 " ") {
            split($2, a, ":"); port = hex(a[2])
            if (length(a[1]) == 8) {
                w = word(a[1])
                print hex(substr(w, 1, 2)) "." hex(substr(w, 3, 2)) "." hex(substr(w, 5, 2)) "." hex(substr(w, 7, 2)) ":" port
            } else {
                full = word(substr(a[1], 1, 8)) word(substr(a[1], 9, 8)) word(substr(a[1], 17, 8)) word(substr(a[1], 25, 8))
                if (full ~ /^0+$/) ip = "::"
                else if (full ~ /^0+1$/) ip = "::1"
                else { ip = ""; for (i = 0; i < 8; i++) ip = ip (i ? ":" : "") sprintf("%x", hex(substr(full, 4 * i + 1, 4))) }
                print "[" ip "]:" port
            }
        }' /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u
}
