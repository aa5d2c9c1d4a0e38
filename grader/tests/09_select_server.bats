#!/usr/bin/env bats
# Lab 09 — select_server : le serveur non bloquant du §7 (Non-Blocking
# Sockets), un seul thread, select(), tampons de sortie et contre-pression.
# Clients: the grader's probe and load (grader/fakes/).

load ../lib/helpers

start_select() {
    start_server srv select_server -p 0 "$@"
}

# SERVER_PID is the program's own pid (inside its sandbox's wrappers).
proc_rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Its peak resident memory so far (VmHWM).
proc_hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# The server's own sockets: its clients are really connected to it.
proc_sockets() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -lname 'socket:*' 2>/dev/null | wc -l; }

# expect_fds_back BEFORE WHAT EXPECTED — within 3 s, the server holds no more
# descriptors than BEFORE (each client it closed is gone from /proc/PID/fd).
expect_fds_back() {
    local after DEADLINE POLLS
    _deadline 3
    while after=$(proc_fds "$SERVER_PID"); do
        ((after <= $1)) && return 0
        _poll || break
    done
    fail_fr "$2" "$1, comme au départ ($3)" "$after"
}

# expect_sockets N WHAT — the server holds at least N sockets.
expect_sockets() {
    local n
    n=$(proc_sockets "$SERVER_PID")
    ((n >= $1)) ||
        fail_fr "les sockets du serveur (/proc/PID/fd) $2" "au moins $1 (l'écoute et une par client)" "$n"
}

# @points 5
# @req R1
# @hint §7 : bind, listen(SOMAXCONN), socket d'écoute non bloquante, puis l'adresse réelle (getsockname) — man 2 getsockname
@test "annonce « Serveur en écoute sur 127.0.0.1:PORT » et écoute sur ce port" {
    start_select
    grep -Eq '^Serveur en écoute sur 127\.0\.0\.1:[1-9][0-9]*$' "$SERVER_LOG" ||
        fail_fr "la première ligne du serveur" "Serveur en écoute sur 127.0.0.1:PORT (le port réel)" "$(show "$SERVER_LOG")"
    # That port is the server's own socket (not one it read in /proc/net/tcp).
    local own
    own=$(listen_addrs "$SERVER_PID")
    grep -qx "127\.0\.0\.1:$SERVER_PORT" <<<"$own" ||
        fail_fr "les sockets en écoute du serveur lui-même (/proc/PID/fd)" "127.0.0.1:$SERVER_PORT" "${own:-aucune}"
}

# @points 5
# @req R2
# @hint renvoyer exactement les n octets reçus, octets nuls compris (pas strlen) — man 2 recv
@test "l'écho renvoie 1 Mio de données binaires à l'identique" {
    start_select
    fake_tool peer gen -n 1048576 -s "$SEED" >"$T/expected"
    probe echo -n 1048576 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho de 1 Mio d'octets quelconques (octets nuls compris)"
}

