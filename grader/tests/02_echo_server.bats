#!/usr/bin/env bats
# Lab 02 — echo_server : le serveur d'écho itératif du §2 (Serveur TCP simple).
# Clients are the grader's probe (grader/fakes/probe.c), never the student's lab 01.

load ../lib/helpers

# Starts the student's server on a free port: SERVER_PORT, SERVER_LOG…
start_echo() {
    start_server srv echo_server -p 0 "$@"
}

# @points 5
# @req R2 R9
# @hint §2 « Serveur TCP simple » : bind, listen, puis afficher l'adresse réelle (getsockname, port 0 = port libre) et fflush — man 2 getsockname
@test "annonce « Serveur en écoute sur 127.0.0.1:PORT » et écoute sur ce port" {
    start_echo
    grep -Eq '^Serveur en écoute sur 127\.0\.0\.1:[1-9][0-9]*$' "$SERVER_LOG" ||
        fail_fr "la première ligne du serveur" "Serveur en écoute sur 127.0.0.1:PORT (le port réel, lu avec getsockname)" "$(show "$SERVER_LOG")"
}

# @points 5
# @req R11
# @hint §2 « Serveur TCP simple » : accept, puis boucle recv → send — man 2 accept
@test "renvoie un message à l'identique" {
    start_echo
    probe session -m $'bonjour le serveur\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test"
    [ "$(cat "$T/probe.out")" = "bonjour le serveur" ] ||
        fail_fr "l'écho reçu par le client" "bonjour le serveur" "$(show "$T/probe.out")"
}

# @points 10
# @req R11
# @hint renvoyer exactement n octets reçus (pas strlen), avec send_all — man 2 send
@test "l'écho renvoie 1 Mio de données binaires à l'identique" {
    start_echo
    "$FAKE_DIR/peer" gen -n 1048576 -s "$SEED" >"$T/expected"
    probe echo -n 1048576 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho de 1 Mio d'octets quelconques (octets nuls compris)"
}

# @points 10
# @req R11
# @hint send peut envoyer moins que demandé : send_all boucle jusqu'au bout — man 2 send
@test "un client à petite fenêtre de réception reçoit tout son écho (8 Mio)" {
    start_echo
    # A 4 KiB receive window fills the server's send buffer: send() then
    # sends less than asked, or nothing (EAGAIN) on a non-blocking socket.
    "$FAKE_DIR/peer" gen -n 8388608 -s "$SEED" >"$T/expected"
    probe echo -n 8388608 -s "$SEED" -R 4096 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho reçu par un client à petite fenêtre"
}

# @points 10
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
}

# @points 10
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

# @points 10
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
}

# @points 10
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
    probe session -m $'de retour\n' 127.0.0.1 "$port"
    expect_status 0 "le code de sortie d'un client du serveur redémarré"
}

# @points 5
# @req R17
# @hint bind échoue avec EADDRINUSE : afficher la raison et renvoyer 1 — man 2 bind
@test "port déjà occupé : message clair et code 1" {
    start_fake echo
    run_prog -l 10 echo_server -p "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "utilis|in use" "un message qui dit que l'adresse est déjà utilisée"
}

# @points 5
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

# @points 5
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
            fail_fr "l'arrêt sur SIG$sig" "le serveur s'arrête en moins de 2 s" "toujours en marche"
        [ "$server_status" = 0 ] ||
            fail_fr "le code de sortie après SIG$sig (un gestionnaire installé avec stop_setup ?)" \
                "0 (arrêt propre)" "$(status_text "$server_status")"
    done
}

# @points 5
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
    probe echo -n 262144 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test sous valgrind"
    probe reset -n 100000 127.0.0.1 "$SERVER_PORT"
    probe session 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test sous valgrind"
    stop_server "$SERVER_PID"
    [ "$server_status" = 0 ] ||
        fail_fr "le code de sortie après SIGTERM sous valgrind" "0" "$(status_text "$server_status") — $(show "$SERVER_ERR")"
    expect_memcheck_clean
}
