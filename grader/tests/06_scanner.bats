#!/usr/bin/env bats
# Lab 06 — scanner : le Port Scanner du §5 (Outils Réseau SysOps).
# Every target is the grader's own (grader/fakes/scanpeer.c), on loopback,
# on ports chosen from the run's seed: listeners that log each connection
# they accept (the proof that the scanner connected: a program that only
# reads /proc/net/tcp cannot make one), full accept queues (filtered
# ports: the kernel drops the SYNs), and slow ports (filtered, then open).
# A name with a quote and a backslash, for the JSON string (no DNS needed):
# @hosts 127.0.0.1 guillemet"et\barre.test

load ../lib/helpers
load ../lib/lab06

# 100 worker threads by default, 256 in the speed test, besides main and
# the sandbox's own processes.
LIMIT_NPROC=600

# @points 8
# @req R7 R8 R10 R16
# @hint §5 « Port Scanner » : scan_port pour chaque port (connect_ex), puis sorted(open_ports) et closed_count — man 2 connect, man 3 getservbyport
@test "trouve exactement les ports ouverts d'une plage et compte les fermés (IPv4)" {
    seeded_range 1 400
    local open other
    open=$(seeded_ports 2 6 $((RANGE_LO + 1)) $((RANGE_HI - 1)))
    # Listening elsewhere: just outside the range, and on 127.0.0.2 inside
    # it (another address: refused on 127.0.0.1).
    other=$(seeded_ports 3 1 $((RANGE_LO + 1)) $((RANGE_HI - 1)))
    grep -qw -- "$other" <<<"$open" && other=$((other + 1))
    grep -qw -- "$other" <<<"$open" && other=
    start_targets -l "$(csv $open),$((RANGE_LO - 1)),$((RANGE_HI + 1))"
    [ -z "$other" ] || start_targets -b 127.0.0.2 -l "$other"
    run_prog scanner -t 3 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$open" $((400 - 6)) 0 "6 ports en écoute parmi 400"
    expect_connected "$open"
}

# @points 6
# @req R7 R8 R10
# @hint getaddrinfo (AF_UNSPEC) donne une sockaddr_in6 pour ::1 : socket(ai_family…) et le port dans sin6_port — man 3 getaddrinfo, man 7 ipv6
@test "IPv6 : trouve exactement les ports ouverts de ::1" {
    require_ipv6
    seeded_range 4 200
    local open v4only
    open=$(seeded_ports 5 4 "$RANGE_LO" "$RANGE_HI")
    start_targets -b ::1 -l "$(csv $open)"
    # A port that listens on 127.0.0.1 only is closed on ::1.
    v4only=$(seeded_ports 6 1 "$RANGE_LO" "$RANGE_HI")
    grep -qw -- "$v4only" <<<"$open" || start_targets -b 127.0.0.1 -l "$v4only"
    run_prog scanner -t 3 -p "$RANGE_LO-$RANGE_HI" ::1
    expect_report "$open" $((200 - 4)) 0 "4 ports en écoute sur ::1 parmi 200"
    expect_connected "$open"
}

# @points 6
# @req R3 R10
# @hint les bornes sont comprises : A-B va de A à B inclus, jusqu'à 65535 ; chaque élément de la liste compte — man 3 strtol
@test "bornes : premier et dernier port de chaque élément de la liste, jusqu'à 65535" {
    seeded_range 7 100
    local a=$RANGE_LO b=$((RANGE_LO + 20)) c=$((RANGE_LO + 60)) d=$RANGE_HI top= open n
    # Listed: A alone, B-C, D alone (and 65535 when free); listening also
    # just beside them.
    _range_busy 65535 65535 || top=65535
    start_targets -l "$a,$((a + 1)),$b,$((b - 1)),$c,$((c + 1)),$d,$((d + 1))${top:+,$top}"
    open="$a $b $c $d${top:+ $top}"
    n=$((1 + (c - b + 1) + 1))
    [ -z "$top" ] || n=$((n + 1))
    run_prog scanner -t 3 -p "$a,$b-$c,$d${top:+,$top}" 127.0.0.1
    expect_report "$open" $((n - $(wc -w <<<"$open"))) 0 "-p $a,$b-$c,$d${top:+,$top}"
    expect_connected "$open"
    # The same port given twice counts once; an option given twice: the last.
    run_prog scanner -t 3 -p 1 -p "$b-$c,$c,$b-$((b + 1))" 127.0.0.1
    expect_report "$b $c" $((c - b + 1 - 2)) 0 "-p $b-$c,$c,$b-$((b + 1)) après -p 1 : la dernière option compte, chaque port une fois"
}

