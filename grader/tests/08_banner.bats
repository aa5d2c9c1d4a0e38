#!/usr/bin/env bats
# Lab 08 — banner : la récupération de bannières du §5 (Service Banner Grabbing).
# Every service is the grader's fake (grader/fakes/bannerpeer.c), on loopback;
# each banner is drawn from the run's seed, and each service logs what it
# received: a program with no network code cannot print a banner, and every
# error test also has a target that must succeed.
# Some 60 runs of the program, a dozen of them waiting for a timeout by
# design: more than the default 60 s on a loaded machine.
# @budget 90 150

load ../lib/helpers
load ../lib/lab08

head_request=$'HEAD / HTTP/1.0\r\n\r\n'

# @points 7
# @req R5 R7 R11
# @hint §5 « Service Banner Grabbing » : connect, puis recv sans rien envoyer (le service parle le premier) — man 2 connect, man 2 recv
@test "SSH, SMTP et FTP : chaque bannière sur sa ligne, rien n'est envoyé" {
    local ssh smtp ftp
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE" "$BP_RECV")
    start_bp smtp; smtp=("$BP_TARGET" "$BP_LINE" "$BP_RECV")
    start_bp ftp; ftp=("$BP_TARGET" "$BP_LINE" "$BP_RECV")
    run_prog banner -t 3 "${ssh[0]}" "${smtp[0]}" "${ftp[0]}"
    expect_status 0 "le code de sortie quand les trois services ont donné leur bannière"
    expect_lines "$T/out" "${ssh[1]}"$'\n'"${smtp[1]}"$'\n'"${ftp[1]}" \
        "la sortie standard (une ligne « CIBLE -> BANNIÈRE » par service, caractères de contrôle échappés)"
    expect_lines "$T/err" "" "la sortie d'erreur quand tout a réussi"
    expect_sent "${ssh[2]}" "" "ce que le service SSH a reçu (port 22 ou autre : pas HTTP)"
    expect_sent "${smtp[2]}" "" "ce que le service SMTP a reçu"
    expect_sent "${ftp[2]}" "" "ce que le service FTP a reçu"
}

# @points 3
# @req R7
# @hint garder les résultats dans un tableau indexé comme les arguments, et n'afficher qu'une fois tous les threads rejoints (pthread_join) — man 3 pthread_join
@test "les lignes suivent l'ordre des arguments, pas celui des réponses" {
    local slow ssh
    start_bp slow -c 4 -d 150; slow=("$BP_TARGET" "$BP_LINE")
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE")
    run_prog banner -t 3 "${slow[0]}" "${ssh[0]}" "${slow[0]}"
    expect_status 0
    expect_lines "$T/out" "${slow[1]}"$'\n'"${ssh[1]}"$'\n'"${slow[1]}" \
        "la sortie standard (le service lent est premier sur la ligne de commande : sa bannière, complète, vient en premier)"
}

# @points 6
# @req R6
# @hint §5 : « if port in [80, 8080, 443]: sock.sendall(b"HEAD / HTTP/1.0\r\n\r\n") » — exactement ces 18 octets, avec send_all — man 2 send
@test "HTTP : les ports 80, 8080 et 443 reçoivent exactement la requête HEAD du cours" {
    local port
    for port in 80 8080 443; do
        require_http_port "$port"
        start_bp http -p "$port"
        run_prog banner -t 3 "127.0.0.1:$port"
        expect_status 0 "le code de sortie de « banner 127.0.0.1:$port » (un serveur HTTP qui répond à HEAD)"
        expect_lines "$T/out" "$BP_LINE" "la réponse du serveur HTTP du port $port"
        expect_sent "$BP_RECV" "$head_request" "la requête reçue par le serveur HTTP du port $port"
    done
}

