# lab07.bash — lab 07's own helpers: the interfaces of the lab's network
# namespace (made by fakes/netlab, never in the machine's), the fake that
# logs every connection attempt (fakes/knock), and proofs from the peers'
# side that the program really connected.

# Interfaces and addresses from the seed (no command substitution: a
# subshell reseeds RANDOM). The veth pair VETH <-> PEER, both up, plus a
# second pair BARE <-> BARE2, down and without any address. IPv4 in
# 10.0.0.0/8 and 172.16.0.0/12, IPv6 in the ULA range fd00::/8: they exist
# only in the lab's namespace, where nothing leaves the machine.
lab07_seed_values() {
    RANDOM=$((SEED + 7))
    local n=$((RANDOM % 900 + 100)) a b c
    VETH=l7v$n PEER=l7p$n BARE=l7w$n BARE2=l7z$n
    a=$((RANDOM % 254 + 1)) b=$((RANDOM % 256)) c=$((RANDOM % 250 + 2))
    VETH4=10.$a.$b.$c VETH4_GW=10.$a.$b.1
    a=$((RANDOM % 16 + 16)) b=$((RANDOM % 256)) c=$((RANDOM % 250 + 2))
    PEER4=172.$a.$b.$c PEER4_GW=172.$a.$((b & 0xf0)).1
    printf -v VETH6 'fd%02x:%x:%x::%x' $((RANDOM % 256)) $((RANDOM % 0xf000 + 0x1000)) \
        $((RANDOM % 0xf000 + 0x1000)) $((RANDOM % 0xfff0 + 0x10))
    printf -v PEER6 'fd%02x:%x:%x::%x' $((RANDOM % 256)) $((RANDOM % 0xf000 + 0x1000)) \
        $((RANDOM % 0xf000 + 0x1000)) $((RANDOM % 0xfff0 + 0x10))
}

# lab07_make_interfaces — in the lab's namespace (once per phase: each
# phase is a new namespace), the interfaces above. NETLAB_WHY says why they
# could not be made (then tests that need them are not run, never passed).
lab07_make_interfaces() {
    NETLAB_WHY=
    if [ "$SANDBOX_MODE" = partial ]; then
        NETLAB_WHY="isolation partielle : pas d'espace de noms réseau propre au lab, le correcteur ne crée aucune interface sur la machine"
        return 0
    fi
    [ -e "/sys/class/net/$VETH" ] && return 0
    local nl=$FAKE_DIR/netlab out
    if ! out=$({ "$nl" veth "$VETH" "$PEER" && "$nl" addr "$VETH" "$VETH4/24" &&
        "$nl" addr "$VETH" "$VETH6/64" && "$nl" addr "$PEER" "$PEER4/20" &&
        "$nl" addr "$PEER" "$PEER6/56" && "$nl" up "$VETH" && "$nl" up "$PEER" noarp &&
        "$nl" wait "$VETH" && "$nl" wait "$PEER" && "$nl" veth "$BARE" "$BARE2"; } 2>&1); then
        NETLAB_WHY="interfaces de test impossibles à créer dans l'espace de noms du lab : $out"
    fi
    return 0
}

# need_interfaces — skips (not run, never passed) when they could not be made.
need_interfaces() {
    [ -z "$NETLAB_WHY" ] || skip "$NETLAB_WHY"
}

# route_via GATEWAY | route_none — the lab namespace's default IPv4 route.
route_via() { "$FAKE_DIR/netlab" route add "$1" >/dev/null 2>"$T/netlab.err" || fail_fr "la route par défaut du lab" "ajoutée via $1" "$(show "$T/netlab.err")"; }
route_none() { "$FAKE_DIR/netlab" route del >/dev/null 2>"$T/netlab.err" || fail_fr "la route par défaut du lab" "retirée" "$(show "$T/netlab.err")"; }

# netinfo's line for an address: NAME FAMILY ADDRESS MASK FLAGS.
ni_line() { printf '%s : %s %s masque %s <%s>' "$@"; }

