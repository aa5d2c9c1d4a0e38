#!/usr/bin/env bats
# Lab 07 — connectivity (§5 « Vérification de Connectivité », §7 « Timeout et
# Retry ») et netinfo (§6 « Informations Réseau Locales »).
# Peers: peer sink (accepts: its -o file proves the connection), peer
# blackhole (timeouts), knock (a refusing port that logs each SYN it sees,
# and can start listening after a delay: the retries and their back-off),
# fakedns (resolution failures). netinfo's interfaces beyond lo are a veth
# pair made by fakes/netlab in the lab's own network namespace, with names
# and addresses from the seed.
# @program connectivity: connectivity.c
# @program netinfo: netinfo.c
# @budget 120 180
# @hosts 127.0.0.1 double.lab
# @hosts ::1 double.lab
# @hosts ::1 v6.lab

load ../lib/helpers
load ../lib/lab07

lab07_seed_values

setup_file() {
    lab07_seed_values
    lab07_make_interfaces
    export NETLAB_WHY
}

# @points 8
# @req R1 R2
# @hint §5 check_connectivity : getaddrinfo (AF_UNSPEC), socket, connect avec délai, latence = now_ms() après - avant — man 3 getaddrinfo, man 2 connect
@test "connectivity : des points d'accès joignables en IPv4 et en IPv6, ✓ et la latence, code 0" {
    start_sink a
    local fa=$SINK_FILE pa=$SINK_PORT
    require_ipv6
    start_sink -b ::1 b
    local fb=$SINK_FILE pb=$SINK_PORT
    run_prog connectivity -t 3 "127.0.0.1:$pa" "[::1]:$pb"
    expect_status 0
    expect_lines "✓ 127.0.0.1:$pa - LAT ms"$'\n'"✓ [::1]:$pb - LAT ms"
    [ ! -s "$T/err" ] || fail_fr "la sortie d'erreur quand tout est joignable" "(rien)" "$(show "$T/err")"
    expect_connected "$fa" "la connexion à 127.0.0.1:$pa"
    expect_connected "$fb" "la connexion à [::1]:$pb"
    # The latency is the connection's, on loopback: well under a second.
    local lat
    for lat in $(sed -n 's/.* - \([0-9.]*\) ms$/\1/p' "$T/out"); do
        awk -v l="$lat" 'BEGIN { exit !(l > 0 && l < 1000) }' ||
            fail_fr "la latence affichée (une connexion sur la boucle locale)" "entre 0 et 1000 ms" "$lat ms"
    done
    # A name of /etc/hosts with two addresses: each address is tried in turn
    # (::1 refuses here, 127.0.0.1 accepts).
    if [ "$SANDBOX_MODE" != partial ]; then
        rm -f "$fa"
        run_prog connectivity -t 3 "double.lab:$pa"
        expect_status 0 "le code de sortie pour double.lab:$pa (::1 refuse, 127.0.0.1 accepte)"
        expect_lines "✓ double.lab:$pa - LAT ms"
        expect_connected "$fa" "la connexion à double.lab:$pa (chaque adresse de getaddrinfo essayée)"
    fi
}

# @points 8
# @req R3 R6
# @hint un port fermé répond RST : connect échoue avec ECONNREFUSED, net_strerror le dit en français ; l'ordre de sortie est celui des points d'accès — man 2 connect
@test "connectivity : port fermé « connexion refusée », les autres vérifiés quand même, dans l'ordre, code 1" {
    start_knock
    local kp=$KNOCK_PORT
    start_sink a
    local fa=$SINK_FILE pa=$SINK_PORT
    start_sink c
    local fc=$SINK_FILE
    run_prog connectivity -t 3 "127.0.0.1:$pa" "127.0.0.1:$kp" "localhost:$SINK_PORT"
    expect_status 1 "le code de sortie quand un point d'accès sur trois est fermé"
    expect_lines "✓ 127.0.0.1:$pa - LAT ms"$'\n'"✗ 127.0.0.1:$kp - connexion refusée"$'\n'"✓ localhost:$SINK_PORT - LAT ms"
    [ ! -s "$T/err" ] || fail_fr "la sortie d'erreur (chaque résultat est une ligne de la sortie standard)" "(rien)" "$(show "$T/err")"
    expect_attempts 1 "les tentatives vers le port fermé (sans -r : une seule)"
    expect_connected "$fa" "la connexion au premier point d'accès"
    expect_connected "$fc" "la connexion au troisième point d'accès, après l'échec du deuxième"
    require_ipv6
    start_knock -b ::1
    run_prog connectivity -t 3 "[::1]:$KNOCK_PORT"
    expect_status 1
    expect_lines "✗ [::1]:$KNOCK_PORT - connexion refusée"
    expect_attempts 1 "les tentatives vers [::1]:$KNOCK_PORT"
}

