#!/usr/bin/env bats
# Lab 04 — udp_server et udp_client : le client et le serveur UDP du §3.
# The peers are the grader's udppeer (grader/fakes/udppeer.c): a client for
# the server, a devious server for the client; never the student's other program.

# @hosts ::1 trois.lab
# @hosts 127.0.0.1 trois.lab
# @hosts 127.0.0.2 trois.lab

load ../lib/helpers

# Starts the student's server on a free UDP port: SERVER_PORT, SERVER_LOG…
start_udp() {
    SERVER_PROTO=udp start_server srv udp_server -p 0 "$@"
}

# The grader's UDP server answers with KEY (drawn from the seed) before the
# echo, with start_udppeer -k: a reply the program shows proves it reached
# the server, and no program can print it without asking. (The seed goes
# to awk in its environment: a command line is readable by all in /proc.)
KEY=$(SEED=$SEED awk 'BEGIN { srand(ENVIRON["SEED"]); printf "r%04x%04x%04x:", rand() * 65536, rand() * 65536, rand() * 65536 }')

# start_udppeer [-k] OPTIONS… — the grader's UDP server (with -k, its
# replies start with KEY, given in the environment: a command line is
# readable by all in /proc): UPORT, ULOG.
start_udppeer() {
    local key=
    [ "${1:-}" = -k ] && { key=$KEY; shift; }
    FAKE_KEY=$key SERVER_PROTO=udp start_server upeer "$FAKE_DIR/udppeer" serve "$@"
    UPORT=$SERVER_PORT ULOG=$SERVER_LOG
}

# usend ARGS… — one datagram from the grader's client; reply in $T/usend.out.
usend() {
    ustatus=0
    { (_exec_clean timeout -k 2 "$(scaled 20)" "$FAKE_DIR/udppeer" send "$@") \
        </dev/null >"$T/usend.out" 2>"$T/usend.err"; } 2>/dev/null || ustatus=$?
}

# expect_sends N — the peer got exactly N datagrams of the client: a last
# 3-byte marker sent afterwards must be datagram N+1 (same queue, in order).
expect_sends() {
    usend -t 0.2 -m fin 127.0.0.1 "$UPORT"
    wait_line "$ULOG" "^datagramme [0-9]+ : 3 octets" 3 ||
        fail_fr "le marqueur envoyé après le client" "reçu par le faux serveur" "$(show "$ULOG")"
    local got
    got=$(grep -cv -e ' : 3 octets' -e '^Serveur' "$ULOG") || got=0
    [ "$got" = "$1" ] ||
        fail_fr "le nombre de datagrammes envoyés par udp_client ($2)" "$1" "$got"
}

# @points 5
# @req R1 R11
# @hint §3 « Serveur UDP » : socket(SOCK_DGRAM) puis bind, sans listen ; afficher l'adresse réelle (getsockname) et fflush — man 7 udp
@test "udp_server annonce « Serveur en écoute sur 127.0.0.1:PORT » et y reçoit les datagrammes" {
    start_udp
    grep -Eq '^Serveur en écoute sur 127\.0\.0\.1:[1-9][0-9]*$' "$SERVER_LOG" ||
        fail_fr "la première ligne du serveur" "Serveur en écoute sur 127.0.0.1:PORT (le port réel, lu avec getsockname)" "$(show "$SERVER_LOG")"
    usend -t 3 -m ping 127.0.0.1 "$SERVER_PORT"
    [ "$ustatus" = 0 ] || fail_fr "la réponse au datagramme « ping »" "une réponse" "rien ($(show "$T/usend.err"))"
}

# @points 5
# @req R2
# @hint §3 « Serveur UDP » : recvfrom donne l'expéditeur, sendto lui répond ; toupper sur n octets (un datagramme vide vaut n = 0) — man 2 recvfrom
@test "udp_server renvoie le datagramme en majuscules à son expéditeur, même vide" {
    start_udp
    usend -t 3 -m 'Bonjour, été 2024 ! z' 127.0.0.1 "$SERVER_PORT"
    [ "$ustatus" = 0 ] && [ "$(cat "$T/usend.out")" = 'BONJOUR, éTé 2024 ! Z' ] ||
        fail_fr "la réponse à « Bonjour, été 2024 ! z » (majuscules ASCII, autres octets inchangés)" \
            "BONJOUR, éTé 2024 ! Z" "$(show "$T/usend.out") (code $ustatus)"
    usend -t 3 -m '' 127.0.0.1 "$SERVER_PORT"
    [ "$ustatus" = 0 ] && [ ! -s "$T/usend.out" ] ||
        fail_fr "la réponse à un datagramme vide" "un datagramme vide" "$(show "$T/usend.err")"
    # Every reply sent: nothing to report (sendto of 0 bytes returns 0).
    [ ! -s "$SERVER_ERR" ] ||
        fail_fr "la sortie d'erreur du serveur après deux réponses envoyées" "(rien : aucune erreur)" "$(show "$SERVER_ERR")"
}