# @points 6
# @req R10
# @hint les résultats arrivent dans le désordre (as_completed) : afficher seulement après la fin de tous les threads, dans l'ordre croissant (sorted) — man 3 qsort
@test "ports ouverts affichés dans l'ordre croissant, même quand le plus petit répond en dernier" {
    seeded_range 8 60
    local open slow
    open=$(seeded_ports 9 4 $((RANGE_LO + 1)) "$RANGE_HI")
    slow=$RANGE_LO
    # The lowest port drops the first SYN, then opens: it answers the
    # SYN sent again one second later, after all the others (or the next
    # one, 3 s after the first, on a loaded machine: -t is scaled).
    start_targets -S "$slow" -l "$(csv $open)"
    run_prog scanner -t "$(scaled 4)" -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$slow $open" $((60 - 5)) 0 "le port $slow répond après environ 1 s, les autres aussitôt"
    expect_connected "$slow $open"
}

# @points 6
# @req R4 R8
# @hint connect non bloquant puis poll(POLLOUT) avec le délai : 0 = pas de réponse à temps, port filtré ; jamais d'attente sans fin — man 2 poll, man 2 connect (EINPROGRESS)
@test "ports filtrés (SYN sans réponse) : comptés filtrés après le délai -t 0.3" {
    seeded_range 10 50
    local open filt
    open=$(seeded_ports 11 2 "$RANGE_LO" "$((RANGE_LO + 24))")
    filt=$(seeded_ports 12 3 $((RANGE_LO + 25)) "$RANGE_HI")
    start_targets -l "$(csv $open)" -f "$(csv $filt)"
    run_prog -l 20 scanner -t 0.3 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$open" $((50 - 5)) 3 "3 ports filtrés, -t 0.3"
    expect_connected "$open"
    # 50 ports, 100 threads: all at once, one wait of 0.3 s.
    expect_elapsed 280 2000 "la durée du scan (3 ports filtrés en parallèle, -t 0.3)"
}

# @points 4
# @req R4
# @hint sans -t, le délai par port vaut 1 s (timeout=1 de scan_port) : timeout_ms = 1000 — man 2 poll
@test "sans -t : délai de 1 s par port" {
    seeded_range 13 10
    start_targets -l "$RANGE_HI" -f "$RANGE_LO"
    run_prog -l 20 scanner -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_HI" 8 1 "un port filtré, sans -t"
    expect_connected "$RANGE_HI"
    expect_elapsed 950 3500 "la durée du scan d'un port filtré sans -t (défaut : 1 s)"
}

# @points 5
# @req R5
# @hint chaque thread prend le port suivant (compteur partagé sous mutex) et l'attend seul : W threads font W connexions à la fois ; ne pas garder le verrou pendant connect/poll — man 3 pthread_mutex_lock
@test "60 ports filtrés avec -w 20 -t 0.3 : environ (ports ÷ threads) × délai, pas ports × délai" {
    seeded_range 14 61
    start_targets -l "$RANGE_HI" -f "$RANGE_LO-$((RANGE_HI - 1))"
    run_prog -l 40 scanner -w 20 -t 0.3 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_HI" 0 60 "60 ports filtrés et 1 ouvert, 20 threads"
    expect_connected "$RANGE_HI"
    # 60 / 20 → 3 rounds of 0.3 s; one thread at a time would take 18 s
    # (beyond the bound even scaled three times).
    expect_elapsed 850 3000 "la durée du scan de 60 ports filtrés avec 20 threads et -t 0.3 (3 vagues de 0.3 s, pas 60)"
}