# The lines netinfo must print for each interface (without « IP locale »),
# sorted: lo always, the lab's pair when it exists.
ni_expected() {
    {
        ni_line lo AF_INET 127.0.0.1 255.0.0.0 UP,LOOPBACK,RUNNING; echo
        ni_line lo AF_INET6 ::1 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff UP,LOOPBACK,RUNNING; echo
        if [ "${1:-}" = all ]; then
            ni_line "$VETH" AF_INET "$VETH4" 255.255.255.0 UP,BROADCAST,RUNNING,MULTICAST; echo
            ni_line "$VETH" AF_INET6 "$VETH6" ffff:ffff:ffff:ffff:: UP,BROADCAST,RUNNING,MULTICAST; echo
            ni_line "$PEER" AF_INET "$PEER4" 255.255.240.0 UP,BROADCAST,RUNNING,NOARP,MULTICAST; echo
            ni_line "$PEER" AF_INET6 "$PEER6" ffff:ffff:ffff:ff00:: UP,BROADCAST,RUNNING,NOARP,MULTICAST; echo
        fi
    } | LC_ALL=C sort
}

# start_knock [-a DELAY_MS] [-b ADDRESS] | -P PORT — the fake that logs
# every SYN to its port (refused while it does not listen): KNOCK_PORT,
# KNOCK_LOG. Skips (not run) where it cannot open its packet socket (no
# CAP_NET_RAW: the partial isolation as an ordinary user).
start_knock() {
    local saved=("${VG[@]}")
    VG=()
    KNOCK_N=$((${KNOCK_N:-0} + 1))
    if ! start_server "knock$KNOCK_N" "$FAKE_DIR/knock" "$@"; then
        VG=("${saved[@]}")
        grep -q 'AF_PACKET' "$SERVER_ERR" 2>/dev/null &&
            skip "le faux pair qui compte les tentatives ne peut pas observer la boucle locale (CAP_NET_RAW) : $(show "$SERVER_ERR")"
        return 1
    fi
    VG=("${saved[@]}")
    KNOCK_PORT=$SERVER_PORT KNOCK_LOG=$SERVER_LOG
}

# knock_times — the times (ms) of the attempts logged, one a line.
knock_times() { sed -n 's/^tentative [0-9]* à \([0-9]*\) ms$/\1/p' "$KNOCK_LOG"; }

# expect_attempts N WHAT — the knock fake saw exactly N attempts (waits up
# to 1 s, scaled, for the last ones to be logged).
expect_attempts() {
    local n
    wait_count "$KNOCK_LOG" '^tentative ' "$1" 1 || true
    n=$(grep -c '^tentative ' "$KNOCK_LOG" || true)
    [ "$n" = "$1" ] && return 0
    fail_fr "$2" "$1 tentative(s) de connexion vue(s) par le serveur de test" \
        "$n — journal du serveur : $(grep '^tentative\|^connexion\|^écoute' "$KNOCK_LOG" | tr '\n' ';' | show -)"
}

# start_sink NAME — a fake that accepts (peer sink): its -o file appears at
# each connection, so that a test knows the program really connected.
# SINK_PORT, SINK_FILE.
start_sink() {
    local bind=()
    [ "${1:-}" = -b ] && { bind=(-b "$2"); shift 2; }
    SINK_FILE=$T/sink.$1
    rm -f "$SINK_FILE"
    start_fake sink "${bind[@]}" -o "$SINK_FILE"
    SINK_PORT=$FAKE_PORT
}

# expect_connected FILE WHAT — a connection reached the sink of FILE.
expect_connected() {
    wait_line_exists "$1" 3 && return 0
    fail_fr "$2" "une connexion reçue par le serveur de test" "aucune : le programme ne s'est pas connecté"
}

wait_line_exists() {
    local DEADLINE POLLS
    _deadline "$2"
    until [ -e "$1" ]; do _poll || return 1; done
}

# expect_lines EXPECTED WHAT — stdout is exactly EXPECTED, where each
# « LAT » stands for a latency (digits, a point, two decimals).
expect_lines() {
    local re
    re=$(printf '%s\n' "$1" | sed 's/[][\.*^$()+?{}|/]/\\&/g; s/LAT/[0-9]+\\.[0-9][0-9]/g')
    if [ "$(grep -c '' <<<"$output")" = "$(grep -c '' <<<"$1")" ] &&
        paste -d '\n' <(printf '%s\n' "$re") <(printf '%s\n' "$output") |
        awk 'NR % 2 { re = "^" $0 "$"; next } $0 !~ re { bad = 1 } END { exit bad }'; then
        return 0
    fi
    fail_fr "${2:-la sortie standard de « $LAST_CMD »} (0.12 : une latence mesurée, deux décimales)" "$(sed 's/LAT/0.12/g' <<<"$1" | show -)" "$(show "$T/out")"
}