# @points 5
# @req R2 R3
# @hint un tampon de 65507 octets au moins (le cours lit 1024 : le reste est perdu), longueur = retour de recvfrom, pas strlen — man 7 udp
@test "udp_server traite un datagramme binaire de 65507 octets" {
    start_udp
    fake_tool peer gen -n 65507 -s "$SEED" | LC_ALL=C tr 'a-z' 'A-Z' >"$T/expected"
    usend -t 3 -n 65507 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    [ "$ustatus" = 0 ] || fail_fr "la réponse à un datagramme de 65507 octets" "une réponse" "rien ($(show "$T/usend.err"))"
    expect_same_bytes "$T/expected" "$T/usend.out" "la réponse à 65507 octets quelconques (octets nuls compris)"
}

# @points 5
# @req R4
# @hint §3 : print(f"Reçu de {client}: {data}") ; Python affiche b'...' échappé : faites de même (\xHH) — man 3 isprint
@test "udp_server journalise « Reçu de ADRESSE: … » en échappant les octets non imprimables" {
    start_udp
    usend -t 3 -m $'salut\x01\x1b[2J\n' 127.0.0.1 "$SERVER_PORT"
    local port
    port=$(sed -n 's/^local .*://p' "$T/usend.err")
    expect_log "$SERVER_LOG" "^Reçu de 127\.0\.0\.1:$port: salut" "la ligne de journal du datagramme"
    local line
    line=$(grep -a "^Reçu de 127.0.0.1:$port: " "$SERVER_LOG") || line=
    if LC_ALL=C grep -aq $'[\x01\x1b]' <<<"$line" || ! grep -q 'salut.*\\' <<<"$line"; then
        fail_fr "les octets de contrôle dans le journal (ils pilotent le terminal)" \
            "échappés sur une seule ligne, par exemple salut\\x01\\x1b[2J\\n" "$(show - <<<"$line")"
    fi
    # A long datagram: its first 64 bytes, then its size.
    usend -t 3 -m "$(printf 'x%.0s' {1..100})" 127.0.0.1 "$SERVER_PORT"
    port=$(sed -n 's/^local .*://p' "$T/usend.err")
    expect_log "$SERVER_LOG" "^Reçu de 127\.0\.0\.1:$port: x{64}… \(100 octets\)\$" \
        "la ligne de journal d'un datagramme de 100 octets (les 64 premiers, puis « … (100 octets) »)"
}

# @points 5
# @req R1 R11
# @hint getaddrinfo avec AF_UNSPEC et AI_PASSIVE : la famille vient de l'adresse ; s'arrêter à la première adresse liée (break) — man 3 getaddrinfo
@test "udp_server en IPv6 (-b ::1), et une seule socket pour -b localhost" {
    require_ipv6
    start_udp -b ::1
    grep -Eq '^Serveur en écoute sur \[::1\]:[1-9][0-9]*$' "$SERVER_LOG" ||
        fail_fr "la ligne prête en IPv6" "Serveur en écoute sur [::1]:PORT" "$(show "$SERVER_LOG")"
    usend -t 3 -m ipv6 ::1 "$SERVER_PORT"
    [ "$(cat "$T/usend.out")" = IPV6 ] || fail_fr "la réponse en IPv6" "IPV6" "$(show "$T/usend.out")"
    # localhost is ::1 and 127.0.0.1 in the lab's hosts (not in every
    # machine's): one socket, on the first that binds.
    [ "$SANDBOX_MODE" != partial ] || return 0
    start_udp -b localhost
    grep -Eq '^Serveur en écoute sur \[::1\]:[1-9][0-9]*$' "$SERVER_LOG" &&
        [ "$(grep -c '' "$SERVER_LOG")" = 1 ] ||
        fail_fr "la ligne prête avec -b localhost" "une ligne, Serveur en écoute sur [::1]:PORT (la première adresse qui se lie)" "$(show "$SERVER_LOG")"
    local socks
    socks=$(find "/proc/$SERVER_PID/fd" -mindepth 1 -maxdepth 1 -lname 'socket:*' 2>/dev/null | wc -l)
    [ "$socks" = 1 ] ||
        fail_fr "les sockets ouvertes par udp_server -b localhost (/proc/PID/fd)" "1 (s'arrêter à la première adresse liée)" "$socks"
}

