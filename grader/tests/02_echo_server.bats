#!/usr/bin/env bats
# Lab 02 — echo_server : le serveur d'écho itératif du §2 (Serveur TCP simple).
# Clients are the grader's probe (grader/fakes/probe.c), never the student's lab 01.

load ../lib/helpers

# Starts the student's server on a free port: SERVER_PORT, SERVER_LOG…
start_echo() {
    start_server srv echo_server -p 0 "$@"
}

@test "annonce « Serveur en écoute sur 127.0.0.1:PORT » et écoute sur ce port" {
    start_echo
    grep -Eq '^Serveur en écoute sur 127\.0\.0\.1:[1-9][0-9]*$' "$SERVER_LOG" ||
        fail_fr "la première ligne du serveur" "Serveur en écoute sur 127.0.0.1:PORT (le port réel, lu avec getsockname)" "$(show "$SERVER_LOG")"
}

@test "renvoie un message à l'identique" {
    start_echo
    probe session -m $'bonjour le serveur\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test"
    [ "$(cat "$T/probe.out")" = "bonjour le serveur" ] ||
        fail_fr "l'écho reçu par le client" "bonjour le serveur" "$(show "$T/probe.out")"
    # One byte is data like any other: only recv returning 0 ends the client.
    probe session -m "x" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test qui envoie un seul octet ($(show "$T/probe.err"))"
    [ "$(cat "$T/probe.out")" = "x" ] ||
        fail_fr "l'écho d'un message d'un seul octet" "x" "$(show "$T/probe.out")"
}

@test "l'écho renvoie 1 Mio de données binaires à l'identique" {
    start_echo
    "$FAKE_DIR/peer" gen -n 1048576 -s "$SEED" >"$T/expected"
    probe echo -n 1048576 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho de 1 Mio d'octets quelconques (octets nuls compris)"
}

@test "un client à petite fenêtre de réception reçoit tout son écho (8 Mio)" {
    start_echo
    # A 4 KiB receive window fills the server's send buffer: send() then
    # sends less than asked, or nothing (EAGAIN) on a non-blocking socket.
    "$FAKE_DIR/peer" gen -n 8388608 -s "$SEED" >"$T/expected"
    probe echo -n 8388608 -s "$SEED" -R 4096 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho reçu par un client à petite fenêtre"
}

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

@test "port déjà occupé : message clair et code 1" {
    start_fake echo
    run_prog -l 10 echo_server -p "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "utilis|in use" "un message qui dit que l'adresse est déjà utilisée"
}

@test "adresse d'écoute impossible à résoudre : message clair et code 1" {
    # glibc rejects "[::1]" (brackets) by itself: no DNS query is sent.
    run_prog -l 10 echo_server -b "[::1]" -p 0
    expect_status 1
    expect_stderr_matches "inconnu|unknown|not known" "un message « nom ou service inconnu » (net_gai_strerror)"
    expect_stdout_eq ""
    # Nothing to try after a failed resolution: no socket, no bind.
    ! grep -Eq "impossible d'écouter" "$T/err" ||
        fail_fr "la sortie d'erreur après l'échec de getaddrinfo" \
            "le seul message de résolution (return -1 aussitôt, rien à libérer)" "$(show "$T/err")"
}

@test "IPv6 : écoute sur ::1 avec -b ::1 et renvoie l'écho" {
    require_ipv6
    start_echo -b ::1
    [ "$SERVER_HOST" = ::1 ] ||
        fail_fr "l'adresse annoncée avec -b ::1" "Serveur en écoute sur [::1]:PORT" "$(show "$SERVER_LOG")"
    probe session -m $'bonjour en IPv6\n' ::1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test IPv6"
    [ "$(cat "$T/probe.out")" = "bonjour en IPv6" ] ||
        fail_fr "l'écho reçu par le client IPv6" "bonjour en IPv6" "$(show "$T/probe.out")"
}

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

@test "un client inactif est déconnecté après -t, puis le suivant est servi" {
    start_echo -t 0.5
    probe hold -t 5 127.0.0.1 "$SERVER_PORT"
    [ "$status" = 0 ] ||
        fail_fr "le sort d'un client inactif avec -t 0.5" "déconnecté par le serveur" "toujours connecté après 5 s"
    probe session -m $'suivant\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client suivant"
}

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
    # The failure path too: a busy port, whose socket must be closed.
    start_fake echo
    run_prog -l 10 echo_server -p "$FAKE_PORT"
    expect_status 1
    expect_memcheck_clean
}