# @points 4
# @req R5
# @hint sans -w, 100 threads (ThreadPoolExecutor(max_workers=100)) — man 3 pthread_create
@test "sans -w : 100 threads, 101 ports filtrés en deux vagues" {
    seeded_range 16 102
    start_targets -l "$RANGE_HI" -f "$RANGE_LO-$((RANGE_HI - 1))"
    run_prog -l 30 scanner -t 0.5 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_HI" 0 101 "101 ports filtrés, sans -w"
    expect_connected "$RANGE_HI"
    # 100 threads: 2 rounds of 0.5 s; 101 or more: 1; 50 or fewer: 3 or more.
    expect_elapsed 950 1450 "la durée du scan de 101 ports filtrés et 1 ouvert, -t 0.5 (100 threads : deux vagues de 0.5 s)"
}

# @points 4
# @req R5
# @hint -w THREADS : autant de threads, chacun une connexion à la fois — man 3 pthread_create
@test "-w 10 : 10 threads, 30 ports filtrés en trois vagues" {
    seeded_range 17 31
    start_targets -l "$RANGE_LO" -f "$((RANGE_LO + 1))-$RANGE_HI"
    run_prog -l 20 scanner -w 10 -t 0.3 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_LO" 0 30 "30 ports filtrés, -w 10"
    expect_connected "$RANGE_LO"
    expect_elapsed 850 1500 "la durée du scan de 30 ports filtrés avec -w 10 -t 0.3 (trois vagues de 0.3 s)"
}

# @points 5
# @req R6
# @hint --json : le dict du cours, {"host": …, "open": [ports], "closed_count": N} plus "filtered_count", une seule ligne — json.org
@test "--json : le dictionnaire du cours, JSON valide (host, open, closed_count, filtered_count)" {
    seeded_range 18 40
    local open filt
    open=$(seeded_ports 19 3 "$RANGE_LO" $((RANGE_LO + 19)))
    filt=$(seeded_ports 20 2 $((RANGE_LO + 20)) "$RANGE_HI")
    start_targets -l "$(csv $open)" -f "$(csv $filt)"
    run_prog scanner --json -t 0.2 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_json 127.0.0.1 "$open" 35 2
    expect_connected "$open"
    # The host as given, a JSON string: its quote and backslash escaped
    # (a name of the lab's /etc/hosts, which the partial isolation lacks).
    if [ "$SANDBOX_MODE" != partial ]; then
        : >"$TARGET_LOG"
        run_prog scanner --json -t 0.2 -p "$RANGE_LO-$RANGE_HI" 'guillemet"et\barre.test'
        expect_json 'guillemet"et\barre.test' "$open" 35 2
        expect_connected "$open"
    fi
    # No open port: an empty list. The host as given (here ::1).
    if require_ipv6_quiet; then
        run_prog scanner -t 0.2 -p "$RANGE_LO-$((RANGE_LO + 9))" --json ::1
        expect_json ::1 "" 10 0
    fi
}

# @points 6
# @req R9
# @hint une socket peut se connecter à elle-même (port local = port visé, sur la boucle locale) : comparer getsockname() à l'adresse visée, et compter ce port fermé — man 2 getsockname, man 7 tcp
@test "une socket connectée à elle-même n'est pas un port ouvert (IPv4 et IPv6)" {
    [ -w /proc/sys/net/ipv4/ip_local_port_range ] && [ "$SANDBOX_MODE" != partial ] ||
        skip "le réseau du lab n'est pas isolé : la plage des ports locaux ne peut pas être réduite"
    local p base
    base=$(seeded_ports 21 1 40000 50000)
    # A single ephemeral port, P: every connection of the scanner leaves
    # from P, so scanning P itself meets its own SYN (simultaneous open).
    for addr in 127.0.0.1 ::1; do
        [ "$addr" = ::1 ] && { require_ipv6; base=$((base + 100)); }
        p=$base
        set_port_range "$p" "$p"
        start_targets -b "$addr" -l $((p + 3))
        run_prog scanner -t 3 -p "$((p - 5))-$((p + 5))" "$addr"
        restore_port_range
        expect_report "$((p + 3))" 10 0 "$addr, le port local de chaque connexion étant $p, port scanné lui aussi"
        expect_connected "$((p + 3))"
    done
}

