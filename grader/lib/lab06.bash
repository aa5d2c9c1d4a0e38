# lab06.bash — lab 06's own helpers: target ports chosen from the seed, the
# grader's scan targets (fakes/scanpeer.c), and the scanner's report checked
# line by line, with proof from the targets' side that the scanner connected.

# seeded_ports SALT N LO HI — N distinct ports of [LO, HI] from the run's
# seed (and SALT), ascending, space-separated: a program that cannot read
# the seed cannot guess them.
seeded_ports() {
    local n=$2 lo=$3 hi=$4 p
    local -A seen=()
    RANDOM=$((SEED * 7919 + $1))
    while ((${#seen[@]} < n)); do
        p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
        seen[$p]=1
    done
    printf '%s\n' "${!seen[@]}" | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# _range_busy LO HI — does any TCP socket of this network namespace use a
# port of [LO, HI] (listening or not)? Only the partial isolation shares
# the machine's namespace; the lab's own one is empty.
_range_busy() {
    awk -v lo="$1" -v hi="$2" '
        function hex(s,   i, v) { v = 0; for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; return v }
        FNR > 1 { split($2, a, ":"); p = hex(a[2]); if (p >= lo && p <= hi) found = 1 }
        END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# seeded_range SALT WIDTH — RANGE_LO and RANGE_HI: WIDTH ports from the seed
# inside 10000..30000 (below the ephemeral ports), where nothing listens.
seeded_range() {
    local salt=$1 width=$2 try
    for ((try = 0; try < 20; try++)); do
        RANDOM=$((SEED * 104729 + salt + try * 31))
        RANGE_LO=$((10000 + (RANDOM * 32768 + RANDOM) % (20000 - width)))
        RANGE_HI=$((RANGE_LO + width - 1))
        _range_busy "$RANGE_LO" "$RANGE_HI" || return 0
    done
    fail_fr "une plage de ports libre pour le test" "$width ports où rien n'écoute" "toutes occupées"
}

# start_targets [-b ADDR] [-l PORTS] [-f PORTS] [-S PORTS] — the grader's
# scan targets (listeners, full accept queues, slow ports), in the lab's
# network namespace; PORTS are comma-separated. Each connection the
# listeners accept is logged in TARGET_LOG (one port a line, every target
# of the test in the same file).
TARGETS_N=0
start_targets() {
    TARGETS_N=$((TARGETS_N + 1))
    TARGET_LOG=$T/targets.log
    local name=targets.$TARGETS_N ready=0
    start_bg "$name" "$FAKE_DIR/scanpeer" -o "$TARGET_LOG" "$@"
    TARGET_JOB=$BG_PID
    wait_line "$T/$name.out" '^Prêt' 20 "$BG_PID" || ready=$?
    ((ready == 0)) && return 0
    fail_fr "les cibles du correcteur (scanpeer $*)" "prêtes (« Prêt : N ports »)" \
        "$(show "$T/$name.out") / erreurs : $(show "$T/$name.err")"
}

# Is there an IPv6 loopback (::1)? (require_ipv6 without the skip.)
require_ipv6_quiet() {
    grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null
}

# csv WORDS… — "a b c" as "a,b,c".
csv() { local IFS=,; echo "$*"; }

# service_of PORT — the name /etc/services gives PORT/tcp, or « inconnu ».
service_of() {
    local name
    name=$(getent services "$1/tcp" 2>/dev/null | awk '{ print $1; exit }')
    echo "${name:-inconnu}"
}

# expect_report OPEN CLOSED FILTERED [WHAT] — the scanner's whole stdout:
# one « PORT/tcp SERVICE » line per port of OPEN (space-separated,
# ascending), then « N ouverts, N fermés, N filtrés en X.XX s », nothing
# else; exit code 0 and nothing on stderr.
expect_report() {
    local open=$1 closed=$2 filtered=$3 what=${4:-} p n=0 want=
    expect_status 0 "le code de sortie de « $LAST_CMD »${what:+ ($what)}"
    for p in $open; do
        want+="$p/tcp $(service_of "$p")"$'\n'
        n=$((n + 1))
    done
    local summary="$n ouverts, $closed fermés, $filtered filtrés en"
    local got_lines got_summary
    got_lines=$(sed '$d' "$T/out")
    got_summary=$(tail -n 1 "$T/out")
    if [ "$got_lines" != "${want%$'\n'}" ] ||
        ! [[ $got_summary =~ ^"$summary "[0-9]+\.[0-9]{2}" s"$ ]] ||
        [ -n "$(tail -c 1 "$T/out")" ]; then
        fail_fr "la sortie standard de « $LAST_CMD »${what:+ ($what)}" \
            "${want}$summary X.XX s"$'\n'"(un port ouvert par ligne dans l'ordre croissant, puis le bilan ; rien d'autre)" \
            "$(show "$T/out")"
    fi
    [ ! -s "$T/err" ] ||
        fail_fr "la sortie d'erreur de « $LAST_CMD »${what:+ ($what)}" "vide (le scan s'est bien passé)" "$(show "$T/err")"
}

# expect_connected PORTS [WHAT] — each port of PORTS (space-separated) saw
# at least one connection accepted by the targets: the scanner really
# connected (a program that only reads /proc/net/tcp cannot).
expect_connected() {
    local missing DEADLINE POLLS
    _deadline 3
    while :; do
        # The ports of $1 that the log does not hold (one awk a round: a
        # busy machine makes each process slow to start).
        missing=$(awk -v want="$1" 'BEGIN { n = split(want, w, " ") }
            { seen[$1] = 1 }
            END { for (i = 1; i <= n; i++) if (!(w[i] in seen)) printf " %s", w[i] }' "$TARGET_LOG")
        [ -z "$missing" ] && return 0
        _poll 0.05 || break
    done
    fail_fr "les connexions vues par les ports en écoute du correcteur${2:+ ($2)}" \
        "une connexion acceptée sur chacun de : $1" "aucune sur :$missing"
}

# expect_json HOST OPEN CLOSED FILTERED — stdout is exactly one JSON object
# {"host": HOST, "open": [OPEN…], "closed_count": CLOSED,
# "filtered_count": FILTERED}, code 0, nothing on stderr.
expect_json() {
    expect_status 0
    local verdict
    verdict=$(python3 -c '
import json, sys
host, open_, closed, filtered = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
want = {"host": host, "open": [int(p) for p in open_.split()], "closed_count": closed, "filtered_count": filtered}
text = open(sys.argv[5], encoding="utf-8", errors="replace").read()
try:
    got = json.loads(text)
except ValueError as e:
    print("pas du JSON valide (%s)" % e); sys.exit(0)
if got != want:
    print("un autre objet : %s" % json.dumps(got, ensure_ascii=False)[:300]); sys.exit(0)
if text.count("\n") != 1 or not text.endswith("\n"):
    print("l objet attendu, mais pas sur une seule ligne terminée par un saut de ligne"); sys.exit(0)
print("ok")' "$1" "$2" "$3" "$4" "$T/out" 2>&1)
    [ "$verdict" = ok ] ||
        fail_fr "la sortie --json de « $LAST_CMD »" \
            "{\"host\": \"$1\", \"open\": [$(csv $2)], \"closed_count\": $3, \"filtered_count\": $4} (une ligne)" \
            "$verdict — $(show "$T/out")"
    [ ! -s "$T/err" ] ||
        fail_fr "la sortie d'erreur de « $LAST_CMD »" "vide" "$(show "$T/err")"
}

# expect_usage_error REGEX WHAT ARGS… — scanner ARGS… is a usage error:
# code 2, a message matching REGEX on stderr, nothing on stdout.
expect_usage_error() {
    local re=$1 what=$2
    shift 2
    run_prog -l 10 scanner "$@"
    expect_status 2 "le code de sortie de « scanner $* » ($what)"
    expect_stderr_matches "$re" "$what : un message « $re » sur la sortie d'erreur"
    [ ! -s "$T/out" ] ||
        fail_fr "la sortie standard de « scanner $* » ($what)" "vide : erreur d'usage, rien n'est scanné" "$(show "$T/out")"
}

# set_port_range LO HI — the lab's ephemeral ports (its own network
# namespace: the machine's setting is untouched), restored by
# restore_port_range (teardown).
set_port_range() {
    SAVED_PORT_RANGE=$(cat /proc/sys/net/ipv4/ip_local_port_range)
    echo "$1 $2" >/proc/sys/net/ipv4/ip_local_port_range
}
restore_port_range() {
    [ -n "${SAVED_PORT_RANGE:-}" ] && echo "$SAVED_PORT_RANGE" >/proc/sys/net/ipv4/ip_local_port_range
    SAVED_PORT_RANGE=
    return 0
}

# The helpers' teardown, after the lab's own cleanup: the ephemeral port
# range of the lab's namespace is restored even when a test failed.
eval "_helpers_teardown() $(declare -f teardown | tail -n +2)"
teardown() {
    restore_port_range
    _helpers_teardown
}
