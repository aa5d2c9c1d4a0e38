#!/usr/bin/env bats
# Lab 01 — tcp_client : le client TCP du §2 (Client TCP simple, avec context manager).
# Every peer is one of the grader's fakes (grader/fakes/peer.c), on loopback.
# Every test but the usage ones needs the network: a reply the program can
# only get from the fake (seeded), or the fake's log of the request.
# The sandbox's /etc/hosts gives a name two addresses (no DNS needed):
# @hosts ::1 deux-adresses.test
# @hosts 127.0.0.1 deux-adresses.test

load ../lib/helpers
load ../lib/lab01

request=$'GET / HTTP/1.0\r\n\r\n'

# @points 5
# @req R6 R8
# @hint §2 « Client TCP simple » : connect, puis send, puis recv — man 2 connect, man 2 send, man 2 recv
@test "envoie le message et affiche la réponse du serveur" {
    start_reply 1
    expect_reply_run "un message et sa réponse" 127.0.0.1 "$FAKE_PORT" "bonjour le serveur $(seeded_text 2)"
    # An empty MESSAGE is a request of 0 bytes, not an error: send_all of 0
    # bytes returns 0.
    start_fake sink -o "$T/empty"
    run_prog tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT" ""
    expect_status 0 "le code de sortie avec un MESSAGE vide (0 octet à envoyer, ce n'est pas une erreur)"
    expect_stdout_eq "0"
    expect_fake_got "$T/empty" "" "ce que le serveur a reçu (une connexion, 0 octet)"
}

