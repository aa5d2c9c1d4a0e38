# lab08.bash — lab 08's own helpers: the grader's banner services
# (fakes/bannerpeer), what banner must print for each, and what they saw.

BP_N=0

# start_bp MODE [-b ADDRESS] [-p PORT] [ARGS…] — a banner service of the
# grader, its banner drawn from the run's seed (a program that does not ask
# it cannot print it). Sets BP_PORT, BP_TARGET (HOST:PORT, IPv6 in
# brackets), BP_LINE (the line banner must print for it: TARGET -> …;
# BP_FIRST for its first piece only, mode slow),
# BP_OUT (the service's own report: "simultanées N", "durée N ms") and
# BP_RECV (what clients sent it; absent until a first connection).
start_bp() {
    local mode=$1 saved=("${VG[@]}") rc=0
    shift
    BP_N=$((BP_N + 1))
    BP_RECV=$T/recu.$BP_N
    VG=()
    start_server "service_$BP_N" "$FAKE_DIR/bannerpeer" "$mode" -s "$((SEED * 17 + BP_N))" \
        -o "$BP_RECV" "$@" || rc=$?
    VG=("${saved[@]}")
    ((rc == 0)) || return "$rc"
    BP_PORT=$SERVER_PORT BP_OUT=$SERVER_LOG
    BP_TARGET=$SERVER_HOST:$SERVER_PORT
    [ "${SERVER_HOST#*:}" != "$SERVER_HOST" ] && BP_TARGET=[$SERVER_HOST]:$SERVER_PORT
    BP_LINE="$BP_TARGET -> $(sed -n 's/^attendu //p' "$SERVER_LOG")"
    BP_FIRST="$BP_TARGET -> $(sed -n 's/^premier //p' "$SERVER_LOG")"
    return 0
}

# expect_lines STREAM_FILE EXPECTED WHAT — the whole stream, line for line.
expect_lines() {
    local got
    got=$(cat "$1")
    [ "$got" = "$2" ] && return 0
    fail_fr "$3" "$(show - <<<"$2")" "$(show "$1")"
}

# expect_sent FILE BYTES WHAT — a service's log holds exactly BYTES (printf
# %s): it was reached, and got that (nothing, for a service that speaks
# first).
expect_sent() {
    [ -e "$1" ] || fail_fr "$3" "une connexion, puis « $(printf '%s' "$2" | show -) »" \
        "aucune connexion reçue par le service de test"
    printf '%s' "$2" >"$T/sent_expected"
    cmp -s "$T/sent_expected" "$1" && return 0
    fail_fr "$3" "$(if [ -n "$2" ]; then show "$T/sent_expected"; else echo "(rien : ce service parle le premier)"; fi)" \
        "$(show "$1")"
}

# bp_max FILE — the most connections a service saw open at once.
bp_max() {
    sed -n 's/^simultanées //p' "$1" | tail -n 1
}

# bp_durations FILE — the length of each connection a service saw, in ms,
# one a line (waits until COUNT lines are there, 3 s scaled, when given).
bp_durations() {
    [ -n "${2:-}" ] && wait_count "$1" '^durée ' "$2" 3
    sed -n 's/^durée \([0-9]*\) ms$/\1/p' "$1"
}

# http_port_free PORT — can the lab bind this port? Inside the lab's own
# network namespace, always; under the partial isolation, only as root and
# when nothing of the machine listens there (else the test is skipped).
require_http_port() {
    [ "$SANDBOX_MODE" != partial ] && return 0
    [ "$(id -u)" = 0 ] || skip "isolation partielle sans root : le port $1 est réservé"
    ! port_listening "$1" || skip "isolation partielle : le port $1 est déjà pris sur cette machine"
}