# @points 5
# @req R11
# @hint une socket par thread : borner le nombre de threads par getrlimit(RLIMIT_NOFILE) (moins une réserve), quel que soit -w — man 2 getrlimit
@test "descripteurs bornés : -w 1000 sous une limite de 64 descripteurs (ulimit -n 64)" {
    LIMIT_NOFILE=64
    # 100 sockets at once would pass the limit; 48 threads: 3 rounds.
    seeded_range 22 102
    start_targets -l "$RANGE_LO,$RANGE_HI" -f "$((RANGE_LO + 1))-$((RANGE_HI - 1))"
    run_prog -l 30 scanner -w 1000 -t 0.2 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_LO $RANGE_HI" 0 100 "100 ports filtrés, -w 1000, 64 descripteurs au plus"
    expect_connected "$RANGE_LO $RANGE_HI"
}

# @points 3
# @req R12
# @hint pthread_create renvoie un code d'erreur (EAGAIN à la limite de processus) : continuer avec les threads déjà lancés, le dire sur la sortie d'erreur — man 3 pthread_create
@test "threads impossibles à créer (limite de 4 processus) : le scan se fait avec ceux qui ont démarré" {
    seeded_range 23 100
    local open
    open=$(seeded_ports 24 3 "$RANGE_LO" "$RANGE_HI")
    start_targets -l "$(csv $open)"
    LIMIT_NPROC=4
    run_prog -l 30 scanner -t 3 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    LIMIT_NPROC=600
    expect_status 0 "le code de sortie quand seuls quelques threads démarrent (limite de 4 processus et threads)"
    grep -q . "$T/err" || fail_fr "la sortie d'erreur quand pthread_create échoue" "un message qui le dit" "(rien)"
    cp "$T/err" "$T/err.threads" && : >"$T/err"
    expect_report "$open" 97 0 "avec moins de threads que demandé"
    expect_connected "$open"
    # Not a single thread (the limit of 1 holds the scanner itself): code 1,
    # the reason, no result.
    LIMIT_NPROC=1
    run_prog -l 30 scanner -t 3 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    LIMIT_NPROC=600
    expect_status 1 "le code de sortie quand aucun thread ne démarre (limite de 1 processus)"
    expect_stderr_matches "^scanner: aucun thread : .*indisponible" "scanner: aucun thread : ressource temporairement indisponible (limite de 1 processus)"
    [ ! -s "$T/out" ] ||
        fail_fr "la sortie standard quand aucun thread ne démarre" "vide : rien n'a été scanné" "$(show "$T/out")"
}

# @points 3
# @req R13
# @hint getaddrinfo renvoie un code d'erreur (pas errno) : net_gai_strerror(code), code 1, rien sur la sortie standard — man 3 getaddrinfo
@test "nom inconnu : « scanner: NOM : … », code 1, rien sur la sortie standard" {
    # An empty label: getaddrinfo rejects it without asking any DNS server.
    run_prog -l 10 scanner -p 1-10 nom..invalide
    expect_status 1
    expect_stderr_matches "^scanner: nom\.\.invalide : " "scanner: nom..invalide : nom ou service inconnu"
    [ ! -s "$T/out" ] || fail_fr "la sortie standard après l'échec de la résolution" "vide" "$(show "$T/out")"
    # The control: a host that resolves, through the same getaddrinfo.
    seeded_range 25 5
    # localhost is 127.0.0.1 and ::1 (the lab's /etc/hosts): the first
    # address getaddrinfo gives is scanned, either of them.
    start_targets -l "$RANGE_LO"
    ! require_ipv6_quiet || start_targets -b ::1 -l "$RANGE_LO"
    run_prog scanner -p "$RANGE_LO-$RANGE_HI" localhost
    expect_report "$RANGE_LO" 4 0 "localhost (127.0.0.1 et ::1 dans /etc/hosts)"
    expect_connected "$RANGE_LO"
}