# @points 6
# @req R5 R6
# @hint --http (getopt_long, option longue sans valeur) force la requête HEAD ; sans elle, sur un port qui n'est pas 80, 8080 ni 443, on n'envoie rien — man 3 getopt_long
@test "--http : la requête HEAD sur un autre port ; sans --http, rien n'est envoyé" {
    start_bp http
    run_prog -l 10 banner -t 1 "$BP_TARGET"
    expect_status 1 "le code de sortie sans --http face à un serveur HTTP (il attend une requête : aucune bannière)"
    expect_lines "$T/err" "banner: $BP_TARGET : aucune bannière : délai dépassé" \
        "la sortie d'erreur sans --http (le port $BP_PORT n'est pas un port HTTP : rien n'est envoyé)"
    expect_lines "$T/out" "" "la sortie standard sans bannière"
    expect_sent "$BP_RECV" "" "ce que le serveur a reçu sans --http"
    start_bp http
    run_prog banner -t 3 "$BP_TARGET" --http
    expect_status 0 "le code de sortie de « banner $BP_TARGET --http » (l'option peut suivre la cible)"
    expect_lines "$T/out" "$BP_LINE" "la réponse du serveur HTTP avec --http"
    expect_sent "$BP_RECV" "$head_request" "la requête reçue avec --http"
}