# @points 5
# @req R5
# @hint stop_setup() puis wait_fd avant chaque recvfrom : il revient sur EINTR — man 2 sigaction
@test "udp_server : SIGTERM et SIGINT l'arrêtent proprement (code 0)" {
    local sig
    for sig in TERM INT; do
        start_udp
        stop_server "$SERVER_PID" 2 "$sig"
        ((server_killed == 0)) ||
            fail_fr "l'arrêt sur SIG$sig" "le serveur s'arrête en moins de 2 s" "toujours en marche"
        [ "$server_status" = 0 ] ||
            fail_fr "le code de sortie après SIG$sig (un gestionnaire installé avec stop_setup ?)" \
                "0 (arrêt propre)" "$(status_text "$server_status")"
    done
}

# @points 5
# @req R11 R12
# @hint §3 : port = 9999 par défaut ; bind échoue (EADDRINUSE) si le port est pris : message avec net_strerror, code 1 — man 2 bind
@test "udp_server : sans -p, port 9999 ; port déjà occupé, adresse absente, nom inconnu : message et code 1" {
    # A random loopback address of its own: 9999 there collides with no other
    # server (nor a concurrent grade under the partial isolation), unless a
    # socket is bound to 9999 on every address; then the server must at
    # least say it tried 9999.
    local a="127.$((RANDOM % 250 + 3)).$((RANDOM % 256)).$((RANDOM % 254 + 1))"
    if awk '$2 ~ /^0+:270F$/ { f = 1 } END { exit !f }' /proc/net/udp /proc/net/udp6 2>/dev/null; then
        run_prog -l 5 udp_server -b "$a"
        expect_status 1 "le code de sortie (le port UDP 9999 est déjà pris sur toutes les adresses de cette machine)"
        expect_stderr_matches ":9999" "un message qui nomme le port 9999 (déjà pris sur toutes les adresses)"
        return 0
    fi
    SERVER_PROTO=udp start_server srv udp_server -b "$a"
    [ "$SERVER_PORT" = 9999 ] ||
        fail_fr "le port annoncé sans -p" "9999" "$(show "$SERVER_LOG")"
    usend -t 3 -m 'port par défaut' "$a" 9999
    [ "$ustatus" = 0 ] && [ "$(cat "$T/usend.out")" = 'PORT PAR DéFAUT' ] ||
        fail_fr "la réponse sur $a:9999" "PORT PAR DéFAUT" "$(show "$T/usend.out") (code $ustatus)"
    # The port is now taken by the first server: a second one cannot bind it.
    run_prog -l 5 udp_server -b "$a" -p 9999
    expect_status 1 "le code de sortie quand le port 9999 est déjà pris"
    expect_stderr_matches "^udp_server: .*adresse déjà utilisée" \
        "un message « udp_server: … : adresse déjà utilisée » (la raison : errno de bind, EADDRINUSE)"
    [ -z "$output" ] || fail_fr "la sortie standard sans écoute" "(rien)" "$(show "$T/out")"
    # An address this machine does not have (TEST-NET-1, RFC 5737).
    run_prog -l 5 udp_server -b 192.0.2.1 -p 0
    expect_status 1 "le code de sortie pour -b 192.0.2.1 (adresse absente de la machine)"
    expect_stderr_matches "^udp_server: .*adresse non disponible" \
        "un message « udp_server: … : adresse non disponible sur cette machine » (EADDRNOTAVAIL)"
    [ -z "$output" ] || fail_fr "la sortie standard sans écoute" "(rien)" "$(show "$T/out")"
    # A name no resolver knows: only in the full sandbox, whose resolv.conf
    # names the lab's own loopback (elsewhere it would ask a real server).
    if [ "$SANDBOX_MODE" != partial ]; then
        run_prog -l 10 udp_server -b nom-inconnu.test -p 0
        expect_status 1 "le code de sortie pour -b nom-inconnu.test"
        expect_stderr_matches "^udp_server: nom-inconnu\.test : " \
            "« udp_server: nom-inconnu.test : RAISON » (le message de net_gai_strerror)"
        [ "$(grep -c '' "$T/err")" = 1 ] ||
            fail_fr "la sortie d'erreur pour un nom inconnu" "une seule ligne : rien ne continue après l'échec de getaddrinfo" "$(show "$T/err")"
        [ -z "$output" ] || fail_fr "la sortie standard sans écoute" "(rien)" "$(show "$T/out")"
    fi
}