# @points 5
# @req R2 R5
# @hint send non bloquant : envoi partiel ou EAGAIN, le reste attend dans le tampon de sortie du client (ramené au début, memmove, avant le recv suivant), écriture surveillée seulement alors — man 2 send, man 2 select
@test "un client à petite fenêtre de réception reçoit tout son écho (8 Mio, EAGAIN)" {
    start_select
    # A 4 KiB window: the non-blocking send() takes part of the echo, or
    # nothing (EAGAIN); the rest must wait in the client's output buffer.
    fake_tool peer gen -n 8388608 -s "$SEED" >"$T/expected"
    probe echo -n 8388608 -s "$SEED" -R 4096 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho reçu par un client à petite fenêtre"
    # A client that also reads slowly: the echo piles up, send() takes part of
    # it while more comes in, and the rest must move to the buffer's front.
    # With a 16 KiB send buffer (set in this lab's own network namespace
    # only: never under the partial isolation), select's "writable" no
    # longer means room for all the pending echo: send() takes part of it
    # while more comes in, and the rest must move to the buffer's front
    # before the next recv. The client pauses before reading, so it does.
    [ "$SANDBOX_MODE" != partial ] || return 0
    local wmem=/proc/sys/net/ipv4/tcp_wmem saved
    saved=$(cat "$wmem") && echo "4096 16384 16384" >"$wmem" ||
        fail_fr "le tampon d'envoi de l'espace de noms réseau du lab" "réglable (tcp_wmem)" "refusé"
    start_select
    local hwm
    hwm=$(proc_hwm_kb "$SERVER_PID")
    fake_tool peer gen -n 8388608 -s "$SEED" >"$T/expected2"
    probe echo -n 8388608 -s "$SEED" -R 4096 -P 100 127.0.0.1 "$SERVER_PORT"
    echo "$saved" >"$wmem"
    expect_status 0 "le code de sortie du client ($(show "$T/probe.err"))"
    expect_same_bytes "$T/expected2" "$T/probe.out" "l'écho quand send() n'en prend qu'une partie pendant que d'autres données arrivent (tampon d'envoi de 16 Kio)"
    # The echo already sent must not stay in memory: without compaction
    # the buffer grows by all 8 MiB (the pending echo never drains here),
    # with it, by MAX_PENDING + CHUNK at most.
    hwm=$(($(proc_hwm_kb "$SERVER_PID") - hwm))
    ((hwm <= 2048)) ||
        fail_fr "la mémoire du serveur (VmHWM) pendant l'écho de 8 Mio à ce client lent" \
            "moins de 2 Mio de plus qu'au départ (tampon ramené au début avant d'être agrandi)" "$hwm Kio de plus"
}