# @points 6
# @req R5
# @hint un seul recv ne rend que le premier morceau arrivé : boucler tant que des octets arrivent (IDLE_MS sans rien après le premier : fin) — man 2 recv
@test "service lent : une bannière envoyée en 6 morceaux est lue en entier" {
    local ssh
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE")
    start_bp slow -c 6 -d 150
    run_prog banner -t 5 "$BP_TARGET" "${ssh[0]}"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE"$'\n'"${ssh[1]}" \
        "la sortie standard (la bannière du service lent arrive en 6 morceaux, 150 ms d'écart)"
    expect_sent "$BP_RECV" "" "ce que le service lent a reçu"
    # Six pieces of one byte: a recv that returns 1 byte is no end.
    start_bp big -n 6 -c 6 -d 40
    run_prog banner -t 5 "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (6 octets binaires, un par segment, 40 ms d'écart)"
}

# @points 5
# @req R5
# @hint la lecture s'arrête à la fermeture (recv rend 0), ou 0,5 s après le dernier octet reçu, sans attendre -t — man 2 recv, man 2 poll
@test "fin de la bannière : à la fermeture aussitôt, sinon 0,5 s après le dernier octet, pas au bout de -t" {
    local d
    start_bp ssh
    run_prog -l 30 banner -t 20 "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE" "la bannière du service SSH (qui garde la connexion ouverte)"
    d=$(bp_durations "$BP_OUT" 1 | tail -n 1)
    ((d >= 400 && d <= $(scaled 2000))) ||
        fail_fr "la durée de la connexion vue par le service SSH (bannière envoyée d'un coup, connexion gardée ouverte, -t 20)" \
            "entre 400 et $(scaled 2000) ms : 0,5 s sans nouvel octet après la bannière, puis close" "${d:-?} ms"
    start_bp smtp -x
    run_prog -l 30 banner -t 20 "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE" "la bannière d'un service qui ferme aussitôt après l'avoir envoyée"
    d=$(bp_durations "$BP_OUT" 1 | tail -n 1)
    ((d <= $(scaled 350))) ||
        fail_fr "la durée de la connexion quand le service ferme juste après sa bannière (-t 20)" \
            "moins de $(scaled 350) ms : recv rend 0, la bannière est complète" "${d:-?} ms"
    # Two pieces 0.9 s apart: the banner ended 0.5 s after the first one.
    start_bp slow -c 2 -d 900
    run_prog -l 30 banner -t 20 "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "$BP_FIRST" \
        "la bannière d'un service qui envoie un premier morceau, puis un second 0,9 s plus tard (0,5 s sans octet : fin)"
    # Ten pieces 0.2 s apart (1.8 s) and -t 1: the deadline ends the banner,
    # whatever comes after it; what came before is shown.
    local full rest
    start_bp slow -c 10 -d 200
    run_prog -l 30 banner -t 1 "$BP_TARGET"
    expect_status 0 "le code de sortie (des octets sont arrivés avant le délai : c'est une bannière)"
    full=${BP_LINE#"$BP_TARGET -> "}
    rest=$(cat "$T/out")
    rest=${rest#"$BP_TARGET -> "}
    [ -n "$rest" ] && [ "$rest" != "$full" ] && [[ $full == "$rest"* ]] ||
        fail_fr "la bannière d'un service qui envoie 10 morceaux en 1,8 s, avec -t 1" \
            "le début de la bannière seulement : le délai -t, compté depuis la connexion, arrête la lecture" "$(show "$T/out")"
}

# @points 5
# @req R9
# @hint un tampon de 1024 octets (BANNER_MAX) rempli par recv successifs, sans dépasser — man 2 recv
@test "1024 octets au plus : un service bavard est coupé à 1024, octets nuls compris" {
    local ssh
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE")
    start_bp big -n 3000
    run_prog banner -t 3 "$BP_TARGET" "${ssh[0]}"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE"$'\n'"${ssh[1]}" \
        "la sortie standard (3000 octets binaires envoyés : les 1024 premiers, échappés, puis la cible suivante)"
    start_bp big -n 1 -x
    run_prog banner -t 3 "$BP_TARGET"
    expect_status 0 "le code de sortie pour une bannière d'un seul octet"
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (un seul octet, puis le service ferme)"
    start_bp big -n 1023 -x
    run_prog banner -t 3 "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (1023 octets binaires, puis le service ferme)"
    # Exactly 1024 bytes, the connection kept open: the banner is complete
    # at once, no wait for a byte that cannot fit.
    local d max=$(scaled 250)
    ((max > 450)) && max=450
    start_bp big -n 1024
    run_prog banner -t 10 "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (1024 octets, connexion gardée ouverte)"
    d=$(bp_durations "$BP_OUT" 1 | tail -n 1)
    ((d <= max)) ||
        fail_fr "la durée de la connexion vue par un service qui envoie exactement 1024 octets et se tait" \
            "moins de $max ms : le tampon est plein, la lecture est finie (pas d'attente de 0,5 s)" "${d:-?} ms"
}

# @points 6
# @req R8 R9
# @hint chaque octet hors de 0x20..0x7e devient \xHH (ESC, C1, octets >= 0x80, NUL) ; \\ \r \n \t ; jamais printf(bannière) ni %s sur des octets reçus — man 7 ascii, man 4 console_codes
@test "séquences d'échappement et octets binaires : échappés, jamais envoyés bruts au terminal" {
    local ssh
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE")
    start_bp hostile
    run_prog banner -t 3 "$BP_TARGET" "${ssh[0]}"
    expect_status 0
    # Raw bytes first: nothing but printable ASCII and the line ends.
    if LC_ALL=C grep -q '[^ -~]' "$T/out" || tr -d '\n -~' <"$T/out" | grep -q .; then
        fail_fr "les octets de la sortie standard (la bannière contient ESC, C1, une marque bidirectionnelle, NUL, 0xff)" \
            "seulement de l'ASCII imprimable et les fins de ligne" "$(od -An -c "$T/out" | head -n 6)"
    fi
    expect_lines "$T/out" "$BP_LINE"$'\n'"${ssh[1]}" \
        "la sortie standard (bannière hostile : titre, effacement d'écran, couleurs, CSI en C1, inversion bidirectionnelle, octets nuls, %n)"
}

# @points 6
# @req R10 R11
# @hint pas de bannière avant le délai : une ligne d'erreur pour cette cible, puis les autres — man 2 poll
@test "service muet : « aucune bannière : délai dépassé » après -t, les autres cibles affichées" {
    local silent d
    start_bp silent; silent=("$BP_TARGET" "$BP_OUT" "$BP_RECV")
    start_bp ssh
    run_prog -l 10 banner -t 0.5 "${silent[0]}" "$BP_TARGET"
    expect_status 1 "le code de sortie quand une cible n'a rien dit"
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (la bannière de la cible qui a répondu)"
    expect_lines "$T/err" "banner: ${silent[0]} : aucune bannière : délai dépassé" "la sortie d'erreur"
    d=$(bp_durations "${silent[1]}" 1 | tail -n 1)
    # The service counts from its accept, which a loaded machine delays
    # after the handshake (409 ms seen at TIMEOUT_SCALE=2): the lower
    # bound shrinks with the load, still far above a delay not waited.
    local low high scale
    scale_micro scale 1
    low=$((450 * 1000000 / scale)) high=$(scaled 1100)
    ((d >= low && d <= high)) ||
        fail_fr "la durée de la connexion vue par le service muet (-t 0.5)" \
            "entre $low et $high ms" "${d:-?} ms"
    expect_sent "${silent[2]}" "" "ce que le service muet a reçu"
}

# @points 6
# @req R10 R11
# @hint une cible qui échoue donne sa ligne sur la sortie d'erreur, puis on passe aux suivantes (jamais return au premier échec) — man 2 connect
@test "port fermé, service qui ferme sans rien dire : une ligne d'erreur chacun, les autres continuent" {
    local closed shut
    start_fake closed; closed=127.0.0.1:$FAKE_PORT
    start_bp close; shut=$BP_TARGET
    start_bp ftp
    run_prog -l 10 banner -t 3 "$closed" "$shut" "$BP_TARGET" "$closed"
    expect_status 1
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (seul le service FTP, troisième cible, a une bannière)"
    expect_lines "$T/err" "banner: $closed : connexion impossible : connexion refusée
banner: $shut : aucune bannière : connexion fermée par le serveur
banner: $closed : connexion impossible : connexion refusée" \
        "la sortie d'erreur (une ligne par cible en échec, dans l'ordre des arguments)"
    expect_elapsed 0 "$(scaled 1500)" "la durée (refus et fermeture sont immédiats ; la bannière FTP suit, 0,5 s sans nouvel octet)"
}

# @points 3
# @req R10 R13
# @hint connexion bornée par -t (connect_timeout dans tcp_connect) ; échec de getaddrinfo : net_gai_strerror — man 3 getaddrinfo
@test "hôte qui ne répond pas et nom inconnu : leur ligne d'erreur, les autres continuent" {
    local hole
    start_fake blackhole; hole=127.0.0.1:$FAKE_PORT
    start_bp smtp
    run_prog -l 10 banner -t 0.5 nom..invalide:25 "$hole" "$BP_TARGET"
    expect_status 1
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (seul le service SMTP répond)"
    expect_lines "$T/err" "banner: nom..invalide:25 : nom ou service inconnu
banner: $hole : connexion impossible : délai dépassé" "la sortie d'erreur"
}

# @points 7
# @req R12
# @hint un pool de MAX_WORKERS (16) threads qui prennent chacun la cible suivante sous un verrou — man 3 pthread_create, man 3 pthread_mutex_lock
@test "plusieurs cibles à la fois : 16 services muets prennent un délai, pas 16 ; jamais plus de 16 connexions" {
    local i args=() lines=()
    start_bp silent
    for ((i = 0; i < 16; i++)); do args+=("$BP_TARGET"); lines+=("banner: $BP_TARGET : aucune bannière : délai dépassé"); done
    run_prog -l 30 banner -t 1 "${args[@]}"
    expect_status 1
    expect_lines "$T/err" "$(printf '%s\n' "${lines[@]}")" "la sortie d'erreur (16 fois le même service muet)"
    [ "$(bp_max "$BP_OUT")" = 16 ] ||
        fail_fr "les connexions ouvertes en même temps, vues par le service muet (16 cibles)" "16 : les 16 cibles traitées ensemble" \
            "$(bp_max "$BP_OUT") (une cible après l'autre ?)"
    expect_elapsed 900 "$(scaled 3000)" "la durée pour 16 services muets avec -t 1 (ensemble : environ 1 s, pas 16)"
    # 20 targets: 16 at a time, then the 4 left.
    local silent max
    start_bp silent; silent=("$BP_TARGET" "$BP_OUT")
    start_bp ssh
    args=()
    for ((i = 0; i < 19; i++)); do args+=("${silent[0]}"); done
    run_prog -l 30 banner -t 0.5 "${args[@]}" "$BP_TARGET"
    expect_status 1
    expect_lines "$T/out" "$BP_LINE" "la sortie standard (la vingtième cible est un service SSH)"
    max=$(bp_max "${silent[1]}")
    [ "$max" = 16 ] ||
        fail_fr "les connexions ouvertes en même temps (19 cibles muettes et une SSH)" \
            "16 au plus, et 16 atteint : un pool de 16 threads" "${max:-0}"
}

# @points 4
# @req R13
# @hint getaddrinfo avec AF_UNSPEC (tcp_connect) ; parse_hostport ôte les crochets de [::1]:PORT — man 3 getaddrinfo
@test "IPv6 : [::1]:PORT, avec une cible IPv4 dans la même commande" {
    require_ipv6
    local v6
    start_bp ssh -b ::1; v6=("$BP_TARGET" "$BP_LINE" "$BP_RECV")
    start_bp ftp
    run_prog banner -t 3 "${v6[0]}" "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "${v6[1]}"$'\n'"$BP_LINE" "la sortie standard (un service sur ::1, un sur 127.0.0.1)"
    expect_sent "${v6[2]}" "" "ce que le service IPv6 a reçu"
    start_bp http -b ::1
    run_prog banner -t 3 --http "$BP_TARGET"
    expect_status 0
    expect_lines "$T/out" "$BP_LINE" "la réponse du serveur HTTP sur ::1 (--http)"
    expect_sent "$BP_RECV" "$head_request" "la requête reçue par le serveur HTTP sur ::1"
}

# @points 3
# @req R1 R2
# @hint getopt_long : -h et --help → usage sur stdout et 0 ; sans cible ou option inconnue → stderr et 2 — man 3 getopt_long
@test "usage : -h et --help (code 0), sans cible ou option inconnue (code 2)" {
    local opt
    for opt in -h --help; do
        run_prog banner "$opt"
        expect_status 0 "le code de sortie de « banner $opt »"
        expect_stdout_contains "usage"
        expect_lines "$T/err" "" "la sortie d'erreur de « banner $opt »"
    done
    for opt in "" "-x" "--xyz" "-t"; do
        # shellcheck disable=SC2086
        run_prog banner $opt
        expect_status 2 "le code de sortie de « banner $opt »"
        expect_stderr_matches "usage" "l'usage du programme sur la sortie d'erreur"
        expect_lines "$T/out" "" "la sortie standard de « banner $opt »"
    done
}

# @points 4
# @req R3
# @hint parse_hostport (common/cli.h) sur chaque cible, toutes validées avant la première connexion — man 3 getopt
@test "cible invalide : message clair et code 2, sans aucune connexion" {
    local bad
    start_bp ssh
    for bad in 127.0.0.1 127.0.0.1:0 127.0.0.1:65536 :22 ::1:22 127.0.0.1:abc; do
        run_prog -l 5 banner -t 1 "$BP_TARGET" "$bad"
        expect_status 2 "le code de sortie de « banner $BP_TARGET '$bad' »"
        expect_lines "$T/err" "banner: cible invalide : « $bad » (attendu : HÔTE:PORT ou [IPv6]:PORT, port de 1 à 65535)" \
            "le message pour la cible « $bad »"
        expect_lines "$T/out" "" "la sortie standard"
    done
    [ ! -e "$BP_RECV" ] ||
        fail_fr "le service de la première cible (valide)" "aucune connexion : une cible invalide arrête tout avant de commencer" \
            "une connexion reçue"
    run_prog banner -t 1 "$BP_TARGET"
    expect_status 0 "le code de sortie avec la seule cible valide"
    expect_lines "$T/out" "$BP_LINE" "la bannière de la cible valide"
}

# @points 2
# @req R4
# @hint parse_timeout_ms (common/cli.h) : secondes > 0, décimales acceptées
@test "délai invalide : message clair et code 2" {
    local t
    for t in 0 abc 2,5; do
        run_prog banner -t "$t" 127.0.0.1:22
        expect_status 2 "le code de sortie pour le délai « $t »"
        expect_lines "$T/err" "banner: délai invalide : « $t » (secondes > 0, décimales acceptées)" \
            "le message pour le délai « $t »"
    done
}

# @points 3
# @req R4
# @hint sans -t, timeout_ms vaut 3000 (le timeout=3 de grab_banner)
@test "sans -t : un service muet est abandonné après 3 s" {
    local silent d
    start_bp silent; silent=("$BP_TARGET" "$BP_OUT")
    start_bp ssh
    run_prog -l 20 banner "${silent[0]}" "$BP_TARGET"
    expect_status 1
    expect_lines "$T/out" "$BP_LINE" "la sortie standard"
    expect_lines "$T/err" "banner: ${silent[0]} : aucune bannière : délai dépassé" "la sortie d'erreur"
    d=$(bp_durations "${silent[1]}" 1 | tail -n 1)
    ((d >= 2900 && d <= 3000 + $(scaled 600))) ||
        fail_fr "la durée de la connexion vue par le service muet, sans -t" \
            "entre 2900 et $((3000 + $(scaled 600))) ms (défaut : 3 s)" "${d:-?} ms"
}

# @points 6
# @req R14
# @hint close(fd) sur tous les chemins, free du tableau, pthread_join de chaque thread — valgrind --leak-check=full --track-fds=yes
@test "mémoire : valgrind ne trouve ni erreur, ni fuite, ni descripteur resté ouvert" {
    use_valgrind
    local ssh http closed
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE")
    start_bp http; http=("$BP_TARGET" "$BP_LINE" "$BP_RECV")
    start_fake closed; closed=127.0.0.1:$FAKE_PORT
    start_bp hostile
    run_prog -l 20 banner -t 3 "${ssh[0]}" "$closed" "$BP_TARGET"
    expect_status 1
    expect_lines "$T/out" "${ssh[1]}"$'\n'"$BP_LINE" "la sortie standard sous valgrind"
    expect_lines "$T/err" "banner: $closed : connexion impossible : connexion refusée" "la sortie d'erreur sous valgrind"
    run_prog -l 20 banner -t 3 --http "${http[0]}"
    expect_status 0
    expect_lines "$T/out" "${http[1]}" "la réponse HTTP sous valgrind"
    expect_sent "${http[2]}" "$head_request" "la requête reçue par le serveur HTTP"
    expect_memcheck_clean
}

# @points 4
# @req R12 R14
# @hint p->next ne se lit et ne s'écrit que sous p->lock ; chaque thread n'écrit que dans sa propre cible ; l'affichage après pthread_join — valgrind --tool=helgrind, man 7 pthreads
@test "mémoire : pas de course de données entre les threads (helgrind)" {
    [ "${NOVALGRIND:-0}" = 1 ] && skip "tests mémoire désactivés par NOVALGRIND=1"
    command -v valgrind >/dev/null || skip "valgrind absent (sudo apt-get install valgrind)"
    cp "$BATS_TEST_DIRNAME/../lib/helgrind.supp" "$W/helgrind.supp"
    VG=(valgrind --tool=helgrind --error-exitcode=99 --suppressions=helgrind.supp)
    TIMEOUT_SCALE=$(awk -v s="$TIMEOUT_SCALE" -v v="$VALGRIND_SCALE" 'BEGIN { print s * v }')
    local ssh smtp i args=() lines=()
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE")
    start_bp smtp; smtp=("$BP_TARGET" "$BP_LINE")
    for ((i = 0; i < 6; i++)); do
        args+=("${ssh[0]}" "${smtp[0]}"); lines+=("${ssh[1]}" "${smtp[1]}")
    done
    run_prog -l 30 banner -t 5 "${args[@]}"
    expect_status 0 "le code de sortie sous helgrind (12 cibles qui répondent toutes)"
    expect_lines "$T/out" "$(printf '%s\n' "${lines[@]}")" "la sortie standard sous helgrind"
    local races
    races=$(cat "$T"/valgrind.*.log | grep -c 'Possible data race\|lock order') || races=0
    [ "$races" = 0 ] ||
        fail_fr "helgrind (accès concurrents sans verrou)" "aucune course" "$races accès signalés par helgrind"
}

# @points 3
# @req R10 R15
# @hint socket() peut échouer (EMFILE) : l'errno de tcp_connect dans la ligne de la cible ; send_all aussi (ECONNRESET) ; calloc peut rendre NULL : message, code 1 — man 2 socket, man 2 send, man 3 calloc
@test "socket, envoi ou mémoire impossibles (pannes injectées) : la raison, code 1" {
    start_bp ssh
    use_fault 'enable name=posix/io/net/socket,failinfo=24'
    run_prog -l 10 banner -t 1 "$BP_TARGET" "$BP_TARGET"
    expect_status 1 "le code de sortie quand socket() échoue (EMFILE)"
    expect_lines "$T/err" "banner: $BP_TARGET : connexion impossible : trop de descripteurs ouverts
banner: $BP_TARGET : connexion impossible : trop de descripteurs ouverts" "la sortie d'erreur quand socket() échoue"
    use_fault 'enable name=libc/mm/calloc'
    run_prog -l 10 banner -t 1 "$BP_TARGET"
    expect_status 1 "le code de sortie quand calloc échoue"
    expect_lines "$T/err" "banner: mémoire insuffisante" "la sortie d'erreur quand calloc échoue"
    [ ! -e "$BP_RECV" ] || fail_fr "le service" "aucune connexion (ni socket ni mémoire)" "une connexion reçue"
    # Interrupted calls (EINTR) are no failures: poll, recv and send again.
    start_bp http
    use_fault 'enable name=posix/io/net/poll,failinfo=4,onetime' 'enable name=posix/io/net/send,failinfo=4,onetime' \
        'enable name=posix/io/rw/write,failinfo=4,onetime'
    run_prog -l 10 banner -t 3 --http "$BP_TARGET"
    expect_status 0 "le code de sortie quand poll et send sont interrompus une fois (EINTR)"
    expect_lines "$T/out" "$BP_LINE" "la réponse HTTP après des appels interrompus"
    # send failing (ECONNRESET): the target's own line, no reading.
    start_bp http
    use_fault 'enable name=posix/io/net/send,failinfo=104'
    run_prog -l 10 banner -t 3 --http "$BP_TARGET"
    expect_status 1 "le code de sortie quand l'envoi de la requête HEAD échoue (ECONNRESET)"
    expect_lines "$T/err" "banner: $BP_TARGET : envoi : connexion réinitialisée par le pair" \
        "la sortie d'erreur quand l'envoi échoue"
    FIU=()
    run_prog banner -t 1 "$BP_TARGET" --http
    expect_status 0 "le code de sortie sans panne"
}

# @points 3
# @req R15
# @hint pthread_create rend son code d'erreur (pas errno) : le dire une fois, ne plus en créer, et traiter les cibles avec les threads qu'on a (dont le thread principal) — man 3 pthread_create
@test "threads impossibles : « banner: thread : … », et chaque cible est traitée quand même" {
    # A limit of 1 process or thread for the sandbox's user: every
    # pthread_create fails (EAGAIN). Under the partial isolation, every
    # process of the machine's nobody counts too: not measurable there.
    [ "$SANDBOX_MODE" != partial ] || skip "isolation partielle : la limite de threads compte tous les processus de l'utilisateur"
    local ssh smtp
    start_bp ssh; ssh=("$BP_TARGET" "$BP_LINE")
    start_bp smtp; smtp=("$BP_TARGET" "$BP_LINE")
    LIMIT_NPROC=1
    run_prog -l 20 banner -t 2 "${ssh[0]}" "${smtp[0]}" "${ssh[0]}"
    LIMIT_NPROC=64
    expect_status 0 "le code de sortie quand aucun thread ne peut être créé (toutes les cibles ont répondu)"
    expect_lines "$T/out" "${ssh[1]}"$'\n'"${smtp[1]}"$'\n'"${ssh[1]}" "la sortie standard sans thread supplémentaire"
    expect_lines "$T/err" "banner: thread : ressource temporairement indisponible" \
        "la sortie d'erreur (un seul message, puis plus d'autre pthread_create)"
}

# @points 2
# @req R11
# @hint printf puis fflush(stdout) : un échec (ENOSPC) se voit au fflush — man 3 fflush
@test "sortie standard impossible à écrire : code 1 et message" {
    start_bp ssh
    run_prog -l 10 -O /dev/full banner -t 3 "$BP_TARGET"
    expect_status 1
    expect_lines "$T/err" "banner: sortie standard : plus de place sur le périphérique" "la sortie d'erreur quand stdout est plein (/dev/full)"
    expect_sent "$BP_RECV" "" "ce que le service a reçu"
}