# @points 5
# @req R15
# @hint n < 0 : un message sur la sortie d'erreur (sauf EINTR et EAGAIN, qui n'en sont pas), puis continue — jamais break ; de même pour sendto — man 2 recvfrom, man 2 sendto
@test "udp_server : un échec de recvfrom ou de sendto (panne injectée) est signalé, puis il continue de servir" {
    # libfiu (fiu-run) makes the server's first recvfrom fail with ENOMEM
    # (12; the datagram stays queued) and its first sendto with ENOBUFS
    # (105; that reply is lost): each costs one datagram at most.
    use_fault 'enable name=posix/io/net/recvfrom,failinfo=12,onetime' \
        'enable name=posix/io/net/sendto,failinfo=105,onetime'
    start_udp
    FIU=()
    usend -t 0.3 -m 'perdu' 127.0.0.1 "$SERVER_PORT"
    local port
    port=$(sed -n 's/^local .*://p' "$T/usend.err")
    expect_log "$SERVER_ERR" "^udp_server: envoi à 127\.0\.0\.1:$port : tampons réseau épuisés\$" \
        "le message quand sendto échoue (ENOBUFS) : « udp_server: envoi à 127.0.0.1:$port : tampons réseau épuisés »"
    usend -t 3 -m 'encore' 127.0.0.1 "$SERVER_PORT"
    [ "$ustatus" = 0 ] && [ "$(cat "$T/usend.out")" = ENCORE ] ||
        fail_fr "la réponse au datagramme suivant (une erreur ne coûte qu'un datagramme : le serveur continue)" \
            "ENCORE" "$(show "$T/usend.out") (code $ustatus) — erreurs du serveur : $(show "$SERVER_ERR")"
    printf '%s\n' "udp_server: réception : mémoire insuffisante" \
        "udp_server: envoi à 127.0.0.1:$port : tampons réseau épuisés" >"$T/expected.err"
    cmp -s "$T/expected.err" "$SERVER_ERR" ||
        fail_fr "la sortie d'erreur du serveur (recvfrom échoue une fois avec ENOMEM, puis sendto avec ENOBUFS)" \
            "$(cat "$T/expected.err")" "$(show "$SERVER_ERR")"
    # One log line per datagram really received: a failed recvfrom is none.
    [ "$(grep -c '^Reçu de ' "$SERVER_LOG")" = 2 ] && ! grep -q 'udp_server' "$SERVER_LOG" ||
        fail_fr "le journal du serveur (sortie standard)" \
            "deux lignes « Reçu de … », les messages d'erreur sur la sortie d'erreur" "$(show "$SERVER_LOG")"
    # Interrupted by a signal (EINTR, 4): not an error, nothing to say.
    use_fault 'enable name=posix/io/net/recvfrom,failinfo=4,onetime'
    start_udp
    FIU=()
    usend -t 3 -m 'interrompu' 127.0.0.1 "$SERVER_PORT"
    [ "$ustatus" = 0 ] && [ "$(cat "$T/usend.out")" = INTERROMPU ] ||
        fail_fr "la réponse après un recvfrom interrompu (EINTR)" "INTERROMPU" "$(show "$T/usend.out") (code $ustatus)"
    [ ! -s "$SERVER_ERR" ] ||
        fail_fr "la sortie d'erreur après un recvfrom interrompu par un signal (EINTR n'est pas une erreur)" \
            "(rien)" "$(show "$SERVER_ERR")"
}