# @points 5
# @req R3
# @hint une ligne à chaque accept et à chaque fermeture ; EAGAIN (file vide) n'est pas une erreur — man 2 accept, man 2 getpeername
@test "journalise « Nouveau client: ADRESSE » et « Client déconnecté: ADRESSE »" {
    start_select
    probe session 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test"
    local port=${probe_local##*:}
    expect_log "$SERVER_LOG" "^Nouveau client: .*[^0-9]$port\$" "la ligne de journal à l'arrivée du client $probe_local"
    expect_log "$SERVER_LOG" "^Client déconnecté: .*[^0-9]$port\$" "la ligne de journal au départ du client $probe_local"
    # accept's EAGAIN (queue empty) and a client that leaves are no errors.
    [ ! -s "$SERVER_ERR" ] ||
        fail_fr "la sortie d'erreur du serveur après un client servi et parti normalement" \
            "(rien) : une file d'attente vide (EAGAIN) n'est pas une erreur" "$(show "$SERVER_ERR")"
}

# @points 10
# @req R4
# @hint §7 : un seul select() pour tous les clients, un tampon de sortie par client — man 2 select
@test "100 clients servis en même temps, connexions ouvertes : 50 allers-retours synchronisés, chaque octet correct" {
    start_select
    # -B: a client with its answer waits, connection open, until all 100
    # have theirs: a server that serves one client at a time never gets
    # past the first (load says how many were served at the same moment).
    run_load -c 100 -r 50 -n 8192 -B "$(scaled 5)"
    expect_load_ok "100 clients connectés à la fois : chacun, sa réponse reçue, attend (connexion ouverte) que les 99 autres aient la leur, 50 fois de suite"
}

# @points 5
# @req R4
# @hint ne traiter que les descripteurs prêts (FD_ISSET), jamais de recv ou send bloquant — man 2 select, man 2 fcntl (O_NONBLOCK)
@test "10 clients inactifs et un client lent ne ralentissent pas un client actif" {
    start_select
    run_load -I -c 1 -r 20 -i 10 -w 1 -t 3
    expect_load_ok "un client actif, un client qui envoie octet par octet, 10 connexions muettes (délai 3 s)"
    local p99
    p99=$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' "$T/load.out")
    awk -v m="$p99" -v s="$TIMEOUT_SCALE" 'BEGIN { exit !(m < 1000 * s) }' ||
        fail_fr "les allers-retours (p99)" "moins de $(scaled 1000) ms" "$p99 ms"
}

# @points 5
# @req R5
# @hint contre-pression : ne plus surveiller en lecture un client dont l'écho en attente dépasse MAX_PENDING — man 2 select
@test "un client qui envoie sans jamais lire : les autres servis, la mémoire du serveur bornée" {
    start_select
    local before rss max=0 pid
    before=$(proc_rss_kb "$SERVER_PID")
    # The flooder sends until the server stops taking its bytes (or 64 MiB:
    # a server that keeps reading grows by that much), then the others come.
    start_bg flood "$FAKE_DIR/load" -c 0 -f 1 -F 67108864 -H 60 127.0.0.1 "$SERVER_PORT"
    wait_line "$T/flood.out" '^inondeur' 20 ||
        fail_fr "le client qui inonde" "bloqué, ou 64 Mio envoyés" "$(show "$T/flood.out") / $(show "$T/flood.err")"
    start_bg load "$FAKE_DIR/load" -c 5 -r 30 -n 16384 -t 5 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    pid=$BG_PID
    while kill -0 "$pid" 2>/dev/null; do
        rss=$(proc_rss_kb "$SERVER_PID") && ((rss > max)) && max=$rss
        nap 0.05
    done
    status=0
    wait "$pid" || status=$?
    expect_load_ok "5 clients actifs à côté d'un client qui inonde le serveur sans lire"
    rss=$(proc_rss_kb "$SERVER_PID") && ((rss > max)) && max=$rss
    ((max - before <= 16384)) ||
        fail_fr "la mémoire du serveur (VmRSS) pendant l'inondation" \
            "moins de 16 Mio de plus qu'au départ (lecture suspendue au-delà de 256 Kio en attente)" \
            "$((max - before)) Kio de plus"
}

# @points 5
# @req R6
# @hint ECONNRESET : fermer ce client, le retirer des ensembles et libérer son tampon — man 7 tcp, man 2 close
@test "200 connexions réinitialisées en plein transfert : le serveur tient et ferme tout" {
    start_select
    local before
    before=$(proc_fds "$SERVER_PID")
    run_load -c 2 -r 10 -k 200
    expect_load_ok "2 clients actifs pendant 200 réinitialisations (RST)"
    expect_fds_back "$before" "les descripteurs ouverts du serveur (/proc/PID/fd) après les réinitialisations" "chaque socket de client fermée"
    probe session -m $'encore là\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie d'un client arrivé après les réinitialisations"
}

# @points 5
# @req R7
# @hint un descripteur >= FD_SETSIZE ne doit jamais aller dans FD_SET : le fermer et le signaler — man 2 select (BUGS), man 2 accept (EMFILE)
@test "au-delà de FD_SETSIZE, les clients sont refusés proprement et les autres servis" {
    # The server needs descriptors past FD_SETSIZE (1024); the load peer
    # (the grader's, not sandboxed) needs 1100 of its own.
    LIMIT_NOFILE=2048
    (($(ulimit -Sn) >= 2048)) || ulimit -Sn 2048 2>/dev/null || skip "limite de descripteurs du correcteur trop basse (ulimit -Hn < 2048)"
    start_select
    local before
    before=$(proc_fds "$SERVER_PID")
    run_load -c 3 -r 100 -n 4096 -i 1100 -t 5
    expect_load_ok "3 clients actifs connectés avant 1100 connexions muettes"
    kill -0 "$SERVER_PID" 2>/dev/null ||
        fail_fr "le serveur après 1100 connexions" "toujours en marche (jamais FD_SET d'un descripteur >= FD_SETSIZE)" \
            "arrêté — $(show "$SERVER_ERR")"
    grep -Eq '^inactifs=1100 fermes_par_le_serveur=[1-9]' "$T/load.out" ||
        fail_fr "les connexions au-delà de FD_SETSIZE" "fermées par le serveur (refusées)" "$(show "$T/load.out")"
    grep -qi 'refus' "$SERVER_ERR" ||
        fail_fr "la sortie d'erreur du serveur" "un message « client refusé … FD_SETSIZE »" "$(show "$SERVER_ERR")"
    expect_fds_back "$before" "les descripteurs du serveur une fois les 1100 clients partis" "chaque client refusé ou parti fermé"
    probe session -m $'encore\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie d'un client arrivé ensuite"
}

# @points 5
# @req R7
# @hint EMFILE : la socket d'écoute reste prête ; sans pause, select revient aussitôt, à l'infini — suspendre accept (délai de select) — man 2 accept, man 2 getrlimit
@test "sans descripteur libre (EMFILE), accept est suspendu sans tourner à vide" {
    # 64 descriptors for the server only (its sandbox's limit).
    LIMIT_NOFILE=64
    start_select
    start_bg idle "$FAKE_DIR/load" -c 0 -i 100 -H 3 127.0.0.1 "$SERVER_PORT"
    local idle=$BG_PID t0 t1
    wait_count "$SERVER_ERR" 'accept' 1 5 ||
        fail_fr "le serveur sans descripteur libre" "un message « select_server: accept : … »" \
            "$(show "$SERVER_ERR") / $(show "$SERVER_LOG")"
    t0=$(proc_cpu_ticks "$SERVER_PID")
    sleep 1 # a measuring window, not a synchronisation
    t1=$(proc_cpu_ticks "$SERVER_PID")
    ((t1 - t0 <= 10)) ||
        fail_fr "le temps processeur du serveur pendant 1 s sans descripteur libre" \
            "presque rien (pause d'accept, select avec un délai)" "$((t1 - t0)) centièmes de seconde"
    wait "$idle" || true
    probe session -m $'de nouveau\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie d'un client arrivé une fois les descripteurs libérés"
}

# @points 5
# @req R4
# @hint §7 : le multiplexage remplace les threads — man 2 select
@test "un seul thread (Threads: 1) pendant que 5 clients restent connectés" {
    start_select
    start_bg idle "$FAKE_DIR/load" -c 0 -i 5 -H 60 127.0.0.1 "$SERVER_PORT"
    wait_count "$SERVER_LOG" '^Nouveau client: ' 5 5 ||
        fail_fr "les 5 clients connectés à la fois (connexions gardées ouvertes)" "tous acceptés (5 lignes « Nouveau client »)" \
            "$(grep -c '^Nouveau client: ' "$SERVER_LOG") — $(show "$SERVER_LOG")"
    local threads
    threads=$(proc_threads "$SERVER_PID")
    [ "$threads" = 1 ] ||
        fail_fr "le nombre de threads du serveur (/proc/PID/status) avec 5 clients connectés" "1" "$threads"
    expect_sockets 6 "avec 5 clients connectés"
}

# @points 5
# @req R9
# @hint getopt, parse_port (0 autorisé) — man 3 getopt
@test "usage : -h (code 0), option ou port invalide (code 2)" {
    run_prog select_server -h
    expect_status 0
    expect_stdout_contains "usage"
    local bad
    for bad in "-x" "-p 70000" "-p abc" "-p -1" "en-trop"; do
        # shellcheck disable=SC2086
        run_prog -l 5 select_server $bad
        expect_status 2 "le code de sortie pour « select_server $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « select_server $bad »" "un message" "(rien)"
    done
}

# @points 5
# @req R9
# @hint bind échoue avec EADDRINUSE : afficher la raison et renvoyer 1 — man 2 bind
@test "port déjà occupé : message clair et code 1 ; libéré, le même port est pris" {
    start_fake echo
    run_prog -l 10 select_server -p "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "utilis|in use" "un message qui dit que l'adresse est déjà utilisée"
    # The control: the same port once free is taken (the refusal came
    # from bind, not from a guess).
    stop_server "$FAKE_PID"
    start_server srv select_server -p "$FAKE_PORT"
    [ "$SERVER_PORT" = "$FAKE_PORT" ] ||
        fail_fr "le port $FAKE_PORT, une fois libéré" "pris par le serveur (Serveur en écoute sur 127.0.0.1:$FAKE_PORT)" "$(show "$SERVER_LOG")"
}

# @points 5
# @req R8
# @hint signaux bloqués sauf pendant pselect, qui revient avec EINTR — man 2 pselect, man 2 sigprocmask
@test "SIGTERM et SIGINT l'arrêtent proprement (code 0), même avec des clients connectés" {
    local sig
    for sig in TERM INT; do
        start_select
        start_bg "idle_$sig" "$FAKE_DIR/load" -c 0 -i 3 -H 60 127.0.0.1 "$SERVER_PORT"
        wait_count "$SERVER_LOG" '^Nouveau client: ' 3 5 ||
            fail_fr "les 3 clients connectés avant SIG$sig" "tous acceptés (3 lignes « Nouveau client »)" "$(show "$SERVER_LOG")"
        expect_sockets 4 "avec 3 clients connectés avant SIG$sig"
        stop_server "$SERVER_PID" 2 "$sig"
        ((server_killed == 0)) ||
            fail_fr "l'arrêt sur SIG$sig" "le serveur s'arrête en moins de 2 s (pselect revient avec EINTR)" "toujours en marche"
        [ "$server_status" = 0 ] ||
            fail_fr "le code de sortie après SIG$sig" "0 (arrêt propre)" "$(status_text "$server_status")"
    done
}

# @points 5
# @req R10
# @hint EAGAIN (send, recv) et EINTR (pselect) veulent dire « pas maintenant » : réessayer au tour suivant ; realloc refusé : garder l'ancien tampon, ne pas lire ce client ce tour-ci — man 2 send, man 2 select, man 3 realloc
@test "pannes injectées : send et recv sans effet (EAGAIN), pselect interrompu (EINTR), realloc refusé — l'écho reste exact" {
    # libfiu makes each of these calls fail one time out of three, with the
    # errno a loaded machine gives (EAGAIN = 11, EINTR = 4): the server
    # must retry, never drop the client nor stop.
    use_fault 'enable_random name=posix/io/net/send,probability=0.33,failinfo=11' \
        'enable_random name=posix/io/net/recv,probability=0.33,failinfo=11' \
        'enable_random name=posix/io/net/pselect,probability=0.33,failinfo=4' \
        'enable_random name=posix/io/net/select,probability=0.33,failinfo=4' \
        'enable_random name=libc/mm/realloc,probability=0.33'
    start_select
    FIU=()
    fake_tool peer gen -n 1048576 -s "$SEED" >"$T/expected"
    probe echo -n 1048576 -s "$SEED" 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client de test quand send, recv, pselect et realloc échouent une fois sur trois ($(show "$T/probe.err") ; serveur : $(show "$SERVER_ERR"))"
    expect_same_bytes "$T/expected" "$T/probe.out" "l'écho de 1 Mio malgré les échecs passagers"
    probe session -m $'encore\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie d'un second client, servi malgré les échecs passagers ($(show "$T/probe.err") ; serveur : $(show "$SERVER_ERR"))"
    # Stopped here, not by the teardown: a normal exit lets libfiu remove
    # its control FIFOs (in the machine's /tmp under the partial isolation).
    stop_server "$SERVER_PID"
}

# @points 5
# @req R10
# @hint calloc peut rendre NULL : message « client refusé », close, puis le client suivant — jamais c->fd sur NULL — man 3 calloc, man 2 close
@test "calloc refusé pour un client : ce client est fermé avec un message, les suivants sont servis" {
    # The first calloc fails (libfiu, once): that is the first client's
    # struct conn.
    use_fault 'enable name=libc/mm/calloc,onetime'
    start_select
    FIU=()
    local before
    before=$(proc_fds "$SERVER_PID")
    probe session -t 3 -m $'un\n' 127.0.0.1 "$SERVER_PORT"
    # A program that allocates otherwise (malloc) just serves this client.
    if [ "$status" != 0 ]; then
        grep -Eq 'fermée avant|réinitialisée' "$T/probe.err" ||
            fail_fr "le client dont la struct conn n'a pas pu être allouée (calloc rend NULL)" \
                "fermé aussitôt (ou servi)" "ni fermé ni servi — $(show "$T/probe.err") ; serveur : $(show "$SERVER_ERR")"
        kill -0 "$SERVER_PID" 2>/dev/null ||
            fail_fr "le serveur après un calloc en échec" "toujours en marche" "arrêté — $(show "$SERVER_ERR")"
        wait_line "$SERVER_ERR" '^select_server: .*refus' 5 ||
            fail_fr "la sortie d'erreur du serveur" "une ligne « select_server: client refusé : … »" "$(show "$SERVER_ERR")"
    fi
    probe session -m $'deux\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie du client suivant ($(show "$T/probe.err") ; serveur : $(show "$SERVER_ERR"))"
    expect_fds_back "$before" "les descripteurs du serveur une fois les deux clients partis" "le client refusé fermé"
    stop_server "$SERVER_PID" # a normal exit: libfiu removes its FIFOs
}

# @points 5
# @req R9
# @hint pselect rend -1 : EINTR sans demande d'arrêt, on revient ; toute autre erreur arrête la boucle — message, clients libérés, code 1 — man 2 select
@test "select en échec (ENOMEM) : message « select_server: … » et code 1, sans tourner à vide" {
    # Every select/pselect fails with ENOMEM (12): no retry can help.
    use_fault 'enable name=posix/io/net/pselect,failinfo=12' 'enable name=posix/io/net/select,failinfo=12'
    run_prog -l 5 select_server -p 0
    FIU=()
    expect_status 1 "le code de sortie quand select échoue ($(show "$T/err"))"
    expect_stderr_matches '^select_server: .*select' "un message « select_server: select : … »"
    # The control: without the failure, the same server serves (the exit
    # came from select, not from a loop that never works).
    start_select
    probe session -m $'sans panne\n' 127.0.0.1 "$SERVER_PORT"
    expect_status 0 "le code de sortie d'un client du même serveur, select sans panne ($(show "$T/probe.err"))"
}

# @points 10
# @req R6 R8
# @hint à l'arrêt, fermer chaque client et libérer son tampon, puis la socket d'écoute — valgrind --leak-check=full --track-fds=yes
@test "mémoire : valgrind ne trouve ni erreur, ni fuite, ni descripteur ouvert, même arrêté avec des clients" {
    use_valgrind
    start_select
    run_load -c 6 -r 5 -n 65536 -k 10
    expect_load_ok "6 clients sous valgrind"
    start_bg idle "$FAKE_DIR/load" -c 0 -i 5 -f 1 -H 120 127.0.0.1 "$SERVER_PORT"
    wait_count "$SERVER_LOG" '^Nouveau client: ' 22 5 ||
        fail_fr "les 6 clients (5 inactifs, 1 qui inonde) connectés à la fois avant l'arrêt" "tous acceptés (22 « Nouveau client » en tout)" \
            "$(grep -c '^Nouveau client: ' "$SERVER_LOG") — $(show "$SERVER_LOG")"
    stop_server "$SERVER_PID"
    [ "$server_status" = 0 ] ||
        fail_fr "le code de sortie après SIGTERM sous valgrind" "0" "$(status_text "$server_status") — $(show "$SERVER_ERR")"
    expect_memcheck_clean
}