# @points 8
# @req R5
# @hint getline, couper au '#', enlever les blancs ; une ligne invalide : FICHIER:LIGNE et code 2, avant toute connexion — man 3 getline
@test "connectivity -f FICHIER : commentaires, lignes vides, avec les arguments ; ligne invalide nommée, code 2" {
    start_sink a
    local pa=$SINK_PORT fa=$SINK_FILE
    start_knock
    printf '# points à vérifier\n\n   127.0.0.1:%s   # le serveur\r\n\t[::1]:%s\n#127.0.0.1:1\n   \n' "$pa" "$KNOCK_PORT" >"$W/liste.txt"
    run_prog connectivity -t 2 -f liste.txt "127.0.0.1:$KNOCK_PORT"
    expect_status 1
    expect_lines "✓ 127.0.0.1:$pa - LAT ms"$'\n'"✗ [::1]:$KNOCK_PORT - connexion refusée"$'\n'"✗ 127.0.0.1:$KNOCK_PORT - connexion refusée"
    expect_connected "$fa" "la connexion au point d'accès de la ligne 3 du fichier"
    expect_attempts 2 "les tentatives vers le port fermé (une par ligne qui le nomme)"
    # Standard input as the file, alone.
    printf '127.0.0.1:%s\n' "$pa" >"$T/stdin"
    run_prog -i "$T/stdin" connectivity -t 2 -f -
    expect_status 0 "le code de sortie de « connectivity -f - » (l'entrée standard)"
    expect_lines "✓ 127.0.0.1:$pa - LAT ms"
    # A bad line: named with its number, nothing checked, code 2.
    local bad
    for bad in "127.0.0.1" "127.0.0.1:0" "::1:80" "127.0.0.1:$pa extra" "127.0.0.1:99999"; do
        printf '# liste\n127.0.0.1:%s\n\n%s\n' "$pa" "$bad" >"$W/liste.txt"
        rm -f "$fa"
        run_prog connectivity -t 2 -f liste.txt
        expect_status 2 "le code de sortie pour une ligne 4 invalide : « $bad »"
        expect_stderr_matches "^connectivity: liste\.txt:4 : " "« connectivity: liste.txt:4 : point d'accès invalide : « $bad » » (le fichier et le numéro de ligne)"
        [ -z "$output" ] || fail_fr "la sortie standard quand le fichier a une ligne invalide" "(rien : aucun point vérifié)" "$(show "$T/out")"
        [ ! -e "$fa" ] || fail_fr "les connexions quand le fichier a une ligne invalide" "aucune (le fichier est lu en entier avant)" "une connexion au point d'accès de la ligne 2"
    done
    # A file that does not exist, or only comments: code 2.
    run_prog connectivity -f absent.txt
    expect_status 2 "le code de sortie pour un fichier absent"
    expect_stderr_matches "^connectivity: absent\.txt : fichier ou dossier introuvable" "« connectivity: absent.txt : fichier ou dossier introuvable »"
    printf '# rien\n\n' >"$W/vide.txt"
    run_prog connectivity -f vide.txt
    expect_status 2 "le code de sortie pour un fichier sans aucun point d'accès"
    [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour un fichier sans point d'accès" "un message" "(rien)"
}

# @points 5
# @req R10 R14
# @hint getopt, parse_hostport, parse_timeout_ms, parse_long ; message sur la sortie d'erreur et code 2, rien sur la sortie standard — man 3 getopt
@test "usage des deux programmes : -h (code 0), arguments ou options invalides (code 2)" {
    local prog bad
    for prog in connectivity netinfo; do
        run_prog "$prog" -h
        expect_status 0
        expect_stdout_contains "usage"
    done
    start_sink a
    for bad in "" "127.0.0.1" "127.0.0.1:0" "127.0.0.1:65536" "127.0.0.1:abc" "::1:80" "[::1]80" ":80" \
        "-t 0 127.0.0.1:80" "-t abc 127.0.0.1:80" "-t -1 127.0.0.1:80" "-r -1 127.0.0.1:80" "-r x 127.0.0.1:80" \
        "-r 101 127.0.0.1:80" "-d 0 127.0.0.1:80" "-d x 127.0.0.1:80" "-x 127.0.0.1:80" "-t" \
        "127.0.0.1:$SINK_PORT 127.0.0.1:70000"; do
        # shellcheck disable=SC2086
        run_prog -l 5 connectivity $bad
        expect_status 2 "le code de sortie pour « connectivity $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « connectivity $bad »" "un message" "(rien)"
        [ -z "$output" ] || fail_fr "la sortie standard pour « connectivity $bad »" "(rien : aucun point vérifié)" "$(show "$T/out")"
    done
    [ ! -e "$SINK_FILE" ] || fail_fr "les connexions pour des arguments invalides" "aucune (tous les arguments vérifiés avant)" "une connexion"
    run_prog connectivity -t 2 -r 100 -d 0.001 "127.0.0.1:$SINK_PORT"
    expect_status 0 "le code de sortie de la commande témoin (-r 100 -d 0.001, valides)"
    for bad in "extra" "-x" "-i" "-i abcdefghijklmnop" "-i ''"; do
        # shellcheck disable=SC2086
        eval "run_prog -l 5 netinfo $bad"
        expect_status 2 "le code de sortie pour « netinfo $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « netinfo $bad »" "un message" "(rien)"
        [ -z "$output" ] || fail_fr "la sortie standard pour « netinfo $bad »" "(rien)" "$(show "$T/out")"
    done
}

# @points 4
# @req R11
# @hint chaque appel peut échouer : garder son errno et le dire sur la ligne du point d'accès (socket : EMFILE), ou le message et le code 1 (mémoire) — man 2 socket, man 3 realloc
@test "pannes injectées (socket, connect, poll, mémoire) : la raison, le bon code, pas de plantage" {
    start_sink a
    use_fault 'enable name=posix/io/net/socket,failinfo=24'
    run_prog -l 10 connectivity -t 1 "127.0.0.1:$SINK_PORT"
    expect_status 1 "le code de sortie quand socket() échoue (EMFILE)"
    expect_lines "✗ 127.0.0.1:$SINK_PORT - trop de descripteurs ouverts"
    use_fault 'enable name=posix/io/net/connect,failinfo=101'
    run_prog -l 10 connectivity -t 1 "127.0.0.1:$SINK_PORT"
    expect_status 1 "le code de sortie quand connect() échoue (ENETUNREACH)"
    expect_lines "✗ 127.0.0.1:$SINK_PORT - réseau injoignable"
    use_fault 'enable name=posix/io/net/poll,failinfo=12'
    run_prog -l 10 connectivity -t 1 "127.0.0.1:$SINK_PORT"
    expect_status 1 "le code de sortie quand poll() échoue (ENOMEM)"
    expect_lines "✗ 127.0.0.1:$SINK_PORT - mémoire insuffisante"
    use_fault 'enable name=libc/mm/realloc'
    run_prog -l 10 connectivity -t 1 "127.0.0.1:$SINK_PORT"
    expect_status 1 "le code de sortie quand la mémoire manque (realloc)"
    expect_stderr_matches "^connectivity: .*mémoire insuffisante" "« connectivity: mémoire insuffisante »"
    [ -z "$output" ] || fail_fr "la sortie standard quand la mémoire manque" "(rien)" "$(show "$T/out")"
    use_fault 'enable name=posix/io/net/socket,failinfo=24'
    run_prog -l 10 netinfo -i lo
    expect_status 1 "le code de sortie de « netinfo -i lo » quand socket() échoue"
    expect_stderr_matches "^netinfo: lo : trop de descripteurs ouverts" "« netinfo: lo : trop de descripteurs ouverts »"
    run_prog -l 10 netinfo
    expect_status 0 "le code de sortie de netinfo quand socket() échoue (repli sur 127.0.0.1, comme le cours)"
    grep -qx 'IP locale : 127.0.0.1' "$T/out" ||
        fail_fr "la première ligne de netinfo quand socket() échoue" "IP locale : 127.0.0.1 (le repli du cours)" "$(show "$T/out")"
    FIU=()
    run_prog -l 10 connectivity -t 1 "127.0.0.1:$SINK_PORT"
    expect_status 0 "le code de sortie de la même commande sans panne"
}

# @points 5
# @req R9
# @hint une socket peut se connecter à elle-même (port local = port visé, sans serveur) : comparer getsockname et getpeername — man 2 getsockname
@test "connectivity : une connexion de la socket à elle-même n'est pas un serveur joignable" {
    [ "$SANDBOX_MODE" != partial ] ||
        skip "isolation partielle : la plage de ports du lab ne peut être changée (ce serait celle de la machine)"
    # The lab namespace's ephemeral range reduced to one port P, where
    # nothing listens: the program's socket gets P as its local port, and
    # its SYN to P meets itself (TCP simultaneous open).
    # knock -P watches the port (it binds nothing): the attempt was made.
    local range=/proc/sys/net/ipv4/ip_local_port_range saved p
    saved=$(cat "$range")
    p=$((40000 + SEED % 20000))
    start_knock -P "$p"
    printf '%s %s\n' "$p" "$p" >"$range" || skip "plage de ports du lab non modifiable"
    run_prog connectivity -t 2 "127.0.0.1:$p"
    printf '%s\n' "$saved" >"$range"
    expect_status 1 "le code de sortie quand la socket s'est connectée à elle-même"
    expect_lines "✗ 127.0.0.1:$p - connexion refusée"
    expect_attempts 1 "les tentatives vers 127.0.0.1:$p (la socket s'y connecte à elle-même)"
    start_knock -P "$((p + 1))"
    printf '%s %s\n' "$((p + 1))" "$((p + 1))" >"$range"
    run_prog connectivity -t 2 "[::1]:$((p + 1))"
    printf '%s\n' "$saved" >"$range"
    expect_status 1 "le code de sortie quand la socket IPv6 s'est connectée à elle-même"
    expect_lines "✗ [::1]:$((p + 1)) - connexion refusée"
    expect_attempts 1 "les tentatives vers [::1]:$((p + 1)) (la socket s'y connecte à elle-même)"
}

# @points 5
# @req R4 R9
# @hint getaddrinfo renvoie un code EAI_* (pas errno) : le message de net_gai_strerror, sans essayer de connexion — man 3 getaddrinfo
@test "connectivity : nom inconnu, le message du résolveur (pas « Timeout » ni « refusée »), code 1" {
    require_lab_etc
    start_sink a
    DNS_SAVED_VG=("${VG[@]}")
    VG=()
    FAKE_SEED=$SEED SERVER_PROTO=udp start_server dns "$FAKE_DIR/fakedns" -p 53
    VG=("${DNS_SAVED_VG[@]}")
    local dnslog=$SERVER_LOG
    run_prog -l 10 connectivity -t 2 "nom-inconnu.test:$SINK_PORT" "v6.lab:1" "127.0.0.1:$SINK_PORT"
    expect_status 1
    expect_lines "✗ nom-inconnu.test:$SINK_PORT - nom ou service inconnu"$'\n'"✗ v6.lab:1 - connexion refusée"$'\n'"✓ 127.0.0.1:$SINK_PORT - LAT ms"
    expect_elapsed 0 4000 "la durée pour un nom inconnu (le serveur DNS du lab répond NXDOMAIN aussitôt)"
    grep -q 'nom=nom-inconnu.test ' "$dnslog" ||
        fail_fr "ce que le serveur DNS du lab a reçu" "une requête pour nom-inconnu.test" "$(grep '^requête' "$dnslog" | show -)"
    expect_connected "$SINK_FILE" "la connexion au dernier point d'accès"
}

# @points 6
# @req R13
# @hint §6 get_local_ip : socket UDP, connect (aucun paquet ne part), getsockname ; sans route, 127.0.0.1 — man 7 udp, man 2 getsockname
@test "netinfo : l'adresse locale des connexions sortantes suit la route par défaut (repli 127.0.0.1)" {
    need_interfaces
    route_none
    run_prog netinfo
    expect_status 0
    [ "$(head -n 1 "$T/out")" = "IP locale : 127.0.0.1" ] ||
        fail_fr "la première ligne sans route par défaut (connect échoue : ENETUNREACH)" "IP locale : 127.0.0.1" "$(head -n 1 "$T/out" | show -)"
    route_via "$VETH4_GW"
    run_prog netinfo
    expect_status 0
    [ "$(head -n 1 "$T/out")" = "IP locale : $VETH4" ] ||
        fail_fr "la première ligne avec une route par défaut via $VETH4_GW ($VETH)" "IP locale : $VETH4" "$(head -n 1 "$T/out" | show -)"
    route_via "$PEER4_GW"
    run_prog netinfo
    expect_status 0
    [ "$(head -n 1 "$T/out")" = "IP locale : $PEER4" ] ||
        fail_fr "la première ligne avec une route par défaut via $PEER4_GW ($PEER)" "IP locale : $PEER4 (l'adresse que le noyau choisit pour cette route)" "$(head -n 1 "$T/out" | show -)"
    route_none
}

# @points 8
# @req R14
# @hint §6 list_interfaces : getifaddrs, une ligne par adresse AF_INET ou AF_INET6, masque (ifa_netmask) et drapeaux (ifa_flags : IFF_UP…) — man 3 getifaddrs, man 7 netdevice
@test "netinfo : chaque adresse IPv4 et IPv6 de chaque interface, avec masque et drapeaux" {
    run_prog netinfo
    expect_status 0
    [ ! -s "$T/err" ] || fail_fr "la sortie d'erreur de netinfo" "(rien)" "$(show "$T/err")"
    local got want which=all
    got=$(tail -n +2 "$T/out" | LC_ALL=C sort)
    if [ "$SANDBOX_MODE" = partial ]; then
        # The machine's own interfaces: lo's two lines must be there, exact.
        want=$(ni_expected)
        [ "$(grep '^lo : ' <<<"$got")" = "$want" ] ||
            fail_fr "les lignes de lo" "$want" "$(grep '^lo : ' <<<"$got" | show -)"
        return 0
    fi
    need_interfaces
    want=$(ni_expected all)
    [ "$got" = "$want" ] ||
        fail_fr "les adresses des interfaces (dans un ordre quelconque ; $BARE, sans adresse, n'a pas de ligne)" "$want" "$(show - <<<"$got")"
}

# @points 6
# @req R15
# @hint §6 get_interface_ip : struct ifreq, ioctl(SIOCGIFADDR) ; ENODEV : interface inconnue, EADDRNOTAVAIL : pas d'IPv4 — man 7 netdevice
@test "netinfo -i : l'adresse IPv4 d'une interface (ioctl) ; inconnue ou sans IPv4, un message et le code 1" {
    run_prog netinfo -i lo
    expect_status 0
    expect_stdout_eq "127.0.0.1"
    run_prog netinfo -i "nope$((SEED % 1000))"
    expect_status 1 "le code de sortie pour une interface qui n'existe pas"
    expect_stderr_matches "^netinfo: nope$((SEED % 1000)) : interface inconnue$" "« netinfo: nope$((SEED % 1000)) : interface inconnue »"
    [ -z "$output" ] || fail_fr "la sortie standard pour une interface inconnue" "(rien)" "$(show "$T/out")"
    need_interfaces
    run_prog netinfo -i "$VETH"
    expect_status 0
    expect_stdout_eq "$VETH4"
    run_prog netinfo -i "$PEER"
    expect_status 0
    expect_stdout_eq "$PEER4"
    run_prog netinfo -i "$BARE"
    expect_status 1 "le code de sortie pour une interface sans adresse IPv4"
    expect_stderr_matches "^netinfo: $BARE : pas d'adresse IPv4$" "« netinfo: $BARE : pas d'adresse IPv4 »"
    [ -z "$output" ] || fail_fr "la sortie standard pour une interface sans IPv4" "(rien)" "$(show "$T/out")"
}

# @points 8
# @req R4 R8
# @hint non bloquant + poll(POLLOUT) avec le délai : ETIMEDOUT s'affiche « Timeout », jamais « connexion refusée » ; défaut 5 s — man 2 poll, man 2 connect (EINPROGRESS)
@test "connectivity : port sans réponse « Timeout » après -t (5 s par défaut), distinct du refus" {
    start_fake blackhole
    local bp=$FAKE_PORT
    start_knock -P "$bp"
    run_prog connectivity -t 0.5 "127.0.0.1:$bp"
    expect_status 1 "le code de sortie face à un port qui ne répond pas"
    expect_lines "✗ 127.0.0.1:$bp - Timeout"
    expect_elapsed 450 3000 "la durée avec -t 0.5 face à un port qui ne répond pas"
    expect_attempts 1 "les tentatives vers le port sans réponse"
    run_prog -l 30 connectivity "127.0.0.1:$bp"
    expect_status 1
    expect_lines "✗ 127.0.0.1:$bp - Timeout"
    expect_elapsed 4500 9000 "la durée sans -t (5 s par défaut) face à un port qui ne répond pas"
}

# @points 12
# @req R7
# @hint §7 robust_connect : avant le réessai n, attendre DÉLAI × n (1×, 2×, 3×…), pas un délai fixe ni doublé — man 3 nanosleep
@test "connectivity -r -d : un serveur qui démarre en retard est atteint, réessais espacés de DÉLAI × n" {
    # knock refuses, logs each attempt, and listens 1.8 s after the first:
    # with -d 0.25, attempts at 0, 0.25, 0.75, 1.5 s are refused, the fifth
    # (2.5 s) is accepted.
    start_knock -a 1800
    run_prog -l 20 connectivity -t 2 -r 4 -d 0.25 "127.0.0.1:$KNOCK_PORT"
    expect_status 0 "le code de sortie quand le serveur finit par écouter (5e essai)"
    expect_lines "✓ 127.0.0.1:$KNOCK_PORT - LAT ms"
    expect_attempts 5 "les tentatives vues par le serveur (4 refusées, la 5e acceptée)"
    grep -q '^connexion acceptée' "$KNOCK_LOG" ||
        fail_fr "le serveur de test" "une connexion acceptée après son démarrage" "$(show "$KNOCK_LOG")"
    local times gaps="" prev="" t k=0 bad=0 lo hi slack
    times=$(knock_times)
    slack=$(awk -v s="$TIMEOUT_SCALE" 'BEGIN { printf "%d", 150 * (s > 1.5 ? 1.5 : s) }')
    for t in $times; do
        if [ -n "$prev" ]; then
            k=$((k + 1))
            gaps+="${gaps:+, }$((t - prev)) ms"
            lo=$((250 * k - 20)) hi=$((250 * k + slack))
            (((t - prev) >= lo && (t - prev) <= hi)) || bad=1
        fi
        prev=$t
    done
    ((bad == 0)) ||
        fail_fr "les écarts entre les tentatives (-d 0.25 : attente de 0,25 s × n avant le réessai n)" \
            "250, 500, 750 et 1000 ms (± quelques ms)" "$gaps"
}

# @points 8
# @req R7 R8
# @hint -r compte les réessais après le premier essai (-r 2 : 3 essais) ; sans -r aucun réessai ; sans -d, 1 s × n — man 3 getopt
@test "connectivity : -r RÉESSAIS essais en plus du premier ; défauts : aucun réessai, attente de 1 s" {
    start_knock
    run_prog -l 20 connectivity -t 2 -r 2 -d 0.1 "127.0.0.1:$KNOCK_PORT"
    expect_status 1 "le code de sortie quand tous les essais sont refusés"
    expect_lines "✗ 127.0.0.1:$KNOCK_PORT - connexion refusée"
    expect_attempts 3 "les tentatives avec -r 2 (le premier essai et deux réessais)"
    start_knock
    run_prog -l 20 connectivity -t 2 "127.0.0.1:$KNOCK_PORT"
    expect_status 1
    expect_attempts 1 "les tentatives sans -r (défaut : aucun réessai)"
    start_knock
    run_prog -l 20 connectivity -t 2 -r 1 "127.0.0.1:$KNOCK_PORT"
    expect_status 1
    expect_attempts 2 "les tentatives avec -r 1"
    local t gap
    t=$(knock_times | tail -n 1)
    gap=$t
    ((gap >= 980 && gap <= 1000 + $(awk -v s="$TIMEOUT_SCALE" 'BEGIN { printf "%d", 300 * s }'))) ||
        fail_fr "l'attente avant le premier réessai sans -d (défaut : 1 s)" "1000 ms" "$gap ms"
    # Several endpoints: each gets its own retries.
    start_knock
    local k1=$KNOCK_PORT k1log=$KNOCK_LOG
    start_knock
    run_prog -l 20 connectivity -t 2 -r 1 -d 0.1 "127.0.0.1:$k1" "127.0.0.1:$KNOCK_PORT"
    expect_status 1
    expect_lines "✗ 127.0.0.1:$k1 - connexion refusée"$'\n'"✗ 127.0.0.1:$KNOCK_PORT - connexion refusée"
    expect_attempts 2 "les tentatives vers le second point d'accès avec -r 1"
    KNOCK_LOG=$k1log expect_attempts 2 "les tentatives vers le premier point d'accès avec -r 1"
}

# @points 4
# @req R12
# @hint freeaddrinfo et close sur chaque chemin, fclose et free pour -f — valgrind --leak-check=full --track-fds=yes
@test "mémoire : connectivity sans erreur, ni fuite, ni descripteur ouvert" {
    start_sink a
    start_knock
    printf '127.0.0.1:%s # ok\n[::1]:%s\n' "$SINK_PORT" "$KNOCK_PORT" >"$W/liste.txt"
    use_valgrind
    run_prog -l 60 connectivity -t 2 -r 1 -d 0.1 -f liste.txt "localhost:$KNOCK_PORT"
    [ "$status" = 1 ] || [ "$status" = 99 ] || expect_status 1
    expect_lines "✓ 127.0.0.1:$SINK_PORT - LAT ms"$'\n'"✗ [::1]:$KNOCK_PORT - connexion refusée"$'\n'"✗ localhost:$KNOCK_PORT - connexion refusée"
    expect_connected "$SINK_FILE" "la connexion au premier point d'accès sous valgrind"
    printf '127.0.0.1:%s\n127.0.0.1\n' "$SINK_PORT" >"$W/liste.txt"
    run_prog -l 60 connectivity -f liste.txt
    [ "$status" = 2 ] || [ "$status" = 99 ] || expect_status 2
    expect_memcheck_clean
}

# @points 5
# @req R12
# @hint freeifaddrs, close de chaque socket, même sur les chemins d'erreur — valgrind --leak-check=full --track-fds=yes
@test "mémoire : netinfo sans erreur, ni fuite, ni descripteur ouvert" {
    [ "$SANDBOX_MODE" = partial ] || need_interfaces
    use_valgrind
    [ -z "$NETLAB_WHY" ] && route_via "$VETH4_GW"
    run_prog -l 60 netinfo
    [ "$status" = 0 ] || [ "$status" = 99 ] || expect_status 0
    local want
    if [ -z "$NETLAB_WHY" ]; then
        want=$(ni_expected all)
        [ "$(head -n 1 "$T/out")" = "IP locale : $VETH4" ] && [ "$(tail -n +2 "$T/out" | LC_ALL=C sort)" = "$want" ] ||
            fail_fr "la sortie de netinfo sous valgrind" "IP locale : $VETH4"$'\n'"$want" "$(show "$T/out")"
        route_none
    else
        grep -q '^lo : AF_INET 127.0.0.1 ' "$T/out" || fail_fr "la sortie de netinfo sous valgrind" "la ligne de lo" "$(show "$T/out")"
    fi
    run_prog -l 60 netinfo -i lo
    [ "$status" = 0 ] || [ "$status" = 99 ] || expect_status 0
    expect_stdout_eq "127.0.0.1"
    run_prog -l 60 netinfo -i nope
    [ "$status" = 1 ] || [ "$status" = 99 ] || expect_status 1
    expect_memcheck_clean
}