# @points 5
# @req R14
# @hint socket() peut échouer (EMFILE : plus de descripteur libre) : garder son errno, ne jamais appeler bind ni connect sur -1 ; le client essaie alors l'adresse suivante — man 2 socket
@test "socket() impossible (panne injectée) : la raison et code 1 ; udp_client essaie l'adresse suivante" {
    # libfiu makes every socket() fail with EMFILE (24), as a full table of
    # descriptors would.
    use_fault 'enable name=posix/io/net/socket,failinfo=24'
    run_prog -l 5 udp_server -p 0
    expect_status 1 "le code de sortie de udp_server quand socket() échoue"
    expect_stderr_matches "^udp_server: .*127\.0\.0\.1.* : trop de descripteurs ouverts\$" \
        "« udp_server: impossible d'écouter sur 127.0.0.1:0 : trop de descripteurs ouverts » (l'errno de socket, EMFILE, pas celui d'un bind sur -1)"
    [ -z "$output" ] || fail_fr "la sortie standard sans écoute" "(rien)" "$(show "$T/out")"
    run_prog -l 5 udp_client -t 0.3 -r 0 127.0.0.1 9 "x"
    expect_status 1 "le code de sortie de udp_client quand socket() échoue"
    expect_stderr_matches "^udp_client: 127\.0\.0\.1:9 : trop de descripteurs ouverts\$" \
        "« udp_client: 127.0.0.1:9 : trop de descripteurs ouverts » (l'errno de socket, EMFILE, pas celui d'un connect sur -1)"
    [ -z "$output" ] || fail_fr "la sortie standard sans socket" "(rien)" "$(show "$T/out")"
    # Only the first socket() fails (no IPv6: EAFNOSUPPORT, 97): nothing was
    # sent to ::1, the first address of localhost in the lab's hosts; the
    # client goes on to 127.0.0.1.
    [ "$SANDBOX_MODE" != partial ] || return 0
    FIU=()
    start_udppeer -k -b 127.0.0.1
    use_fault 'enable name=posix/io/net/socket,failinfo=97,onetime'
    run_prog -l 10 udp_client -t 3 -r 0 localhost "$UPORT" "suivante"
    expect_status 0 "le code de sortie quand socket() échoue pour ::1, la première adresse de localhost (EAFNOSUPPORT)"
    expect_stdout_eq "${KEY}suivante"
}

# @points 5
# @req R10
# @hint getopt, parse_port, parse_timeout_ms, parse_long — man 3 getopt
@test "usage des deux programmes : -h (code 0), arguments ou options invalides (code 2)" {
    local prog bad
    for prog in udp_server udp_client; do
        run_prog "$prog" -h
        expect_status 0
        expect_stdout_contains "usage"
    done
    for bad in "-x" "-p 70000" "-p abc" "en-trop"; do
        # shellcheck disable=SC2086
        run_prog -l 5 udp_server $bad
        expect_status 2 "le code de sortie pour « udp_server $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « udp_server $bad »" "un message" "(rien)"
    done
    for bad in "" "127.0.0.1 9" "127.0.0.1 0 m" "127.0.0.1 70000 m" "-t 0 127.0.0.1 9 m" \
        "-t abc 127.0.0.1 9 m" "-r -1 127.0.0.1 9 m" "-r x 127.0.0.1 9 m" "127.0.0.1 9 m en-trop"; do
        # shellcheck disable=SC2086
        run_prog -l 5 udp_client $bad
        expect_status 2 "le code de sortie pour « udp_client $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « udp_client $bad »" "un message" "(rien)"
    done
}

