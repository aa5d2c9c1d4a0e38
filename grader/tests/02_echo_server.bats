#!/usr/bin/env bats
# Lab 02 — echo_server : le serveur d'écho itératif du §2 (Serveur TCP simple).
# Clients are the grader's probe (grader/fakes/probe.c), never the student's lab 01.
# Each error test has its control: the same kind of call where the server
# can listen must listen and echo (no program without network code can).

load ../lib/helpers

# A name with two addresses, in the programs' own /etc/hosts.
# @hosts 127.0.0.1 deux.test
# @hosts 127.0.0.2 deux.test

# Starts the student's server on a free port: SERVER_PORT, SERVER_LOG…
start_echo() {
    start_server srv echo_server -p 0 "$@"
}

# expect_session WHAT [HOST] — a seeded line sent to the server (SERVER_PORT)
# comes back as is: the server listens and echoes.
expect_session() {
    local msg
    msg="écho $(fake_tool peer genhex -s "$SEED" -n 6)"
    probe session -t "$(scaled 5)" -m "$msg"$'\n' "${2:-127.0.0.1}" "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($1) — $(show "$T/probe.err")"
    [ "$(cat "$T/probe.out")" = "$msg" ] ||
        fail_fr "l'écho reçu par le client de test ($1)" "$msg" "$(show "$T/probe.out")"
}

# @points 4
# @req R2 R9
# @hint §2 « Serveur TCP simple » : bind, listen, puis afficher l'adresse réelle (getsockname, port 0 = port libre) et fflush — man 2 getsockname
@test "annonce « Serveur en écoute sur 127.0.0.1:PORT » et écoute sur ce port" {
    start_echo
    grep -Eq '^Serveur en écoute sur 127\.0\.0\.1:[1-9][0-9]*$' "$SERVER_LOG" ||
        fail_fr "la première ligne du serveur" "Serveur en écoute sur 127.0.0.1:PORT (le port réel, lu avec getsockname)" "$(show "$SERVER_LOG")"
}

# @points 3
# @req R11
# @hint §2 « Serveur TCP simple » : accept, puis boucle recv → send — man 2 accept
@test "renvoie un message à l'identique" {
    start_echo
    expect_session "une ligne"
    # One byte is data like any other: only recv returning 0 ends the client.
    probe session -m "x" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test qui envoie un seul octet ($(show "$T/probe.err"))"
    [ "$(cat "$T/probe.out")" = "x" ] ||
        fail_fr "l'écho d'un message d'un seul octet" "x" "$(show "$T/probe.out")"
}

# @points 4
# @req R11
# @hint renvoyer exactement n octets reçus (pas strlen), avec send_all — man 2 send
@test "l'écho renvoie 1 Mio de données binaires à l'identique" {
    start_echo
    fake_tool peer gen -n 1048576 -s "$SEED" >"$T/expected"
    probe echo -n 1048576 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho de 1 Mio d'octets quelconques (octets nuls compris)"
}

# @points 5
# @req R11
# @hint send peut envoyer moins que demandé : send_all boucle jusqu'au bout — man 2 send
@test "un client à petite fenêtre de réception reçoit tout son écho (8 Mio)" {
    start_echo
    # A 4 KiB receive window fills the server's send buffer: send() then
    # sends less than asked, or nothing (EAGAIN) on a non-blocking socket.
    fake_tool peer gen -n 8388608 -s "$SEED" >"$T/expected"
    probe echo -n 8388608 -s "$SEED" -R 4096 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho reçu par un client à petite fenêtre"
}