# @points 5
# @req R10
# @hint §2 « Client TCP simple » : response = sock.recv(4096), un seul appel — man 2 recv
@test "sans -a : un seul recv de 4096 octets au plus" {
    start_fake respond -n 20000 -c 1000 -d 5 -s "$SEED"
    fake_tool peer gen -n 20000 -s "$SEED" >"$T/expected"
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

# @points 5
# @req R12
# @hint §2 « Client TCP avec context manager » : boucle de recv jusqu'à ce qu'il renvoie 0 — man 2 recv
@test "avec -a : lit toute une réponse découpée en nombreux segments" {
    start_fake respond -n 30000 -c 700 -d 3 -s "$SEED"
    fake_tool peer gen -n 30000 -s "$SEED" >"$T/expected"
    run_prog tcp_client -a 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    expect_same_bytes "$T/expected" "$T/out" "la réponse affichée (30000 octets en 43 segments)"
    # One-byte segments: a recv returning 1 is data, only 0 is the end.
    start_fake respond -n 6 -c 1 -d 20 -s "$SEED"
    fake_tool peer gen -n 6 -s "$SEED" >"$T/expected6"
    run_prog tcp_client -a 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    expect_same_bytes "$T/expected6" "$T/out" "la réponse affichée (6 octets, un par segment)"
}

# @points 5
# @req R8 R11
# @hint §2 « Client TCP avec context manager » : sendall, pas strlen sur des octets ; read renvoie un nombre d'octets — man 2 read, man 2 send
@test "avec -a : 8 Mio de données binaires lues sur l'entrée standard arrivent intactes" {
    # 8 MiB through a 4 KiB receive window: more than the client's send
    # buffer can hold, so send() must be called again for what is left.
    fake_tool peer gen -n 8388608 -s "$SEED" >"$T/in"
    start_fake sink -R 4096 -o "$T/received"
    run_prog -i "$T/in" tcp_client -a 127.0.0.1 "$FAKE_PORT"
    expect_status 0
    [ -e "$T/received" ] || fail_fr "le serveur de test" "une connexion et 8388608 octets reçus" "aucune connexion reçue"
    expect_same_bytes "$T/in" "$T/received" "les octets reçus par le serveur (données avec des octets nuls)"
    expect_stdout_eq "8388608"
}

# @points 4
# @req R11
# @hint demi-fermeture : shutdown(fd, SHUT_WR) après l'envoi — man 2 shutdown
@test "avec -a : ferme l'envoi (shutdown) pour signaler la fin de la requête" {
    local msg
    msg="ping $(seeded_text 1)"
    start_fake sink -o "$T/received"
    run_prog -l 10 tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT" "$msg"
    expect_status 0
    expect_stdout_eq "${#msg}"
    expect_fake_got "$T/received" "$msg" "ce que le serveur a reçu avant la demi-fermeture"
}

# @points 5
# @req R13
# @hint §2 : connect échoue avec ECONNREFUSED ; afficher la raison (net_strerror) et renvoyer 1 — man 2 connect
@test "connexion refusée : code 1 et message clair, sans attendre" {
    start_fake closed
    run_prog tcp_client -t 5 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "refus" "un message qui dit que la connexion est refusée"
    expect_stderr_matches "127\.0\.0\.1:$FAKE_PORT" "l'adresse essayée dans le message (sockaddr_str), ici 127.0.0.1:$FAKE_PORT"
    expect_elapsed 0 2000 "la durée (un refus est immédiat, pas besoin d'attendre le délai)"
    # The longest loopback address: IPv4-mapped, with a zone (a numeric
    # scope id); nothing listens there. The message names it whole.
    if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
        run_prog tcp_client -t 5 '::ffff:127.255.255.254%4294967295' "$FAKE_PORT" "bonjour"
        expect_status 1 "le code de sortie vers un port fermé de ::ffff:127.255.255.254%4294967295"
        expect_stderr_matches "\[::ffff:127\.255\.255\.254%4294967295\]:$FAKE_PORT" \
            "l'adresse essayée en entier dans le message, ici [::ffff:127.255.255.254%4294967295]:$FAKE_PORT (un tampon de ADDR_STR_LEN octets)"
    fi
    # The control: the same call where a server listens is no refusal.
    start_reply 1
    expect_reply_run "la même commande vers un port où un serveur écoute" -t 5 127.0.0.1 "$FAKE_PORT" "bonjour $(seeded_text 2)"
}

# @points 5
# @req R4 R15
# @hint « Points clés » : toujours un timeout — recv_timeout / poll — man 2 poll
@test "serveur silencieux : délai dépassé après -t 0.5, code 1" {
    local msg
    msg="allô ? $(seeded_text 1)"
    start_fake silent -o "$T/received"
    run_prog -l 5 tcp_client -t 0.5 127.0.0.1 "$FAKE_PORT" "$msg"
    expect_status 1
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé »"
    expect_elapsed 400 4000 "la durée avant d'abandonner (-t 0.5)"
    expect_fake_got "$T/received" "$msg" "ce que le serveur silencieux a reçu"
}

# @points 3
# @req R12 R15
# @hint écrire chaque morceau reçu avant d'attendre le suivant, puis signaler le délai — man 2 recv, man 2 poll
@test "serveur qui se tait en pleine réponse : ce qui est arrivé est affiché, puis délai dépassé" {
    local start msg
    start="début de la réponse $(seeded_text 1)"
    msg="requête $(seeded_text 2)"
    start_fake partial -m "$start" -o "$T/received"
    run_prog -l 5 tcp_client -a -t 0.5 127.0.0.1 "$FAKE_PORT" "$msg"
    expect_status 1
    expect_stdout_eq "$start"
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé »"
    expect_fake_got "$T/received" "$msg" "ce que le serveur a reçu"
}

# @points 4
# @req R14
# @hint connexion avec délai : connect_timeout (connect non bloquant + poll + SO_ERROR) — man 2 connect
@test "hôte qui ne répond pas : délai de connexion dépassé après -t 0.5" {
    start_fake blackhole
    run_prog -l 5 tcp_client -t 0.5 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé »"
    expect_elapsed 400 4000 "la durée de la tentative de connexion (-t 0.5)"
    # The control: the same call to a server that accepts is no timeout.
    start_reply 1
    expect_reply_run "la même commande vers un serveur qui accepte" -t 0.5 127.0.0.1 "$FAKE_PORT" "bonjour $(seeded_text 2)"
}

# @points 2
# @req R8 R9
# @hint read() sur l'entrée standard peut échouer (ici EISDIR) : c'est une erreur d'envoi à signaler (net_strerror), code 1, pas une boucle — man 2 read
@test "entrée standard illisible : code 1 et la raison, sans boucler" {
    # stdin is a directory: read() fails with EISDIR, every time.
    start_fake sink -o "$T/received"
    run_prog -l 5 -i "$T" tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "envoi.*(répertoire|directory)" "un message « envoi : » avec la raison de l'échec de read (EISDIR)"
    # Connected first (sink creates its file then), nothing sent.
    expect_fake_got "$T/received" "" "ce que le serveur a reçu (une connexion, puis rien)"
}

# @points 2
# @req R9
# @hint write_all sur la sortie standard peut échouer (ENOSPC, EPIPE) : le signaler sur la sortie d'erreur, code 1 — man 2 write
@test "sortie standard impossible à écrire : code 1 et message, sans attendre" {
    # /dev/full refuses every write (ENOSPC): the response cannot be shown,
    # which is a failure, not a success.
    local msg
    msg="bonjour $(seeded_text 2)"
    start_reply 1
    run_prog -l 10 -O /dev/full tcp_client -t 3 127.0.0.1 "$FAKE_PORT" "$msg"
    expect_status 1
    expect_stderr_matches "place|espace|space" "un message qui dit que l'écriture sur la sortie standard a échoué (ENOSPC)"
    expect_fake_got "$REPLY_LOG" "$msg" "la requête reçue par le serveur de test"
}

# @points 4
# @req R6
# @hint §4 « Résolution DNS » : getaddrinfo avec AF_UNSPEC, puis socket(ai_family, …) — man 3 getaddrinfo
@test "IPv6 : se connecte à ::1 (getaddrinfo avec AF_UNSPEC)" {
    require_ipv6
    start_reply -b ::1 1
    expect_reply_run "un serveur sur ::1" ::1 "$FAKE_PORT" "bonjour en IPv6 $(seeded_text 2)"
}

# @points 3
# @req R17
# @hint recv renvoie -1 avec ECONNRESET : c'est une erreur, pas une fin normale — man 2 recv
@test "connexion réinitialisée par le serveur : code 1 et message" {
    local bye
    bye="au revoir $(seeded_text 1)"
    start_fake reset -m "$bye"
    run_prog -l 8 tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "réinitialis|reset" "un message qui dit que la connexion a été réinitialisée"
    # What came before the RST is shown (-a writes each piece as it comes).
    expect_stdout_eq "$bye"
}

# @points 3
# @req R20
# @hint socket() peut échouer (EMFILE) : garder son errno, jamais de connect sur -1 ; send_all aussi (connexion réinitialisée) : renvoyer -1 et le dire, sans rien lire ensuite — man 2 socket, man 2 send
@test "socket ou envoi impossibles (panne injectée) : la raison et code 1, sans lire de réponse" {
    # libfiu makes every socket() fail with EMFILE (24), as a full table of
    # descriptors would: the reason is socket's, not that of a connect on -1.
    use_fault 'enable name=posix/io/net/socket,failinfo=24'
    run_prog -l 10 tcp_client -t 1 127.0.0.1 9 "bonjour"
    expect_status 1 "le code de sortie quand socket() échoue (EMFILE)"
    expect_stderr_matches "^tcp_client: connexion à 127\.0\.0\.1:9 impossible : trop de descripteurs ouverts" \
        "« tcp_client: connexion à 127.0.0.1:9 impossible : trop de descripteurs ouverts » (l'errno de socket, pas celui d'un connect sur -1)"
    # libfiu makes every send() fail with ECONNRESET (104), as after a RST
    # that came before the request. The fake would answer an end of stream.
    start_reply 1
    use_fault 'enable name=posix/io/net/send,failinfo=104'
    run_prog -l 10 tcp_client -a -t 1 127.0.0.1 "$FAKE_PORT" "bonjour $(seeded_text 2)"
    expect_status 1 "le code de sortie quand l'envoi échoue (ECONNRESET)"
    expect_stderr_matches "^tcp_client: envoi : connexion réinitialisée par le pair" \
        "« tcp_client: envoi : connexion réinitialisée par le pair » (l'erreur de send, ECONNRESET)"
    [ ! -s "$T/out" ] ||
        fail_fr "la sortie standard après un envoi impossible" "(rien : ni demi-fermeture ni lecture après l'échec)" "$(show "$T/out")"
    # The control: the same call without the fault is answered.
    FIU=()
    expect_reply_run "la même commande sans panne" -a -t 1 127.0.0.1 "$FAKE_PORT" "bonjour $(seeded_text 2)"
}

# @points 3
# @req R21
# @hint un appel interrompu par un signal (EINTR) se refait : send_all et write_all (common/io.h) le font, pas send ni write seuls — man 7 signal
@test "appels interrompus (panne injectée, EINTR) : lecture, envoi et écriture repris" {
    # libfiu makes the first send() and the first write() fail with EINTR
    # (4), as a signal caught at that moment would: both are retried.
    start_reply 1
    use_fault 'enable name=posix/io/net/send,failinfo=4,onetime' \
        'enable name=posix/io/rw/write,failinfo=4,onetime'
    expect_reply_run "un envoi puis une écriture interrompus une fois (EINTR)" -t 3 127.0.0.1 "$FAKE_PORT" "bonjour $(seeded_text 2)"
    # The first read() of stdin too: an interrupted read is no end of input.
    local msg
    msg="lecture $(seeded_text 3)"
    printf '%s' "$msg" >"$T/in"
    start_fake sink -o "$T/received"
    use_fault 'enable name=posix/io/rw/read,failinfo=4,onetime'
    run_prog -l 10 -i "$T/in" tcp_client -a -t 3 127.0.0.1 "$FAKE_PORT"
    expect_status 0 "le code de sortie quand la première lecture de l'entrée standard est interrompue (EINTR)"
    expect_stdout_eq "${#msg}"
    expect_fake_got "$T/received" "$msg" "ce que le serveur a reçu (l'entrée standard, lue de nouveau après EINTR)"
}

# @points 4
# @req R1 R2
# @hint getopt : -h → usage sur stdout et 0 ; erreur d'usage → stderr et 2 — man 3 getopt
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

# @points 4
# @req R3 R4
# @hint valider avec parse_port et parse_timeout_ms (common/cli.h) avant toute connexion
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

# @points 8
# @req R19
# @hint freeaddrinfo sur tous les chemins, close(fd) avant de quitter — valgrind --leak-check=full --track-fds=yes
@test "mémoire : valgrind ne trouve ni erreur, ni fuite, ni descripteur resté ouvert" {
    use_valgrind
    start_fake respond -n 20000 -s "$SEED"
    fake_tool peer gen -n 20000 -s "$SEED" >"$T/expected"
    run_prog tcp_client -a 127.0.0.1 "$FAKE_PORT" "$request"
    expect_status 0
    expect_same_bytes "$T/expected" "$T/out" "la réponse affichée sous valgrind (20000 octets)"
    start_fake closed
    run_prog tcp_client 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "refus" "un message qui dit que la connexion est refusée"
    expect_memcheck_clean
}

# --- Statement coverage: one test per requirement no test above holds. ---

# @points 4
# @req R9 R13
# @hint la réponse avec write_all(STDOUT_FILENO, buf, n) et rien d'autre ; chaque message d'erreur avec fprintf(stderr, "tcp_client: …") — man 3 stdout
@test "sortie standard : les seuls octets de la réponse ; messages « tcp_client: … » sur la sortie d'erreur" {
    start_reply 1
    expect_reply_run "la sortie standard : exactement la réponse, rien avant, pas de retour à la ligne ajouté" \
        127.0.0.1 "$FAKE_PORT" "sans fin de ligne $(seeded_text 2)"
    [ ! -s "$T/err" ] || fail_fr "la sortie d'erreur d'un échange réussi" "(rien)" "$(show "$T/err")"
    start_fake closed
    run_prog tcp_client 127.0.0.1 "$FAKE_PORT" "x"
    expect_status 1
    [ ! -s "$T/out" ] ||
        fail_fr "la sortie standard quand la connexion échoue" "(rien : le message va sur la sortie d'erreur)" "$(show "$T/out")"
    grep -q '^tcp_client: ' "$T/err" ||
        fail_fr "le message d'erreur" "une ligne « tcp_client: connexion à 127.0.0.1:$FAKE_PORT impossible : … » sur la sortie d'erreur" "$(show "$T/err")"
}

# @points 5
# @req R10
# @hint sans -a : un seul recv ; 0 (le serveur a fermé) n'est pas une erreur, et pas de shutdown — man 2 recv, man 2 shutdown
@test "sans -a : un serveur qui ferme sans rien dire donne le code 0, et l'envoi n'est pas fermé" {
    local msg
    msg="bonjour $(seeded_text 1)"$'\n'
    start_fake respond -n 0 -o "$T/request"
    run_prog tcp_client 127.0.0.1 "$FAKE_PORT" "$msg"
    expect_status 0 "le code de sortie quand le serveur ferme sans répondre (recv renvoie 0)"
    [ ! -s "$T/out" ] || fail_fr "la sortie standard (le serveur n'a rien envoyé)" "(rien)" "$(show "$T/out")"
    expect_fake_got "$T/request" "$msg" "la requête reçue par le serveur"
    # sink answers only once it sees the end of the request: without -a,
    # the client must not half-close, so nothing comes before -t.
    msg="ping $(seeded_text 2)"
    start_fake sink -o "$T/received"
    run_prog -l 10 tcp_client -t 1 127.0.0.1 "$FAKE_PORT" "$msg"
    expect_status 1 "le code de sortie (sans -a pas de demi-fermeture : le serveur attend encore, délai dépassé)"
    [ ! -s "$T/out" ] ||
        fail_fr "la sortie standard sans -a face à un serveur qui attend la fin de la requête" \
            "(rien : sans -a, pas de shutdown, le serveur ne répond pas)" "$(show "$T/out")"
    expect_fake_got "$T/received" "$msg" "ce que le serveur a reçu"
}

# @points 4
# @req R16
# @hint send_all avec le délai : chaque attente de place pour envoyer est bornée (poll POLLOUT) — man 2 send, man 2 poll
@test "serveur qui ne lit pas : délai d'envoi dépassé après -t 0.5, code 1" {
    # 16 MiB: more than a 4 KiB window plus every kernel buffer can absorb.
    # The fake reads the first line only (a seeded one), then nothing.
    local line
    line="début $(seeded_text 1)"$'\n'
    { printf '%s' "$line"; head -c 16777216 /dev/zero; } >"$T/in"
    start_fake deaf -R 4096 -o "$T/received"
    run_prog -l 10 -i "$T/in" tcp_client -a -t 0.5 127.0.0.1 "$FAKE_PORT"
    expect_status 1
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé » (envoi)"
    expect_elapsed 400 5000 "la durée avant d'abandonner l'envoi (-t 0.5)"
    expect_fake_got "$T/received" "$line" "la première ligne reçue par le serveur (lue sur l'entrée standard)"
}

# @points 3
# @req R5
# @hint sans -t, timeout_ms vaut 10000 (le timeout=10 de tcp_request) — pas de délai infini, pas de délai trop court
@test "sans -t : délai de 10 s par défaut" {
    start_fake blackhole
    run_prog -l 20 tcp_client 127.0.0.1 "$FAKE_PORT" "bonjour"
    expect_status 1
    expect_stderr_matches "délai|timed out|timeout" "un message « délai dépassé »"
    expect_elapsed 9500 14000 "la durée de la tentative de connexion sans -t (défaut : 10 s)"
    # The control: without -t, a server that accepts is served.
    start_reply 1
    expect_reply_run "la même commande vers un serveur qui accepte" 127.0.0.1 "$FAKE_PORT" "bonjour $(seeded_text 2)"
}

# @points 3
# @req R18
# @hint getaddrinfo renvoie un code d'erreur (pas errno) : net_gai_strerror(code), puis code 1 — man 3 getaddrinfo
@test "nom inconnu : code 1 et message « tcp_client: NOM : … »" {
    # An empty label: getaddrinfo rejects it without asking any DNS server.
    run_prog -l 10 tcp_client nom..invalide 80 "x"
    expect_status 1
    expect_stderr_matches "^tcp_client: .*nom\.\.invalide" "tcp_client: nom..invalide : nom ou service inconnu"
    # Nothing to try after a failed resolution: no connection, no send.
    ! grep -Eq "connexion à|envoi|réception" "$T/err" ||
        fail_fr "la sortie d'erreur après l'échec de getaddrinfo" \
            "le seul message de résolution (return -1 aussitôt, rien à libérer)" "$(show "$T/err")"
    # The control: a host that resolves, through the same getaddrinfo.
    start_reply 1
    expect_reply_run "la même commande avec une adresse valide" 127.0.0.1 "$FAKE_PORT" "x $(seeded_text 2)"
}

# @points 5
# @req R7
# @hint boucle sur ai_next : une adresse qui échoue (close, puis la suivante) n'est pas la fin — man 3 getaddrinfo
@test "essaie chaque adresse du nom à son tour : ::1 sans serveur puis 127.0.0.1, et l'inverse" {
    require_ipv6
    require_lab_etc
    # deux-adresses.test has both addresses in the sandbox's /etc/hosts
    # (the "# @hosts" lines at the top of this file).
    local fam port other
    # Whatever order getaddrinfo gives, one of the two runs meets a refusal first.
    for fam in 127.0.0.1 ::1; do
        other=::1
        [ "$fam" = ::1 ] && other=127.0.0.1
        start_reply -b "$fam" "${#fam}"
        port=$FAKE_PORT
        start_fake closed -b "$other" -p "$port"
        expect_reply_run "deux-adresses.test : ::1 et 127.0.0.1 ; seul $fam écoute sur le port $port" \
            deux-adresses.test "$port" "seul $fam écoute $(seeded_text 2)"
    done
}

# @points 2
# @req R2 R3 R4
# @hint toute la ligne de commande est validée (getopt, nombre d'arguments, parse_port, parse_timeout_ms) avant getaddrinfo et connect — man 3 getopt
@test "erreur d'usage : aucune connexion n'est tentée" {
    # sink opens its output file at each connection: no file, no connection.
    start_fake sink -o "$T/connected"
    local args
    for args in "-x 127.0.0.1 $FAKE_PORT m" "-t 0 127.0.0.1 $FAKE_PORT m" "-t abc 127.0.0.1 $FAKE_PORT m" \
        "127.0.0.1 $FAKE_PORT un deux"; do
        # shellcheck disable=SC2086
        run_prog -l 5 tcp_client $args
        expect_status 2 "le code de sortie de « tcp_client $args »"
        [ ! -e "$T/connected" ] ||
            fail_fr "le serveur après « tcp_client $args »" "aucune connexion (erreur d'usage : rien n'est tenté)" \
                "une connexion reçue ($(wc -c <"$T/connected") octets)"
    done
}