# @points 10
# @req R6
# @hint §3 « Client UDP » : sendto puis recvfrom ; écrire les n octets reçus avec write_all — man 2 send
@test "udp_client envoie le message et affiche la réponse brute" {
    start_udppeer -k
    run_prog udp_client -t 3 127.0.0.1 "$UPORT" "bonjour UDP"
    expect_status 0
    expect_stdout_eq "${KEY}bonjour UDP"
    [ ! -s "$T/err" ] || fail_fr "la sortie d'erreur d'un échange réussi" "(rien)" "$(show "$T/err")"
    [ "$(wc -c <"$T/out")" = $((${#KEY} + 11)) ] ||
        fail_fr "les octets affichés" "exactement les $((${#KEY} + 11)) octets reçus, sans retour à la ligne ajouté" "$(wc -c <"$T/out") octets"
    # A reply larger than the course's recvfrom(4096).
    local big
    big=$(head -c 6000 /dev/zero | tr '\0' 'u')
    run_prog udp_client -t 3 127.0.0.1 "$UPORT" "$big"
    expect_status 0
    [ "$output" = "$KEY$big" ] ||
        fail_fr "une réponse de $((${#KEY} + 6000)) octets" "$((${#KEY} + 6000)) octets (un tampon de 65536 : UDP ne renvoie jamais la suite d'un datagramme coupé)" "$(wc -c <"$T/out") octets"
    # An empty message is an empty datagram, and an empty reply a reply,
    # even after a first datagram lost (the wait's errno is stale by then).
    start_udppeer -D 1
    run_prog -l 10 udp_client -t 0.3 -r 2 127.0.0.1 "$UPORT" ""
    expect_status 0 "le code de sortie pour un message vide (le premier datagramme perdu)"
    [ ! -s "$T/out" ] && [ ! -s "$T/err" ] ||
        fail_fr "les sorties pour une réponse vide" "rien sur l'une ni l'autre" "$(show "$T/out") / $(show "$T/err")"
    expect_sends 2 "un datagramme vide perdu, puis un réémis qui reçoit sa réponse vide"
    # Over 65507 bytes, no datagram can carry it: send's own error, at once.
    start_udppeer
    run_prog -l 10 udp_client -t 3 127.0.0.1 "$UPORT" "$(head -c 70000 /dev/zero | tr '\0' 'x')"
    expect_status 1 "le code de sortie pour un message de 70000 octets"
    expect_stderr_matches "^udp_client: 127\.0\.0\.1:$UPORT : message trop long" \
        "« udp_client: 127.0.0.1:$UPORT : message trop long pour un datagramme » (l'erreur de send, EMSGSIZE)"
    [ ! -s "$T/out" ] || fail_fr "la sortie standard" "(rien)" "$(show "$T/out")"
    expect_elapsed 0 1500 "la durée pour un message trop long (send échoue aussitôt, rien à attendre)"
}

# @points 5
# @req R6 R9
# @hint getaddrinfo (AF_UNSPEC, SOCK_DGRAM) et chaque adresse essayée : un refus fait passer à la suivante — man 3 getaddrinfo
@test "udp_client en IPv6 (::1) et avec un nom (localhost) : l'adresse suivante seulement après un refus" {
    require_ipv6
    start_udppeer -k -b ::1
    run_prog udp_client -t 3 ::1 "$UPORT" "six"
    expect_status 0
    expect_stdout_eq "${KEY}six"
    # The longest loopback address: IPv4-mapped, with a zone (a numeric
    # scope id). Nothing is bound there: refused, and named whole.
    run_prog -l 10 udp_client -t 2 -r 0 '::ffff:127.255.255.254%4294967295' "$UPORT" "zone"
    expect_status 1 "le code de sortie vers un port fermé de ::ffff:127.255.255.254%4294967295"
    expect_stderr_matches "^udp_client: \[::ffff:127\.255\.255\.254%4294967295\]:$UPORT : connexion refusée" \
        "« udp_client: [::ffff:127.255.255.254%4294967295]:$UPORT : connexion refusée » (l'adresse en entier : un tampon de ADDR_STR_LEN octets)"
    # localhost is ::1 and 127.0.0.1; the server is on one of them only.
    start_udppeer -k -b 127.0.0.1
    run_prog udp_client -t 3 localhost "$UPORT" "quatre"
    expect_status 0
    expect_stdout_eq "${KEY}quatre"
    # The rest needs the lab's hosts, where localhost is ::1 then 127.0.0.1
    # (some machines' have 127.0.0.1 only).
    [ "$SANDBOX_MODE" != partial ] || return 0
    # On the first address (::1): answered there, nothing sent to the next.
    start_udppeer -k -b ::1
    run_prog udp_client -t 3 localhost "$UPORT" "premier"
    expect_status 0 "le code de sortie quand ::1, la première adresse de localhost, répond"
    expect_stdout_eq "${KEY}premier"
    # Silent there: only a refusal moves on; after a timeout, the datagram
    # is not sent elsewhere (a request must not run twice).
    start_udppeer -q -b ::1
    run_prog -l 10 udp_client -t 0.3 -r 0 localhost "$UPORT" "muet"
    expect_status 1 "le code de sortie quand ::1 ne répond pas"
    expect_stderr_matches "^udp_client: \[::1\]:$UPORT : délai dépassé" \
        "« udp_client: [::1]:$UPORT : délai dépassé » (un délai dépassé ne fait pas passer à l'adresse suivante, seul un refus)"
    # trois.lab (this lab's /etc/hosts): ::1, 127.0.0.1, 127.0.0.2. Refused
    # on ::1, an empty reply on 127.0.0.1 is a reply: nothing sent further.
    start_udppeer -b 127.0.0.1
    run_prog -l 10 udp_client -t 2 -r 0 trois.lab "$UPORT" ""
    expect_status 0 "le code de sortie pour une réponse vide de 127.0.0.1, deuxième adresse de trois.lab"
    [ ! -s "$T/out" ] && [ ! -s "$T/err" ] ||
        fail_fr "les sorties pour une réponse vide" "rien sur l'une ni l'autre" "$(show "$T/out") / $(show "$T/err")"
}

# @points 5
# @req R7
# @hint UDP ne garantit rien : après -t sans réponse, renvoyer le datagramme (jusqu'à -r fois) — man 7 udp
@test "udp_client réémet après le délai quand les premiers datagrammes se perdent" {
    start_udppeer -k -D 2
    run_prog -l 10 udp_client -t 0.3 -r 3 127.0.0.1 "$UPORT" "abcd"
    expect_status 0
    expect_stdout_eq "${KEY}abcd"
    expect_elapsed 500 3000 "la durée avec deux datagrammes perdus et -t 0.3"
    expect_sends 3 "deux perdus, le troisième reçoit la réponse"
}

# @points 5
# @req R7
# @hint -r compte les réémissions après le premier envoi (défaut 3) ; ETIMEDOUT à la fin — man 2 poll
@test "udp_client : au plus 1 + RETRIES envois, puis « délai dépassé » et code 1" {
    start_udppeer -q
    run_prog -l 10 udp_client -t 0.2 -r 2 127.0.0.1 "$UPORT" "abcd"
    expect_status 1
    expect_stderr_matches "^udp_client: 127\.0\.0\.1:$UPORT : délai dépassé" \
        "« udp_client: 127.0.0.1:$UPORT : délai dépassé » (l'adresse essayée, puis la raison)"
    [ ! -s "$T/out" ] || fail_fr "la sortie standard sans réponse" "(rien)" "$(show "$T/out")"
    expect_sends 3 "-r 2 : trois envois en tout"
    start_udppeer -q
    run_prog -l 10 udp_client -t 0.2 127.0.0.1 "$UPORT" "abcd"
    expect_status 1
    expect_sends 4 "-r absent : 3 réémissions par défaut, quatre envois"
    start_udppeer -q
    run_prog -l 10 udp_client -t 0.2 -r 0 127.0.0.1 "$UPORT" "abcd"
    expect_status 1
    expect_sends 1 "-r 0 : un seul envoi"
}

# @points 5
# @req R7
# @hint sock.settimeout(5) du cours : attendre tout le délai -t avant de réémettre (recv_timeout) — man 2 poll
@test "udp_client attend une réponse tardive sans abandonner trop tôt" {
    start_udppeer -k -d 600
    run_prog -l 10 udp_client -t 2 -r 0 127.0.0.1 "$UPORT" "patience"
    expect_status 0
    expect_stdout_eq "${KEY}patience"
    expect_elapsed 550 2500 "la durée avec une réponse qui vient après 0,6 s"
    # Without -t, the wait is 5 s: a reply after 1.5 s comes in time.
    start_udppeer -k -d 1500
    run_prog -l 15 udp_client -r 0 127.0.0.1 "$UPORT" "sans délai"
    expect_status 0 "le code de sortie sans -t (délai de 5 s par défaut) pour une réponse après 1,5 s"
    expect_stdout_eq "${KEY}sans délai"
}

# @points 5
# @req R8
# @hint « valider toutes les données reçues » : connect() sur la socket UDP (le noyau filtre l'expéditeur) ou comparer l'adresse de recvfrom — man 2 connect
@test "udp_client ignore un datagramme venu d'une autre adresse que celle du serveur" {
    start_udppeer -k -x
    run_prog udp_client -t 3 -r 0 127.0.0.1 "$UPORT" "authentique"
    expect_status 0
    [ "$output" = "${KEY}authentique" ] ||
        fail_fr "la réponse affichée (un intrus répond d'un autre port avant le serveur)" \
            "${KEY}authentique (la réponse du serveur seulement)" "$(show "$T/out")"
}

# @points 5
# @req R9
# @hint une socket UDP connectée reçoit le refus ICMP : recv échoue avec ECONNREFUSED — man 7 udp (IP_RECVERR), man 2 connect
@test "udp_client : port fermé, échec immédiat (ICMP refusé) et code 1" {
    start_fake closed
    run_prog udp_client -t 5 -r 3 127.0.0.1 "$FAKE_PORT" "personne ?"
    expect_status 1
    expect_stderr_matches "^udp_client: 127\.0\.0\.1:$FAKE_PORT : connexion refusée" \
        "« udp_client: 127.0.0.1:$FAKE_PORT : connexion refusée »"
    expect_elapsed 0 2000 "la durée face à un port fermé (sans attendre -t 5 ni réémettre)"
    # The same invocation on a live port: answered (the refusal came from
    # the closed port, not from the options).
    start_udppeer -k
    run_prog udp_client -t 5 -r 3 127.0.0.1 "$UPORT" "personne ?"
    expect_status 0 "le code de sortie de la même commande vers un port ouvert"
    expect_stdout_eq "${KEY}personne ?"
}

# @points 5
# @req R13
# @hint close() de la socket, freeaddrinfo — valgrind --leak-check=full --track-fds=yes
@test "mémoire : udp_server sans erreur, ni fuite, ni descripteur ouvert, port déjà pris compris" {
    use_valgrind
    start_udp
    usend -t 10 -m 'valgrind' 127.0.0.1 "$SERVER_PORT"
    [ "$(cat "$T/usend.out")" = VALGRIND ] || fail_fr "la réponse sous valgrind" "VALGRIND" "$(show "$T/usend.out")"
    fake_tool peer gen -n 65507 -s "$SEED" | LC_ALL=C tr 'a-z' 'A-Z' >"$T/expected"
    usend -t 10 -n 65507 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_same_bytes "$T/expected" "$T/usend.out" "la réponse sous valgrind à 65507 octets quelconques"
    usend -t 10 -m '' 127.0.0.1 "$SERVER_PORT"
    [ "$ustatus" = 0 ] && [ ! -s "$T/usend.out" ] ||
        fail_fr "la réponse sous valgrind à un datagramme vide" "un datagramme vide" "$(show "$T/usend.err")"
    # The error path too: the port is taken, the socket must still be closed.
    run_prog -l 30 udp_server -b 127.0.0.1 -p "$SERVER_PORT"
    expect_status 1 "le code de sortie sous valgrind quand le port est déjà pris"
    stop_server "$SERVER_PID"
    [ "$server_status" = 0 ] ||
        fail_fr "le code de sortie après SIGTERM sous valgrind" "0" "$(status_text "$server_status") — $(show "$SERVER_ERR")"
    expect_memcheck_clean
}

# @points 5
# @req R13 R14
# @hint close() de chaque socket essayée, freeaddrinfo sur tous les chemins — valgrind --leak-check=full --track-fds=yes
@test "mémoire : udp_client sans erreur, ni fuite, ni descripteur ouvert, socket() impossible compris" {
    use_valgrind
    # The same results as without valgrind (its own code, 99, is explained
    # by expect_memcheck_clean).
    start_udppeer -k -x -D 1
    run_prog udp_client -t 2 -r 2 127.0.0.1 "$UPORT" "mémoire"
    [ "$status" = 0 ] || [ "$status" = 99 ] || expect_status 0
    expect_stdout_eq "${KEY}mémoire"
    expect_sends 2 "un datagramme perdu, puis un réémis qui reçoit sa réponse"
    start_fake closed
    run_prog udp_client -t 2 127.0.0.1 "$FAKE_PORT" "fermé"
    [ "$status" = 1 ] || [ "$status" = 99 ] || expect_status 1
    expect_stderr_matches "^udp_client: 127\.0\.0\.1:$FAKE_PORT : connexion refusée" \
        "« udp_client: 127.0.0.1:$FAKE_PORT : connexion refusée »"
    # socket() failing (libfiu, EMFILE): the list is freed on that path too.
    use_fault 'enable name=posix/io/net/socket,failinfo=24'
    run_prog udp_client -t 2 -r 0 127.0.0.1 9 "sans socket"
    [ "$status" = 1 ] || [ "$status" = 99 ] || expect_status 1
    expect_stderr_matches "^udp_client: 127\.0\.0\.1:9 : trop de descripteurs ouverts" \
        "« udp_client: 127.0.0.1:9 : trop de descripteurs ouverts » (socket() échoue, EMFILE)"
    expect_memcheck_clean
}