# @points 4
# @req R10
# @hint §2 : print(f"Connexion de {address}") ; adresse du client avec sock_peer_str (getpeername) — man 2 getpeername
@test "journalise « Connexion de ADRESSE » et « Déconnexion de ADRESSE » pour chaque client" {
    start_echo
    probe session 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test"
    local port=${probe_local##*:}
    expect_log "$SERVER_LOG" "^Connexion de .*[^0-9]$port([^0-9]|\$)" \
        "la ligne de journal à l'arrivée du client $probe_local"
    expect_log "$SERVER_LOG" "^Déconnexion de .*[^0-9]$port([^0-9]|\$)" \
        "la ligne de journal au départ du client $probe_local"
    # A client that closes normally is no error: nothing on stderr.
    [ ! -s "$SERVER_ERR" ] ||
        fail_fr "la sortie d'erreur du serveur après un client parti normalement (recv a renvoyé 0)" \
            "(rien)" "$(show "$SERVER_ERR")"
}

# @points 4
# @req R12
# @hint serveur itératif : après la fin d'un client, close() puis retour à accept — man 2 accept, man 2 close
@test "le client suivant est servi dès que le premier part" {
    start_echo
    start_bg first "$FAKE_DIR/probe" session -m $'premier\n' -w 1 127.0.0.1 "$SERVER_PORT"
    wait_line "$T/first.out" premier 5 ||
        fail_fr "l'écho du premier client" "premier" "$(show "$T/first.out") / $(show "$T/first.err")"
    probe session -m $'second\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du second client (servi après le premier)"
    [ "$(cat "$T/probe.out")" = second ] ||
        fail_fr "l'écho du second client" "second" "$(show "$T/probe.out")"
    local order
    order=$(grep -E '^(Connexion|Déconnexion) de' "$SERVER_LOG" | cut -d' ' -f1 | tr '\n' ' ')
    [ "$order" = "Connexion Déconnexion Connexion Déconnexion " ] ||
        fail_fr "l'ordre du journal (serveur itératif)" "Connexion Déconnexion Connexion Déconnexion" "$order"
}

# @points 5
# @req R14
# @hint une erreur de recv/send (ECONNRESET, EPIPE) ne concerne que ce client : le fermer et continuer ; SIGPIPE ignoré — man 7 tcp
@test "un client qui réinitialise la connexion en plein transfert n'arrête pas le serveur" {
    start_echo
    probe reset -n 200000 127.0.0.1 "$SERVER_PORT"
    probe reset -n 10 127.0.0.1 "$SERVER_PORT"
    probe session -m $'toujours là ?\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie d'un client arrivé après deux connexions réinitialisées"
    [ "$(cat "$T/probe.out")" = "toujours là ?" ] ||
        fail_fr "l'écho après les réinitialisations" "toujours là ?" "$(show "$T/probe.out") / $(show "$SERVER_ERR")"
    # The client's error is reported (stderr), not mistaken for a normal end.
    grep -Eqi "réinitialis|reset|fermée par le pair|broken pipe" "$SERVER_ERR" ||
        fail_fr "la sortie d'erreur du serveur après une connexion réinitialisée" \
            "un message « client ADRESSE : connexion réinitialisée… »" "$(show "$SERVER_ERR")"
    ! grep -Eqi "réinitialis|reset|fermée par le pair|broken pipe" "$SERVER_LOG" ||
        fail_fr "la sortie standard du serveur" "le journal seulement (l'erreur va sur la sortie d'erreur)" "$(show "$SERVER_LOG")"
}

# @points 4
# @req R16
# @hint §2 : setsockopt(SO_REUSEADDR) avant bind — man 7 socket
@test "redémarre aussitôt sur le même port (SO_REUSEADDR)" {
    start_echo
    local port=$SERVER_PORT first=$SERVER_PID
    # A client still connected when the server stops leaves the server's end
    # in TIME_WAIT: without SO_REUSEADDR, bind() then fails for a minute.
    start_bg idle "$FAKE_DIR/probe" hold -t 20 127.0.0.1 "$port"
    expect_log "$SERVER_LOG" "^Connexion de" "la connexion du client avant l'arrêt"
    stop_server "$first"
    start_server srv2 echo_server -p "$port"
    expect_session "le serveur redémarré sur le port $port"
}

# @points 3
# @req R17
# @hint bind échoue avec EADDRINUSE : afficher la raison et renvoyer 1 — man 2 bind
@test "port déjà occupé : message clair et code 1" {
    start_fake echo
    local port=$FAKE_PORT
    run_prog -l 10 echo_server -p "$port"
    expect_status 1
    expect_stderr_matches "utilis|in use" "un message qui dit que l'adresse est déjà utilisée"
    # The control: once the port is free again, the same call listens there.
    stop_server "$FAKE_PID"
    start_server srv echo_server -p "$port"
    expect_session "le port $port libéré"
}

# @points 3
# @req R7 R13 R14
# @hint send_all(…, idle_ms) : l'attente de place pour envoyer est bornée aussi ; un client qui ne lit pas est abandonné, le suivant servi — man 2 poll
@test "un client qui ne lit pas son écho est déconnecté après -t, puis le suivant est servi" {
    start_echo -t 0.5
    # An endless upload, never reading: once both buffers are full, only the
    # server's send timeout (send_all with idle_ms) frees it.
    start_bg stuck bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && exec cat /dev/zero >&3' _ "$SERVER_PORT"
    expect_log "$SERVER_LOG" "^Connexion de" "la connexion du client qui ne lit pas"
    wait_line "$SERVER_LOG" "^Déconnexion de" 5 ||
        fail_fr "le sort d'un client qui ne lit pas son écho, avec -t 0.5" \
            "déconnecté quand l'envoi reste bloqué plus de 0.5 s" "toujours servi après 5 s (send sans délai ?)"
    probe session -t 5 -m $'suivant\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client suivant"
    [ "$(cat "$T/probe.out")" = suivant ] ||
        fail_fr "l'écho du client suivant" "suivant" "$(show "$T/probe.out")"
}

# @points 3
# @req R1 R2 R7
# @hint getopt, parse_port (0 autorisé), parse_timeout_ms — man 3 getopt
@test "usage : -h (code 0), option ou port invalide (code 2)" {
    run_prog echo_server -h
    expect_status 0
    expect_stdout_contains "usage"
    local bad
    for bad in "-x" "-p 70000" "-p abc" "-p -1" "-t 0" "-t abc" "en-trop"; do
        # shellcheck disable=SC2086
        run_prog -l 5 echo_server $bad
        expect_status 2 "le code de sortie pour « echo_server $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « echo_server $bad »" "un message" "(rien)"
    done
}

# @points 4
# @req R15
# @hint stop_setup() puis attentes avec wait_fd/recv_timeout, qui reviennent sur EINTR — man 2 sigaction
@test "SIGTERM et SIGINT l'arrêtent proprement (code 0), même avec un client connecté" {
    local sig
    for sig in TERM INT; do
        start_echo
        start_bg "idle_$sig" "$FAKE_DIR/probe" hold -t 20 127.0.0.1 "$SERVER_PORT"
        expect_log "$SERVER_LOG" "^Connexion de" "la connexion du client avant SIG$sig"
        stop_server "$SERVER_PID" 2 "$sig"
        ((server_killed == 0)) ||
            fail_fr "l'arrêt sur SIG$sig" "le serveur s'arrête en moins de 2 s" "$(status_text "$server_status")"
        [ "$server_status" = 0 ] ||
            fail_fr "le code de sortie après SIG$sig (un gestionnaire installé avec stop_setup ?)" \
                "0 (arrêt propre)" "$(status_text "$server_status")"
    done
}

# @points 4
# @req R7
# @hint recv_timeout avec le délai -t : un client muet ne bloque pas les autres indéfiniment — man 2 poll
@test "un client inactif est déconnecté après -t, puis le suivant est servi" {
    start_echo -t 0.5
    probe hold -t 5 127.0.0.1 "$SERVER_PORT"
    [ "$status" = 0 ] ||
        fail_fr "le sort d'un client inactif avec -t 0.5" "déconnecté par le serveur" "toujours connecté après 5 s"
    probe session -m $'suivant\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client suivant"
}

# @points 10
# @req R18
# @hint close() de chaque client et de la socket d'écoute, freeaddrinfo — valgrind --leak-check=full --track-fds=yes
@test "mémoire : valgrind ne trouve ni erreur, ni fuite, ni descripteur resté ouvert" {
    use_valgrind
    start_echo
    fake_tool peer gen -n 262144 -s "$SEED" >"$T/expected"
    probe echo -n 262144 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test sous valgrind"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho de 256 Kio sous valgrind"
    probe reset -n 100000 127.0.0.1 "$SERVER_PORT"
    expect_session "après une connexion réinitialisée, sous valgrind"
    stop_server "$SERVER_PID"
    [ "$server_status" = 0 ] ||
        fail_fr "le code de sortie après SIGTERM sous valgrind" "0" "$(status_text "$server_status") — $(show "$SERVER_ERR")"
    # The failure path too: a busy port, whose socket must be closed.
    start_fake echo
    run_prog -l 10 echo_server -p "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "utilis|in use" "un message qui dit que l'adresse est déjà utilisée"
    expect_memcheck_clean
}

# --- Statement coverage: one test per requirement no test above holds. ---

# expect_refused HOST PORT WHAT — a connection there must be refused.
expect_refused() {
    probe hold -t 2 "$1" "$2"
    [ "$status" = 1 ] && grep -q 'refus' "$T/probe.err" && return 0
    fail_fr "$3" "connexion refusée (personne n'écoute sur $1:$2)" \
        "code $status du client de test — $(show "$T/probe.err")"
}

# expect_listening_on ADDR:PORT — the server's only listening address.
expect_listening_on() {
    local addrs
    addrs=$(listen_addrs "$SERVER_PID")
    [ "$addrs" = "$1" ] && return 0
    fail_fr "les adresses où le serveur écoute (lues dans /proc/net/tcp et tcp6)" \
        "$1 seulement" "$(echo ${addrs:-(aucune)})"
}

# @points 4
# @req R4
# @hint « -b ADRESSE » : défaut 127.0.0.1, passé à getaddrinfo tel quel (NULL avec AI_PASSIVE veut dire toutes les interfaces) — man 3 getaddrinfo, man 7 ip
@test "sans -b : n'écoute que sur 127.0.0.1 (une connexion vers 127.0.0.2 est refusée)" {
    start_echo
    expect_listening_on "127.0.0.1:$SERVER_PORT"
    expect_refused 127.0.0.2 "$SERVER_PORT" "une connexion vers 127.0.0.2:$SERVER_PORT (une autre adresse de la machine)"
}

# @points 4
# @req R5
# @hint « -b ADRESSE » : l'adresse d'écoute donnée, passée à getaddrinfo puis à bind — man 2 bind
@test "-b 127.0.0.2 : écoute sur cette adresse seulement ; un nom à deux adresses : une seule écoute" {
    start_echo -b 127.0.0.2
    [ "$SERVER_HOST" = 127.0.0.2 ] ||
        fail_fr "l'adresse annoncée avec -b 127.0.0.2" "Serveur en écoute sur 127.0.0.2:PORT" "$(show "$SERVER_LOG")"
    expect_listening_on "127.0.0.2:$SERVER_PORT"
    expect_session "par 127.0.0.2" 127.0.0.2
    expect_refused 127.0.0.1 "$SERVER_PORT" "une connexion vers 127.0.0.1:$SERVER_PORT (le serveur écoute sur 127.0.0.2)"
    # A name with two addresses (the lab's /etc/hosts): the first address
    # where listen succeeds, and that one only — never a second socket
    # left listening (and open) behind the announced one.
    [ "$SANDBOX_MODE" != partial ] || return 0
    stop_server "$SERVER_PID"
    start_echo -b deux.test
    local addrs
    addrs=$(listen_addrs "$SERVER_PID")
    [ "$(grep -c . <<<"$addrs")" = 1 ] && [ "$addrs" = "$SERVER_HOST:$SERVER_PORT" ] ||
        fail_fr "les sockets en écoute avec -b deux.test (deux adresses : 127.0.0.1 et 127.0.0.2)" \
            "une seule, l'adresse annoncée ($SERVER_HOST:$SERVER_PORT) : la première où listen réussit" "$(echo ${addrs:-(aucune)})"
    expect_session "par $SERVER_HOST (-b deux.test)" "$SERVER_HOST"
}

# @points 4
# @req R6
# @hint getaddrinfo avec AF_UNSPEC donne une adresse AF_INET6 pour ::1 : socket(ai_family, …), jamais AF_INET en dur — man 3 getaddrinfo, man 7 ipv6
@test "-b ::1 : écoute et fait l'écho sur la boucle locale v6" {
    require_ipv6
    start_echo -b ::1
    grep -Eq '^Serveur en écoute sur \[::1\]:[1-9][0-9]*$' "$SERVER_LOG" ||
        fail_fr "la ligne d'écoute avec -b ::1" "Serveur en écoute sur [::1]:PORT" "$(show "$SERVER_LOG")"
    expect_listening_on "[::1]:$SERVER_PORT"
    expect_session "par ::1" ::1
}

# @points 4
# @req R3
# @hint sans -p, le port vaut "9999", comme tcp_server(…, 9999) du cours — man 3 getopt
@test "sans -p : écoute sur le port 9999" {
    # A random loopback address of its own: 9999 there collides with no other
    # server (nor a concurrent grade), unless someone listens on every
    # address; then the server must at least say it tried 9999.
    local a="127.$((RANDOM % 250 + 3)).$((RANDOM % 256)).$((RANDOM % 254 + 1))"
    if awk '$4 == "0A" && $2 ~ /^0+:270F$/ { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
        run_prog -l 5 echo_server -b "$a"
        expect_status 1 "le code de sortie (le port 9999 est déjà pris sur toutes les adresses de cette machine)"
        expect_stderr_matches ":9999" "un message qui nomme le port 9999 (déjà pris sur toutes les adresses)"
        return 0
    fi
    start_server srv echo_server -b "$a"
    [ "$SERVER_PORT" = 9999 ] ||
        fail_fr "le port annoncé sans -p" "9999" "$(show "$SERVER_LOG")"
    expect_listening_on "$a:9999"
    expect_session "le port par défaut" "$a"
}

# @points 4
# @req R13
# @hint fprintf(stderr, "echo_server: client %s : %s\n", peer, net_strerror(errno)) : les erreurs sur la sortie d'erreur, le journal sur la sortie standard — man 3 stderr
@test "erreur d'un client : une ligne « echo_server: client ADRESSE : raison » sur la sortie d'erreur" {
    start_echo -t 0.5
    probe hold -t 5 127.0.0.1 "$SERVER_PORT"
    local port=${probe_local##*:}
    expect_log "$SERVER_LOG" "^Déconnexion de .*[^0-9]$port\$" "la ligne de journal au départ du client inactif $probe_local"
    grep -Eq "^echo_server: client [^ ]*[^0-9]$port : .*(délai|timed out|timeout)" "$SERVER_ERR" ||
        fail_fr "la sortie d'erreur du serveur après le délai d'inactivité d'un client" \
            "echo_server: client 127.0.0.1:$port : délai dépassé" "$(show "$SERVER_ERR")"
    ! grep -q 'echo_server' "$SERVER_LOG" ||
        fail_fr "la sortie standard du serveur" "seulement la ligne d'écoute et les lignes Connexion/Déconnexion" "$(show "$SERVER_LOG")"
}

# @points 4
# @req R15
# @hint après SIGTERM, recv_timeout échoue avec EINTR : si stop_requested(), ce n'est pas une erreur du client ; close puis « Déconnexion de … » — man 7 signal
@test "arrêt pendant un client : « Déconnexion de … » journalisé, sans message d'erreur" {
    start_echo
    start_bg idle "$FAKE_DIR/probe" hold -t 20 127.0.0.1 "$SERVER_PORT"
    expect_log "$SERVER_LOG" "^Connexion de" "la connexion du client avant l'arrêt"
    stop_server "$SERVER_PID" 2
    [ "$server_status" = 0 ] ||
        fail_fr "le code de sortie après SIGTERM" "0" "$(status_text "$server_status")"
    grep -q '^Déconnexion de' "$SERVER_LOG" ||
        fail_fr "le journal après SIGTERM pendant un client" "Connexion de …, puis Déconnexion de …" "$(show "$SERVER_LOG")"
    [ ! -s "$SERVER_ERR" ] ||
        fail_fr "la sortie d'erreur après SIGTERM" "(rien : un arrêt demandé n'est pas une erreur du client)" "$(show "$SERVER_ERR")"
}

# @points 4
# @req R17
# @hint getaddrinfo échoue : afficher net_gai_strerror(code) ; bind échoue (EADDRNOTAVAIL) : afficher net_strerror(errno) ; code 1 — man 2 bind, man 3 getaddrinfo
@test "adresse absente de la machine ou nom inconnu : message et code 1" {
    run_prog -l 5 echo_server -b 192.0.2.1 -p 0
    expect_status 1
    expect_stderr_matches "^echo_server: .*192\.0\.2\.1.*(disponible|available|assign)" \
        "echo_server: impossible d'écouter sur 192.0.2.1:0 : adresse non disponible sur cette machine"
    # An empty label: getaddrinfo rejects it without asking any DNS server.
    run_prog -l 5 echo_server -b nom..invalide -p 0
    expect_status 1
    expect_stderr_matches "^echo_server: .*nom\.\.invalide" "echo_server: nom..invalide : nom ou service inconnu"
    # Nothing to try after a failed resolution: no socket, no bind.
    ! grep -Eq "impossible d'écouter" "$T/err" ||
        fail_fr "la sortie d'erreur après l'échec de getaddrinfo" \
            "le seul message de résolution (return -1 aussitôt, rien à libérer)" "$(show "$T/err")"
    # The control: an address of the machine (one of 127.0.0.0/8, from the seed).
    local a="127.$((SEED % 250 + 3)).$((SEED / 250 % 256)).$((SEED / 64000 % 254 + 1))"
    start_echo -b "$a"
    expect_session "l'adresse $a de la machine" "$a"
}

# @points 3
# @req R8
# @hint sans -t, idle_ms vaut 60000 (60 s) — parse_timeout_ms ne sert que pour -t
@test "sans -t : un client muet 2 s reste servi (délai d'inactivité de 60 s)" {
    start_echo
    probe hold -t 2 127.0.0.1 "$SERVER_PORT"
    [ "$status" = 3 ] ||
        fail_fr "un client muet depuis 2 s, sans -t" "toujours connecté (délai par défaut : 60 s)" \
            "code $status du client de test : $(show "$T/probe.err") ; serveur : $(show "$SERVER_ERR")"
}

# @points 3
# @req R12 R19
# @hint listen(fd, SOMAXCONN), pas le 5 du cours : file pleine, le noyau ignore les demandes de connexion suivantes — man 2 listen
@test "file d'attente SOMAXCONN : 20 clients arrivés pendant qu'un autre est servi se connectent tous aussitôt" {
    start_echo
    start_bg busy "$FAKE_DIR/probe" session -m $'occupé\n' -w 20 127.0.0.1 "$SERVER_PORT"
    wait_line "$T/busy.out" occupé 5 ||
        fail_fr "l'écho du client qui occupe le serveur" "occupé" "$(show "$T/busy.out") / $(show "$T/busy.err")"
    local i pids=() codes= late=0
    for ((i = 1; i <= 20; i++)); do
        # hold: 3 once connected (the busy server never answers), 1 when the
        # connection itself times out (a full accept queue drops the SYN).
        (_exec_clean timeout -k 2 "$(scaled 20)" "$FAKE_DIR/probe" hold -t "$(scaled 1.5)" 127.0.0.1 "$SERVER_PORT") \
            </dev/null >/dev/null 2>"$T/burst.$i.err" &
        pids+=("$!")
        _record_job "$!"
    done
    for i in "${pids[@]}"; do
        local code=0
        wait "$i" || code=$?
        codes+="$code "
        [ "$code" = 3 ] || late=$((late + 1))
    done
    ((late == 0)) ||
        fail_fr "20 clients arrivés pendant qu'un autre est servi (connexion bornée à 1,5 s chacun)" \
            "20 connexions établies aussitôt (file de listen : SOMAXCONN)" \
            "$late sans connexion — codes du client de test : $codes— $(show "$T/burst.20.err")"
}

# @points 3
# @req R21
# @hint ECONNABORTED (le client est parti avant accept) et EINTR ne sont pas des erreurs du serveur : sans message, attendre le client suivant — man 2 accept (section ERRORS)
@test "accept rend ECONNABORTED (client déjà parti) : ni message ni arrêt, le client suivant est servi" {
    # libfiu makes the first accept fail with ECONNABORTED (103); the client
    # stays in the queue, and the next accept takes it.
    use_fault 'enable name=posix/io/net/accept,failinfo=103,onetime'
    start_echo
    FIU=()
    probe session -m $'après ECONNABORTED\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client arrivé pendant l'échec d'accept ($(show "$T/probe.err") ; serveur : $(show "$SERVER_ERR"))"
    [ ! -s "$SERVER_ERR" ] ||
        fail_fr "la sortie d'erreur du serveur après un accept en ECONNABORTED" "rien (le client était parti : pas une erreur du serveur)" "$(show "$SERVER_ERR")"
    stop_server "$SERVER_PID"
    [ "$server_status" = 0 ] || fail_fr "l'arrêt après un accept en ECONNABORTED" "code 0" "$(status_text "$server_status")"
}

# expect_accept_backoff REGEX MESSAGE WHY — the server just started fails
# every accept (WHY); a client waits in the queue for 1.5 s: the error is
# said (lines matching REGEX, MESSAGE), then retried every 100 ms or so,
# never in a busy loop; nothing is logged as served; SIGTERM stops it.
expect_accept_backoff() {
    probe hold -t 1.5 127.0.0.1 "$SERVER_PORT"
    local lines ticks why=$3
    lines=$(grep -Ec -- "$1" "$SERVER_ERR") || lines=0
    ((lines >= 1)) || fail_fr "le message d'accept ($why)" "« $2 »" "$(show "$SERVER_ERR")"
    ((lines <= 40)) || fail_fr "les messages « accept : … » pendant 1,5 s ($why)" \
        "au plus 40 (une nouvelle tentative tous les 100 ms environ)" "$lines : accept est rappelé sans attendre"
    # accept failed: no client was taken, so none is logged or served.
    ! grep -q '^Connexion de' "$SERVER_LOG" ||
        fail_fr "le journal quand accept échoue ($why)" "aucune « Connexion de … » (pas de client, on réessaie plus tard)" \
            "$(grep -m1 '^Connexion de' "$SERVER_LOG")"
    ticks=$(proc_cpu_ticks "$SERVER_PID")
    ((${ticks:-0} <= 50)) || fail_fr "le temps de processeur du serveur pendant 1,5 s d'attente ($why)" \
        "moins de 0,5 s" "$((ticks * 10)) ms : une boucle sans pause"
    stop_server "$SERVER_PID"
    [ "$server_status" = 0 ] || fail_fr "l'arrêt après les échecs d'accept ($why)" "code 0" "$(status_text "$server_status")"
}

# @points 3
# @req R20
# @hint accept échoue avec EMFILE quand le processus n'a plus de descripteur libre (ENOBUFS, ENOMEM : plus de mémoire) : le client reste dans la file ; patienter (wait_fd(-1, 0, 100)) avant de réessayer, sinon la boucle occupe le processeur et inonde le journal — man 2 accept (section ERRORS)
@test "plus de descripteurs (EMFILE) ou de tampons (ENOBUFS) : le serveur patiente au lieu de boucler" {
    # 6 descriptors: 0-2, the stop pipe and the listening socket fill them,
    # so every accept fails with EMFILE while a client waits in the queue.
    LIMIT_NOFILE=6
    start_echo
    expect_accept_backoff "trop de descripteurs" "echo_server: accept : trop de descripteurs ouverts" "EMFILE"
    # The same with every accept failing with ENOBUFS (105, libfiu): no
    # better a moment later, so the same pause.
    LIMIT_NOFILE=256
    use_fault 'enable name=posix/io/net/accept,failinfo=105'
    start_echo
    FIU=()
    expect_accept_backoff "accept" "echo_server: accept : tampons réseau épuisés" "ENOBUFS"
    # A pause, not the end: once ENOBUFS is over (one failure only), the
    # client waiting in the queue is served.
    use_fault 'enable name=posix/io/net/accept,failinfo=105,onetime'
    start_echo
    FIU=()
    probe session -t 5 -m $'après ENOBUFS\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client arrivé pendant un accept en ENOBUFS, une fois l'échec passé ($(show "$T/probe.err") ; serveur : $(show "$SERVER_ERR"))"
    # Stopped here, not by the teardown: a normal exit lets libfiu remove
    # its control FIFOs (in the machine's /tmp under the partial isolation).
    stop_server "$SERVER_PID"
}