# @points 4
# @req R14
# @hint socket, connect ou poll qui échouent pour une raison locale : arrêter le scan, « scanner: port N : RAISON » (net_strerror), code 1, pas de résultat faux — man 2 socket, man 2 connect
@test "pannes locales injectées (socket, connect, poll) : la raison, code 1, rien sur la sortie standard" {
    seeded_range 26 20
    start_targets -l "$RANGE_LO"
    local spec re n
    for spec in 'posix/io/net/socket,failinfo=24:descripteurs' \
        'posix/io/net/connect,failinfo=99:adresse non disponible' \
        'posix/io/net/poll,failinfo=12:mémoire'; do
        re=${spec#*:}
        use_fault "enable name=${spec%%:*}"
        run_prog -l 20 scanner -t 2 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
        FIU=()
        expect_status 1 "le code de sortie quand ${spec%%,*} échoue (panne injectée)"
        expect_stderr_matches "^scanner: port [0-9]+ : .*$re" "scanner: port N : $re… (panne injectée : ${spec%%,*})"
        # N: the port being scanned then, one of the list.
        n=$(sed -n 's/^scanner: port \([0-9]*\) : .*/\1/p' "$T/err" | head -n 1)
        ((n >= RANGE_LO && n <= RANGE_HI)) ||
            fail_fr "le port nommé par « scanner: port N : … » (panne injectée : ${spec%%,*})" \
                "un port de la liste scannée, $RANGE_LO à $RANGE_HI" "$(show "$T/err")"
        [ ! -s "$T/out" ] ||
            fail_fr "la sortie standard quand ${spec%%,*} échoue" "vide : un scan interrompu n'a pas de résultat" "$(show "$T/out")"
    done
    # The control: without the faults.
    run_prog scanner -t 2 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_LO" 19 0 "sans panne injectée"
    expect_connected "$RANGE_LO"
}

# @points 3
# @req R8
# @hint classer d'après errno : ECONNREFUSED fermé ; ETIMEDOUT, EHOSTUNREACH, ENETUNREACH filtré — man 2 connect, man 7 tcp
@test "classement d'après errno (panne injectée) : EHOSTUNREACH et ENETUNREACH filtrés, ECONNREFUSED fermé, aussitôt" {
    seeded_range 27 30
    use_fault 'enable name=posix/io/net/connect,failinfo=113'
    run_prog -l 20 scanner -t 5 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "" 0 30 "connect échoue avec EHOSTUNREACH (panne injectée)"
    expect_elapsed 0 3000 "la durée du scan quand connect échoue aussitôt (EHOSTUNREACH) : aucune attente du délai"
    use_fault 'enable name=posix/io/net/connect,failinfo=101'
    run_prog -l 20 scanner -t 5 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "" 0 30 "connect échoue avec ENETUNREACH (panne injectée)"
    use_fault 'enable name=posix/io/net/connect,failinfo=111'
    run_prog -l 20 scanner -t 5 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "" 30 0 "connect échoue avec ECONNREFUSED (panne injectée)"
    FIU=()
    # The control: without the faults, an open port is open.
    start_targets -l "$RANGE_HI"
    run_prog scanner -t 5 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_HI" 29 0 "sans panne injectée"
    expect_connected "$RANGE_HI"
}

# @points 3
# @req R3
# @hint sans -p, les ports 1 à 1024 (range(1, 1025) du cours) — man 3 getopt
@test "sans -p : les ports 1 à 1024" {
    [ "$SANDBOX_MODE" != partial ] || [ "$(id -u)" = 0 ] ||
        skip "ports sous 1024 : il faut le réseau du lab (ou root) pour y écouter"
    local open
    open=$(seeded_ports 28 2 1000 1023)
    _range_busy 1 1025 && skip "des ports de 1 à 1025 sont déjà utilisés sur cette machine"
    start_targets -l "$(csv $open),1024,1025"
    run_prog scanner -t 3 127.0.0.1
    expect_report "$open 1024" $((1024 - 3)) 0 "sans -p"
    expect_connected "$open 1024"
}

# @points 4
# @req R1 R2
# @hint getopt_long pour --json ; -h : usage sur la sortie standard, code 0 ; sinon usage sur la sortie d'erreur, code 2 — man 3 getopt_long
@test "usage : -h sur la sortie standard (code 0), mauvais arguments sur la sortie d'erreur (code 2)" {
    run_prog scanner -h
    expect_status 0
    expect_stdout_contains "usage"
    expect_stdout_contains "--json"
    [ ! -s "$T/err" ] || fail_fr "la sortie d'erreur de « scanner -h »" "vide" "$(show "$T/err")"
    seeded_range 29 3
    start_targets -l "$RANGE_LO"
    expect_usage_error "usage" "sans HÔTE"
    expect_usage_error "usage" "deux hôtes" -p "$RANGE_LO" 127.0.0.1 ::1
    expect_usage_error "usage" "option inconnue -x" -x -p "$RANGE_LO" 127.0.0.1
    expect_usage_error "usage" "option longue inconnue --xml" --xml -p "$RANGE_LO" 127.0.0.1
    expect_usage_error "usage" "-p sans valeur" 127.0.0.1 -p
    expect_usage_error "usage" "--json=1 (--json ne prend pas de valeur)" --json=1 -p "$RANGE_LO" 127.0.0.1
    [ ! -s "$TARGET_LOG" ] ||
        fail_fr "les connexions pendant les erreurs d'usage" "aucune : rien n'est scanné" "$(show "$TARGET_LOG")"
    # The control: the same arguments, well formed, scan.
    run_prog scanner --json -p "$RANGE_LO" 127.0.0.1
    expect_json 127.0.0.1 "$RANGE_LO" 0 0
    expect_connected "$RANGE_LO"
}

# @points 4
# @req R3
# @hint parse_port_list (common/cli.h) refuse 0, 65536, 10-5, abc, la liste vide et les virgules en trop : message, code 2 — man 3 strtol
@test "liste de ports invalide (0, 65536, 10-5, abc, vide…) : message clair et code 2, sans scanner" {
    seeded_range 30 3
    start_targets -l "$RANGE_LO"
    local bad
    # The statement's cases (parse_port_list of common/cli.h holds the
    # others): each a run of its own.
    for bad in 0 65536 10-5 abc "" "$RANGE_LO," "$RANGE_LO,,$RANGE_HI" "+$RANGE_LO" " $RANGE_LO"; do
        expect_usage_error "liste de ports invalide" "-p « $bad »" -p "$bad" 127.0.0.1
    done
    [ ! -s "$TARGET_LOG" ] ||
        fail_fr "les connexions pendant les erreurs d'usage" "aucune : rien n'est scanné" "$(show "$TARGET_LOG")"
    run_prog scanner -p "$RANGE_LO-$RANGE_LO" 127.0.0.1
    expect_report "$RANGE_LO" 0 0 "-p $RANGE_LO-$RANGE_LO (une plage d'un seul port)"
    expect_connected "$RANGE_LO"
}

# @points 3
# @req R4 R5
# @hint parse_timeout_ms pour -t (décimales, > 0) ; -w : entier de 1 à 65535 — man 3 strtol
@test "délai ou nombre de threads invalide : message clair et code 2, sans scanner" {
    seeded_range 31 3
    start_targets -l "$RANGE_LO"
    local bad
    for bad in 0 abc 86401 ""; do
        expect_usage_error "délai invalide" "-t « $bad »" -t "$bad" -p "$RANGE_LO" 127.0.0.1
    done
    for bad in 0 65536 abc ""; do
        expect_usage_error "threads invalide" "-w « $bad »" -w "$bad" -p "$RANGE_LO" 127.0.0.1
    done
    [ ! -s "$TARGET_LOG" ] ||
        fail_fr "les connexions pendant les erreurs d'usage" "aucune : rien n'est scanné" "$(show "$TARGET_LOG")"
    run_prog scanner -t 0.25 -w 65535 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$RANGE_LO" 2 0 "-t 0.25 -w 65535"
    expect_connected "$RANGE_LO"
}

# @points 8
# @req R15
# @hint chaque socket fermée (close) sur tous les chemins, chaque thread attendu (pthread_join), calloc libérés — man 2 close, man 3 pthread_join
@test "mémoire : valgrind ne trouve ni erreur, ni fuite, ni descripteur resté ouvert" {
    use_valgrind
    seeded_range 32 40
    local open
    open=$(seeded_ports 33 2 $((RANGE_LO + 1)) "$RANGE_HI")
    start_targets -l "$(csv $open)" -f "$RANGE_LO"
    run_prog -l 20 scanner -t 0.3 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_report "$open" 37 1 "sous valgrind"
    expect_connected "$open"
    run_prog -l 20 scanner --json -t 0.2 -p "$RANGE_LO-$RANGE_HI" 127.0.0.1
    expect_json 127.0.0.1 "$open" 37 1
    run_prog -l 20 scanner -p 1-10 nom..invalide
    expect_status 1
    expect_memcheck_clean
}
