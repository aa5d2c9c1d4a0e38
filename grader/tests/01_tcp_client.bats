#!/usr/bin/env bats
# Lab 01 — tcp_client : le client TCP du §2 (Client TCP simple, avec context manager).
# Every peer is one of the grader's fakes (grader/fakes/peer.c), on loopback.

load ../lib/helpers

request=$'GET / HTTP/1.0\r\n\r\n'

@test "envoie le message et affiche la réponse du serveur" {
    start_fake echo
    run_prog tcp_client 127.0.0.1 "$FAKE_PORT" "bonjour le serveur"
    expect_status 0
    expect_stdout_eq "bonjour le serveur"
    # An empty MESSAGE is a request of 0 bytes, not an error: send_all of 0
    # bytes returns 0.
    start_fake sink -o "$T/empty"
    run_prog tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT" ""
    expect_status 0 "le code de sortie avec un MESSAGE vide (0 octet à envoyer, ce n'est pas une erreur)"
    expect_stdout_eq "0"
}

@test "sans -a : un seul recv de 4096 octets au plus" {
    start_fake respond -n 20000 -c 1000 -d 5 -s "$SEED"
    "$FAKE_DIR/peer" gen -n 20000 -s "$SEED" >"$T/expected"
    run_prog tcp_client 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    local size
    size=$(wc -c <"$T/out")
    ((size >= 1 && size <= 4096)) ||
        fail_fr "la taille de la réponse affichée (le serveur envoie 20000 octets en 20 morceaux)" \
            "entre 1 et 4096 octets : un seul recv, comme tcp_client() du cours" "$size octets"
    head -c "$size" "$T/expected" >"$T/prefix"
    expect_same_bytes "$T/prefix" "$T/out" "les octets affichés (début de la réponse)"
    # Sent in one block, the whole response is there when recv runs: a recv
    # of 4096 bytes returns exactly 4096, no more (buffer), no less.
    start_fake respond -n 20000 -c 20000 -d 0 -s "$SEED"
    run_prog tcp_client 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    size=$(wc -c <"$T/out")
    ((size == 4096)) ||
        fail_fr "la taille affichée quand le serveur envoie 20000 octets d'un seul bloc" \
            "4096 octets : un recv dans un tampon de 4096 octets (sizeof buf)" "$size octets"
}

@test "avec -a : lit toute une réponse découpée en nombreux segments" {
    start_fake respond -n 30000 -c 700 -d 3 -s "$SEED"
    "$FAKE_DIR/peer" gen -n 30000 -s "$SEED" >"$T/expected"
    run_prog tcp_client -a 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    expect_same_bytes "$T/expected" "$T/out" "la réponse affichée (30000 octets en 43 segments)"
    # One-byte segments: a recv returning 1 is data, only 0 is the end.
    start_fake respond -n 6 -c 1 -d 20 -s "$SEED"
    "$FAKE_DIR/peer" gen -n 6 -s "$SEED" >"$T/expected6"
    run_prog tcp_client -a 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    expect_same_bytes "$T/expected6" "$T/out" "la réponse affichée (6 octets, un par segment)"
}

@test "avec -a : 8 Mio de données binaires lues sur l'entrée standard arrivent intactes" {
    # 8 MiB through a 4 KiB receive window: more than the client's send
    # buffer can hold, so send() must be called again for what is left.
    "$FAKE_DIR/peer" gen -n 8388608 -s "$SEED" >"$T/in"
    start_fake sink -R 4096 -o "$T/received"
    run_prog -i "$T/in" tcp_client -a 127.0.0.1 "$FAKE_PORT"
    expect_status 0
    expect_same_bytes "$T/in" "$T/received" "les octets reçus par le serveur (données avec des octets nuls)"
    expect_stdout_eq "8388608"
}

@test "avec -a : ferme l'envoi (shutdown) pour signaler la fin de la requête" {
    start_fake sink -o "$T/received"
    run_prog -l 10 tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT" "ping"
    expect_status 0
    expect_stdout_eq "4"
}

@test "connexion refusée : code 1 et message clair, sans attendre" {
    start_fake closed
    run_prog tcp_client -t 5 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "refus" "un message qui dit que la connexion est refusée"
    expect_stderr_matches "127\.0\.0\.1:$FAKE_PORT" "l'adresse essayée dans le message (sockaddr_str), ici 127.0.0.1:$FAKE_PORT"
    expect_elapsed 0 2000 "la durée (un refus est immédiat, pas besoin d'attendre le délai)"
}

@test "serveur silencieux : délai dépassé après -t 0.5, code 1" {
    start_fake silent
    run_prog -l 5 tcp_client -t 0.5 127.0.0.1 "$FAKE_PORT" "allô ?"
    expect_status 1
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé »"
    expect_elapsed 400 4000 "la durée avant d'abandonner (-t 0.5)"
}

@test "serveur qui se tait en pleine réponse : ce qui est arrivé est affiché, puis délai dépassé" {
    start_fake partial -m "début de la réponse"
    run_prog -l 5 tcp_client -a -t 0.5 127.0.0.1 "$FAKE_PORT" "requête"
    expect_status 1
    expect_stdout_eq "début de la réponse"
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé »"
}

@test "hôte qui ne répond pas : délai de connexion dépassé après -t 0.5" {
    start_fake blackhole
    run_prog -l 5 tcp_client -t 0.5 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé »"
    expect_elapsed 400 4000 "la durée de la tentative de connexion (-t 0.5)"
}

@test "nom d'hôte impossible à résoudre : code 1 et message sur la sortie d'erreur" {
    # glibc rejects "[::1]" (brackets) by itself: no DNS query is sent.
    run_prog tcp_client -t 2 "[::1]" 9 "bonjour"
    expect_status 1
    expect_stderr_matches "inconnu|unknown|not known" "un message « nom ou service inconnu » (net_gai_strerror)"
    expect_stderr_matches "\[::1\]" "le nom demandé dans le message"
    expect_stdout_eq ""
    # Nothing to try after a failed resolution: no connection, no send.
    ! grep -Eq "connexion à|envoi|réception" "$T/err" ||
        fail_fr "la sortie d'erreur après l'échec de getaddrinfo" \
            "le seul message de résolution (return -1 aussitôt, rien à libérer)" "$(show "$T/err")"
}

@test "serveur qui ne lit plus : l'envoi abandonne après -t 0.5, code 1" {
    # The fake never reads and its window is tiny: once the client's send
    # buffer is full, only the client's own timeout ends the send.
    "$FAKE_DIR/peer" gen -n 8388608 -s "$SEED" >"$T/in"
    start_fake deaf -R 4096
    run_prog -l 8 -i "$T/in" tcp_client -a -t 0.5 127.0.0.1 "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "envoi.*(délai|timed out|timeout)" "un message « envoi : délai dépassé »"
    expect_elapsed 400 5000 "la durée avant d'abandonner l'envoi (-t 0.5)"
}

@test "entrée standard illisible : code 1 et la raison, sans boucler" {
    # stdin is a directory: read() fails with EISDIR, every time.
    start_fake sink -o "$T/received"
    run_prog -l 5 -i "$T" tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "envoi.*(répertoire|directory)" "un message « envoi : » avec la raison de l'échec de read (EISDIR)"
}

@test "sortie standard impossible à écrire : code 1 et message, sans attendre" {
    # /dev/full refuses every write (ENOSPC): the response cannot be shown,
    # which is a failure, not a success.
    start_fake echo
    status=0
    { (_exec_clean timeout -k 2 "$(scaled 10)" "$PROG_DIR/tcp_client" -t 3 127.0.0.1 "$FAKE_PORT" "bonjour") \
        </dev/null >/dev/full 2>"$T/err"; } 2>/dev/null || status=$?
    LAST_CMD="tcp_client -t 3 127.0.0.1 $FAKE_PORT bonjour >/dev/full"
    expect_status 1
    expect_stderr_matches "espace|space" "un message « réception : » avec la raison de l'échec de write (ENOSPC)"
}

@test "IPv6 : se connecte à ::1 (getaddrinfo avec AF_UNSPEC)" {
    require_ipv6
    start_fake echo -b ::1
    run_prog tcp_client ::1 "$FAKE_PORT" "bonjour en IPv6"
    expect_status 0
    expect_stdout_eq "bonjour en IPv6"
}

@test "connexion réinitialisée par le serveur : code 1 et message" {
    start_fake reset -m "au revoir"
    run_prog -l 8 tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "réinitialis|reset" "un message qui dit que la connexion a été réinitialisée"
}

@test "usage : -h sur la sortie standard (code 0), mauvais arguments sur la sortie d'erreur (code 2)" {
    run_prog tcp_client -h
    expect_status 0
    expect_stdout_contains "usage"
    run_prog tcp_client
    expect_status 2
    expect_stderr_matches "usage" "l'usage du programme"
    run_prog tcp_client 127.0.0.1
    expect_status 2
    run_prog tcp_client -x 127.0.0.1 9
    expect_status 2
    run_prog tcp_client 127.0.0.1 9 un deux
    expect_status 2
}

@test "port ou délai invalide : message clair et code 2, sans se connecter" {
    local p t
    for p in 0 65536 99999 abc -5 8O ""; do
        run_prog tcp_client 127.0.0.1 "$p" "x"
        expect_status 2 "le code de sortie pour le port « $p »"
        expect_stderr_matches "port" "un message qui parle du port invalide « $p »"
    done
    for t in 0 -1 abc 1e3 2,5 ""; do
        run_prog tcp_client -t "$t" 127.0.0.1 9 "x"
        expect_status 2 "le code de sortie pour le délai « $t »"
        expect_stderr_matches "délai|timeout|-t" "un message qui parle du délai invalide « $t »"
    done
}

@test "mémoire : valgrind ne trouve ni erreur, ni fuite, ni descripteur resté ouvert" {
    use_valgrind
    start_fake respond -n 20000 -s "$SEED"
    run_prog tcp_client -a 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    start_fake closed
    run_prog tcp_client 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_memcheck_clean
}
