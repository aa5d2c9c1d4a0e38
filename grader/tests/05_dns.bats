#!/usr/bin/env bats
# Lab 05 — resolve et dnsquery : la résolution DNS du §4 et le résolveur du §5.
# Names come from this lab's /etc/hosts (entries drawn from the seed, added
# by setup_file) or from the grader's fake DNS server (grader/fakes/fakedns.c,
# records drawn from the seed too), never from a real DNS server. What a
# test checks cannot be known without asking: every answer checked is
# matched with the fake server's log of the query it answers.
# @program resolve: resolve.c
# @program dnsquery: dnsquery.c dns_parse.c
# @program dns_parse_test: dns_parse.c @grader/fuzz/dns_parse_test.c

load ../lib/helpers

HOSTILE=(loop self fwd past longlabel longname count cut rdlen)

# This lab's hosts entries, from the seed: IPv4 in 127.0.0.0/8, IPv6 in
# the documentation prefix (printed, never contacted); LONG6 is an IPv6
# text of 39 characters, the longest.
# (No command substitution: a subshell reseeds RANDOM.)
RANDOM=$SEED
DOUBLE4=127.$((RANDOM % 254 + 1)).$((RANDOM % 256)).$((RANDOM % 254 + 1))
SIMPLE4=127.$((RANDOM % 254 + 1)).$((RANDOM % 256)).$((RANDOM % 254 + 1))
printf -v DOUBLE6 '2001:db8::%x:%x' $((RANDOM % 0xf000 + 0x1000)) $((RANDOM % 0xf000 + 0x1000))
printf -v LONG6 '2001:db8:%x:%x:%x:%x:%x:%x' $((RANDOM % 0xf000 + 0x1000)) $((RANDOM % 0xf000 + 0x1000)) \
    $((RANDOM % 0xf000 + 0x1000)) $((RANDOM % 0xf000 + 0x1000)) $((RANDOM % 0xf000 + 0x1000)) $((RANDOM % 0xf000 + 0x1000))

# Once per phase; the lab's hosts file is shared by both phases: added once.
setup_file() {
    grep -q "^# lab 05, graine $SEED\$" "$SANDBOX_ETC/hosts" ||
        printf '# lab 05, graine %s\n%s double.lab\n%s double.lab\n%s simple.lab\n%s long6.lab\n' \
            "$SEED" "$DOUBLE4" "$DOUBLE6" "$SIMPLE4" "$LONG6" >>"$SANDBOX_ETC/hosts"
}

# start_dns [OPTIONS] — the fake DNS server (-p 0 unless told), its records
# from the seed: DNS_PORT, DNS_LOG (each server of a test its own log).
start_dns() {
    local saved=("${VG[@]}")
    VG=()
    DNS_N=$((${DNS_N:-0} + 1))
    # The seed in the environment: a command line is readable by all in /proc.
    FAKE_SEED=$SEED SERVER_PROTO=udp start_server "dns$DNS_N" "$FAKE_DIR/fakedns" "$@"
    VG=("${saved[@]}")
    DNS_PORT=$SERVER_PORT DNS_LOG=$SERVER_LOG
    mark_dns
}

# want TYPE NAME — dnsquery's expected output for that query (the fake
# server announces it on its log, which the program never sees).
want() { sed -n "s/^attendu $1 $2 : //p" "$DNS_LOG"; }
# zone NAME TYPE — the data of a record of the fake server.
zone() { sed -n "s/^zone $1 $2 //p" "$DNS_LOG"; }

# mark_dns — from here, expect_asked looks at the new queries only.
mark_dns() { DNS_SEEN=$(grep -c '' "$DNS_LOG"); }

# expect_asked NAME [TYPE] — since mark_dns, the fake server got a query
# for NAME (of TYPE, any when empty): the answer shown came from it.
expect_asked() {
    local got
    got=$(tail -n "+$((DNS_SEEN + 1))" "$DNS_LOG" | grep '^requête' || true)
    grep -qF " nom=$1 type=${2:-}" <<<"$got" && return 0
    fail_fr "ce que le faux serveur DNS a reçu pendant « $LAST_CMD »" \
        "une requête pour $1${2:+ (type $2)} : ce que le programme affiche doit venir du serveur" \
        "$(show - <<<"${got:-(aucune requête)}")"
}

# dq ARGS… — dnsquery against the fake server.
dq() {
    mark_dns
    run_prog -l 10 dnsquery -s 127.0.0.1 -p "$DNS_PORT" "$@"
}

# @points 15
# @req R9
# @hint dns_parse.c seul, contre les cas du correcteur (grader/fuzz/dns_parse_test.c) : chaque statut de dns_parse.h à sa place — make fuzz, RFC 1035 §4.1.4
@test "dns_parse.c seul : les tests unitaires du correcteur (réponses saines et hostiles, statut exact)" {
    # The student's parser linked with the grader's unit tests (TAP): first
    # in this file, so that a broken parser is told at once. Each failed
    # check says why (status expected and obtained, its 2 s limit hit, a
    # crash and where); one that loops or crashes is abandoned, the next
    # ones still run.
    run_prog -l 30 dns_parse_test
    local plan oks nbad last got= why finished=
    plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$T/out")
    oks=$(grep -c '^ok ' "$T/out" || true)
    nbad=$(grep -c '^not ok ' "$T/out" || true)
    last=$(grep '^ok ' "$T/out" | tail -n 1 | sed 's/^ok [0-9]* - //' || true)
    if ((nbad > 0)); then
        got="$nbad en échec :"$'\n'$(grep '^not ok ' "$T/out" | head -n 20 | sed 's/^not ok [0-9]* - /- /' |
            LC_ALL=C tr '\000-\010\013-\037\177' '?' || true)
        ((nbad <= 20)) || got+=$'\n'"… et $((nbad - 20)) autres"
    fi
    # The whole program did not finish: its overall limit (every check
    # looping), or a death the checks could not catch (exit() in the
    # parser, a corrupted memory).
    [ -n "$plan" ] && { [ "$status" = 0 ] || { [ "$status" = 1 ] && ((nbad > 0)); }; } && finished=1
    if [ -z "$finished" ]; then
        case $status in
        124 | 137) why="délai de $LAST_LIMIT s dépassé pour l'ensemble des tests : boucle sans fin probable (une boucle de pointeurs de compression ?)" ;;
        *) why="le programme de test s'est arrêté avant son bilan (code $(status_text "$status"))" ;;
        esac
        why+=" après $oks tests réussis${last:+, le dernier : « $last »}"
        [ -s "$T/err" ] && why+=" — sortie d'erreur : $(show "$T/err")"
        got+=${got:+$'\n'}$why
    fi
    [ -z "$got" ] && [ "$oks" = "$plan" ] && return 0
    fail_fr "les tests unitaires de dns_parse.c${plan:+ ($plan tests)}" \
        "tous réussis, avec le statut exact de dns_parse.h, sans boucle sans fin ni lecture hors du message" \
        "${got:-$oks tests réussis sur ${plan:-?}}"
}

# @points 5
# @req R8
# @hint §5 « Résolveur DNS Personnalisé » : pour chaque réponse, lire nom, TYPE, CLASS, TTL, RDLENGTH puis l'adresse (inet_ntop) — RFC 1035 §4.1.3, man 3 inet_ntop
@test "dnsquery affiche chaque adresse A, ou AAAA avec -T AAAA, avec son TTL, une par ligne" {
    start_dns
    dq -t 3 multi.test
    expect_status 0
    expect_stdout_eq "$(want A multi.test)"
    [ ! -s "$T/err" ] || fail_fr "la sortie d'erreur d'une réponse correcte" "(rien)" "$(show "$T/err")"
    expect_asked multi.test 1
    dq -t 3 -T AAAA v6.test
    expect_status 0
    expect_stdout_eq "$(want AAAA v6.test)"
    expect_asked v6.test 28
}

# @points 5
# @req R8
# @hint un CNAME (type 5) contient un nom, lui-même compressé : read_name dans les données — RFC 1035 §3.3.1
@test "dnsquery montre la chaîne de CNAME jusqu'à l'adresse" {
    start_dns
    dq -t 3 alias.test
    expect_status 0
    expect_stdout_eq "$(want A alias.test)"
    expect_asked alias.test 1
}

# @points 5
# @req R6 R8
# @hint le cours suppose un nom de 2 octets (pos += 12) : lire chaque nom étiquette par étiquette — RFC 1035 §4.1.4
@test "dnsquery lit des noms non compressés : question et réponses analysées, pas sautées" {
    start_dns
    dq -t 3 plain.test
    expect_status 0
    expect_stdout_eq "$(want A plain.test)"
    expect_asked plain.test 1
}

# @points 5
# @req R7 R8
# @hint lire le bit TC et le RCODE de l'en-tête avant les réponses — RFC 1035 §4.1.1
@test "dnsquery : NXDOMAIN, SERVFAIL, autre RCODE, aucun enregistrement du type et réponse tronquée (TC) donnent le code 1" {
    start_dns
    local name re what
    while IFS=';' read -r name re what; do
        dq -t 3 "$name"
        expect_status 1 "le code de sortie pour $name"
        expect_stderr_matches "^dnsquery: $name : .*($re)" "« dnsquery: $name : $what » (le nom du programme, puis le nom demandé)"
        [ "$(grep -c '' "$T/err")" = 1 ] && [ -z "$output" ] ||
            fail_fr "les sorties pour $name" "une seule ligne d'erreur, rien sur la sortie standard (la réponse est rejetée en entier)" \
                "$(show "$T/err") / $(show "$T/out")"
        expect_asked "$name" 1
    done <<'EOF2'
nx.test;NXDOMAIN|inexistant;domaine inexistant (NXDOMAIN)
fail.test;SERVFAIL|échec du serveur;échec du serveur (SERVFAIL)
refused.test;RCODE 5;erreur du serveur (RCODE 5)
tc.test;tronqu;réponse tronquée (TC), même avec une partie des réponses
EOF2
    dq -t 3 -T AAAA multi.test
    expect_status 1
    expect_stderr_matches "^dnsquery: multi.test : aucun enregistrement AAAA$" "« dnsquery: multi.test : aucun enregistrement AAAA »"
    [ -z "$output" ] || fail_fr "la sortie standard sans enregistrement AAAA" "(rien)" "$(show "$T/out")"
    expect_asked multi.test 28
    dq -t 3 v6.test
    expect_status 1
    expect_stderr_matches "^dnsquery: v6.test : aucun enregistrement A$" "« dnsquery: v6.test : aucun enregistrement A » (v6.test n'a que des AAAA)"
    expect_asked v6.test 1
}

# @points 5
# @req R6
# @hint comparer ID, QR et question à la requête ; connect() sur la socket UDP filtre l'expéditeur ; continuer d'attendre — man 2 connect, RFC 5452
@test "dnsquery ignore une réponse au mauvais ID, sans QR, d'une autre adresse ou à une autre question" {
    start_dns
    dq -t 3 decoy.test
    expect_status 0
    [ "$output" = "$(want A decoy.test)" ] ||
        fail_fr "les adresses affichées (cinq leurres arrivent avant la vraie réponse, dont un d'un autre ID, tronqué (TC) et coupé)" \
            "$(want A decoy.test), seulement" "$(show "$T/out")"
    expect_asked decoy.test 1
}

# @points 5
# @req R9
# @hint un curseur qui vérifie chaque lecture ; étiquettes ≤ 63, noms ≤ 255, pointeurs strictement vers l'arrière et en nombre borné — RFC 1035 §4.1.4 (compression des noms)
@test "dnsquery : une réponse hostile donne une erreur propre et le code 1, jamais un plantage" {
    start_dns
    local name
    for name in "${HOSTILE[@]}"; do
        dq -t 2 "$name.test"
        expect_status 1 "le code de sortie face à la réponse hostile $name.test"
        expect_stderr_matches "^dnsquery: $name\.test : réponse invalide : ." \
            "« dnsquery: $name.test : réponse invalide : RAISON » (R9)"
        [ "$(grep -c '' "$T/err")" = 1 ] ||
            fail_fr "la sortie d'erreur pour $name.test" "une seule ligne : la réponse rejetée, le programme s'arrête là" "$(show "$T/err")"
        expect_elapsed 0 1500 "la durée face à $name.test (rejetée aussitôt, sans attendre -t 2)"
        [ -z "$output" ] || fail_fr "la sortie standard pour $name.test (réponse rejetée en entier)" "(rien)" "$(show "$T/out")"
        expect_asked "$name.test" 1
    done
}

# @points 5
# @req R5
# @hint getrandom pour l'ID, octet de drapeaux 0x01, longueur + octets par étiquette puis 0 — man 2 getrandom, RFC 1035 §4.1.2
@test "dnsquery : la requête a un ID aléatoire, RD à 1, une question encodée en étiquettes" {
    start_dns
    local i
    for i in 1 2 3; do
        dq -t 3 multi.test
        expect_status 0
    done
    local lines
    lines=$(grep '^requête' "$DNS_LOG" || true)
    [ "$(grep -c 'flags=01.. qd=1 an=0 ns=0 ar=0 nom=multi.test type=1 classe=1 longueur=28$' <<<"$lines")" = 3 ] ||
        fail_fr "les requêtes reçues par le faux serveur" \
            "RD à 1, une question multi.test type A classe IN, 28 octets en tout" "$(show - <<<"${lines:-(aucune requête)}")"
    [ "$(sed 's/^requête id=\([0-9a-f]*\).*/\1/' <<<"$lines" | sort -u | wc -l)" -gt 1 ] ||
        fail_fr "les ID de trois requêtes (getrandom, pas une constante ni time())" "des ID différents" "$(show - <<<"$lines")"
    dq -t 3 -T AAAA v6.test
    grep -q 'nom=v6.test type=28 classe=1 longueur=25$' "$DNS_LOG" ||
        fail_fr "la requête -T AAAA" "type 28 (AAAA)" "$(show "$DNS_LOG")"
}

# @points 5
# @req R5 R11
# @hint vérifier le nom en l'encodant, avant d'ouvrir la socket — RFC 1035 §2.3.4
@test "dnsquery : nom invalide (étiquette > 63, nom > 253, étiquette vide) : code 2, rien n'est envoyé" {
    start_dns
    local l63 l64 long name
    l63=$(printf 'a%.0s' {1..63}) l64=$(printf 'b%.0s' {1..64})
    long=$l63.$l63.$l63.$(printf 'c%.0s' {1..62}) # 254 characters
    mark_dns
    for name in "$l64.test" "$long" "a..test" ".test" ""; do
        dq -t 2 "$name"
        expect_status 2 "le code de sortie pour un nom invalide (${#name} caractères : ${name:0:20}…)"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour un nom invalide" "un message" "(rien)"
    done
    ! grep -q '^requête' "$DNS_LOG" ||
        fail_fr "ce que le serveur a reçu pour des noms invalides" "rien" "$(show "$DNS_LOG")"
    # The limits themselves are valid: sent, and answered NXDOMAIN.
    dq -t 2 "$l63.test"
    expect_status 1 "le code de sortie pour une étiquette de 63 octets (valide, NXDOMAIN)"
    expect_asked "$l63.test" 1
    dq -t 2 "${long%c}"
    expect_status 1 "le code de sortie pour un nom de 253 caractères (valide, NXDOMAIN)"
    expect_asked "${long%c}" 1
}

# @points 5
# @req R12
# @hint lire la première ligne « nameserver » ; getaddrinfo(AI_NUMERICHOST) pour -s — man 5 resolv.conf
@test "dnsquery interroge par défaut le serveur de /etc/resolv.conf, ou -s en IPv4 comme en IPv6" {
    require_lab_etc
    start_dns -p 53
    run_prog -l 10 dnsquery -t 3 multi.test
    expect_status 0
    expect_stdout_eq "$(want A multi.test)"
    expect_asked multi.test 1
    if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
        start_dns -b ::1
        run_prog -l 10 dnsquery -s ::1 -p "$DNS_PORT" -t 3 multi.test
        expect_status 0
        expect_stdout_eq "$(want A multi.test)"
        expect_asked multi.test 1
    fi
    # The first nameserver line counts, comments and others do not; with
    # none at all, 127.0.0.1. Each run sees its own resolv.conf (in $W: the
    # unprivileged sandbox user must reach it).
    local etc=$W/.etc.dns
    cp -R "$SANDBOX_ETC" "$etc" && chmod 755 "$etc"
    start_dns -b 127.0.0.2 -p 53
    printf '# nameserver 127.0.0.3\n; nameserver 127.0.0.4\noptions timeout:1\nnameserver 127.0.0.2\nnameserver 127.0.0.1\n' >"$etc/resolv.conf"
    SANDBOX_ETC=$etc run_prog -l 10 dnsquery -t 3 multi.test
    expect_status 0 "le code de sortie avec « nameserver 127.0.0.2 » en premier (après des commentaires)"
    expect_stdout_eq "$(want A multi.test)"
    grep -q '^requête' "$DNS_LOG" ||
        fail_fr "le serveur interrogé" "127.0.0.2, la première ligne nameserver de /etc/resolv.conf" \
            "aucune requête reçue sur 127.0.0.2:53"
    printf 'search lab\noptions timeout:1\n' >"$etc/resolv.conf"
    DNS_LOG=$T/dns1.out
    mark_dns
    SANDBOX_ETC=$etc run_prog -l 10 dnsquery -t 3 multi.test
    expect_status 0 "le code de sortie sans ligne nameserver (127.0.0.1 par défaut)"
    expect_stdout_eq "$(want A multi.test)"
    expect_asked multi.test 1
}

# @points 5
# @req R10
# @hint attendre avec recv_timeout jusqu'à une échéance fixe ; un datagramme trop court pour un en-tête n'est pas une réponse — man 2 poll
@test "dnsquery : serveur muet ou réponse vide, « délai dépassé » après -t et code 1" {
    start_dns
    dq -t 1 silent.test
    expect_status 1
    expect_stderr_matches "délai" "un message qui dit « délai dépassé »"
    expect_elapsed 900 4000 "la durée avec -t 1 face à un serveur muet"
    expect_asked silent.test 1
    dq -t 1 empty.test
    expect_status 1
    expect_stderr_matches "délai|invalide|coupé" "un message d'erreur"
    expect_asked empty.test 1
    # Without -t: 5 s, as the statement says.
    dq silent.test
    expect_status 1
    expect_stderr_matches "délai" "un message qui dit « délai dépassé »"
    expect_elapsed 4500 8000 "la durée sans -t (5 s par défaut) face à un serveur muet"
    expect_asked silent.test 1
}

# @points 5
# @req R2 R11
# @hint getopt, parse_port, parse_timeout_ms ; inet_pton pour -r — man 3 getopt, man 3 inet_pton
@test "usage des deux programmes : -h (code 0), arguments ou options invalides (code 2)" {
    local prog bad
    for prog in resolve dnsquery; do
        run_prog "$prog" -h
        expect_status 0
        expect_stdout_contains "usage"
    done
    for bad in "" "-x" "a b c" "simple.lab 70000" "simple.lab abc" "-r" "-r pas-une-adresse" "-r 999.1.1.1"; do
        # shellcheck disable=SC2086
        run_prog -l 5 resolve $bad
        expect_status 2 "le code de sortie pour « resolve $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « resolve $bad »" "un message" "(rien)"
    done
    for bad in "" "-x a.test" "-T MX a.test" "-T a a.test" "-p 0 a.test" "-p x a.test" "-t 0 a.test" "a.test b.test"; do
        # shellcheck disable=SC2086
        run_prog -l 5 dnsquery -s 127.0.0.1 $bad
        expect_status 2 "le code de sortie pour « dnsquery -s 127.0.0.1 $bad »"
        [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour « dnsquery $bad »" "un message" "(rien)"
    done
}

# @points 5
# @req R9 R13
# @hint aucune lecture hors du message (valgrind : « Invalid read ») ; socket fermée sur tous les chemins — valgrind --leak-check=full --track-fds=yes
@test "mémoire : dnsquery face aux réponses hostiles, sans erreur ni fuite" {
    start_dns
    use_valgrind
    local name
    # The same answers as without valgrind (valgrind's own code, 99, is
    # explained by expect_memcheck_clean).
    for name in multi alias decoy; do
        dq -t 3 "$name.test"
        [ "$status" = 0 ] || [ "$status" = 99 ] ||
            fail_fr "le code de sortie sous valgrind pour $name.test" "0" "$(status_text "$status") — $(show "$T/err")"
        expect_stdout_eq "$(want A "$name.test")"
        expect_asked "$name.test" 1
    done
    for name in "${HOSTILE[@]}"; do
        dq -t 3 "$name.test"
        [ "$status" = 1 ] || [ "$status" = 99 ] ||
            fail_fr "le code de sortie sous valgrind pour $name.test" "1" "$(status_text "$status") — $(show "$T/err")"
        expect_stderr_matches "^dnsquery: $name\.test : réponse invalide : ." \
            "« dnsquery: $name.test : réponse invalide : RAISON » (R9)"
        expect_asked "$name.test" 1
    done
    expect_memcheck_clean
}

# @points 5
# @req R1
# @hint §4 : for family, socktype, proto, canonname, sockaddr in getaddrinfo(...) — AF_UNSPEC, SOCK_STREAM, man 3 getaddrinfo
@test "resolve NOM [PORT] affiche chaque adresse, IPv4 et IPv6, avec sa famille" {
    require_lab_etc
    run_prog resolve double.lab
    expect_status 0
    [ "$(sort <<<"$output")" = "AF_INET $DOUBLE4"$'\n'"AF_INET6 $DOUBLE6" ] ||
        fail_fr "les adresses de double.lab (une IPv4 et une IPv6 dans /etc/hosts)" \
            "AF_INET $DOUBLE4"$'\n'"AF_INET6 $DOUBLE6 (dans un ordre quelconque)" "$(show "$T/out")"
    run_prog resolve double.lab 443
    expect_status 0
    [ "$(sort <<<"$output")" = "AF_INET $DOUBLE4:443"$'\n'"AF_INET6 [$DOUBLE6]:443" ] ||
        fail_fr "les adresses de socket de double.lab, port 443" \
            "AF_INET $DOUBLE4:443"$'\n'"AF_INET6 [$DOUBLE6]:443" "$(show "$T/out")"
    run_prog resolve 127.0.0.1 80
    expect_status 0
    expect_stdout_eq "AF_INET 127.0.0.1:80"
    # The longest IPv6 text (39 characters), with its port: 46.
    run_prog resolve long6.lab 65535
    expect_status 0
    expect_stdout_eq "AF_INET6 [$LONG6]:65535"
    # A name that only the lab's DNS server knows (nsswitch: files, then dns).
    start_dns -p 53
    run_prog -l 10 resolve double.test 53
    expect_status 0
    local a4 a6
    a4=$(zone double.test A) a6=$(zone double.test AAAA)
    [ "$(sort <<<"$output")" = "AF_INET $a4:53"$'\n'"AF_INET6 [$a6]:53" ] ||
        fail_fr "les adresses de double.test, que seul le serveur DNS du lab connaît (getaddrinfo l'interroge)" \
            "AF_INET $a4:53"$'\n'"AF_INET6 [$a6]:53" "$(show "$T/out")"
    expect_asked double.test
}

# @points 5
# @req R2
# @hint §4 gethostbyaddr → inet_pton puis getnameinfo avec NI_NAMEREQD — man 3 getnameinfo
@test "resolve -r fait la résolution inverse (IPv4 et IPv6) ; une adresse sans nom donne le code 1" {
    require_lab_etc
    run_prog resolve -r "$SIMPLE4"
    expect_status 0
    expect_stdout_eq "simple.lab"
    run_prog resolve -r "$DOUBLE6"
    expect_status 0
    expect_stdout_eq "double.lab"
    # Addresses that only the lab's DNS server names (a PTR query).
    start_dns -p 53
    local t rev name
    for t in in-addr ip6; do
        rev=$(sed -n "s/^zone \([^ ]*\.$t\.arpa\) PTR .*/\1/p" "$DNS_LOG")
        name=$(zone "$rev" PTR)
        mark_dns
        run_prog -l 10 resolve -r "$(zone double.test "$([ $t = ip6 ] && echo AAAA || echo A)")"
        expect_status 0
        expect_stdout_eq "$name"
        expect_asked "$rev" 12
    done
    mark_dns
    run_prog -l 10 resolve -r 192.0.2.99
    expect_status 1
    [ -z "$output" ] ||
        fail_fr "la sortie pour une adresse sans nom (NI_NAMEREQD : jamais l'adresse recopiée)" "(rien)" "$(show "$T/out")"
    [ -s "$T/err" ] || fail_fr "la sortie d'erreur pour une adresse sans nom" "un message" "(rien)"
    expect_asked 99.2.0.192.in-addr.arpa 12
}

# @points 5
# @req R3
# @hint §4 gethostname() et getfqdn() → gethostname puis getaddrinfo(AI_CANONNAME) — man 2 gethostname
@test "resolve -l affiche le nom de la machine et son nom complet" {
    require_lab_etc
    run_prog resolve -l
    expect_status 0
    grep -q '^Nom de la machine : sandbox$' "$T/out" && grep -q '^Nom complet (FQDN) : sandbox' "$T/out" ||
        fail_fr "le nom de la machine du bac à sable (gethostname, puis getaddrinfo avec AI_CANONNAME)" \
            $'Nom de la machine : sandbox\nNom complet (FQDN) : sandbox' "$(show "$T/out")"
    # Without « sandbox » in hosts and with no DNS server (nothing on port
    # 53: the lookup fails at once), the full name is the host name.
    local etc=$W/.etc.fqdn
    cp -R "$SANDBOX_ETC" "$etc" && chmod 755 "$etc"
    grep -v 'sandbox' "$SANDBOX_ETC/hosts" >"$etc/hosts"
    SANDBOX_ETC=$etc run_prog -l 10 resolve -l
    expect_status 0
    [ "$output" = "Nom de la machine : sandbox"$'\n'"Nom complet (FQDN) : sandbox" ] ||
        fail_fr "les noms quand la machine n'est connue nulle part (la résolution échoue : le nom de la machine est son nom complet)" \
            "Nom de la machine : sandbox"$'\n'"Nom complet (FQDN) : sandbox" "$(show "$T/out")"
    # Then the lab's DNS server knows it as an alias (CNAME) of a name with
    # an IPv6 address only: the full name is the canonical name it gives,
    # found by a lookup of any family (AF_UNSPEC).
    start_dns -p 53
    SANDBOX_ETC=$etc run_prog -l 10 resolve -l
    expect_status 0
    local canon
    canon=$(zone sandbox CNAME)
    [ "$output" = "Nom de la machine : sandbox"$'\n'"Nom complet (FQDN) : $canon" ] ||
        fail_fr "les noms quand seul le serveur DNS connaît la machine (un alias de $canon)" \
            "Nom de la machine : sandbox"$'\n'"Nom complet (FQDN) : $canon" "$(show "$T/out")"
    expect_asked sandbox
}

# @points 5
# @req R4
# @hint afficher net_gai_strerror(code) (gai_strerror parle anglais) — man 3 getaddrinfo
@test "resolve : nom inconnu, message du résolveur en français et code 1, rapidement" {
    require_lab_etc
    start_dns -p 53
    run_prog -l 10 resolve nom-inconnu.test
    expect_status 1
    expect_stderr_matches "inconnu|échec" "le message de net_gai_strerror (« nom ou service inconnu »)"
    ! grep -Eq 'Name or service|not known|Temporary failure' "$T/err" ||
        fail_fr "la langue du message" "en français (net_gai_strerror, pas gai_strerror)" "$(show "$T/err")"
    expect_elapsed 0 5000 "la durée pour un nom inconnu"
    expect_asked nom-inconnu.test
}

# @points 5
# @req R13
# @hint freeaddrinfo sur chaque chemin — valgrind --leak-check=full --track-fds=yes
@test "mémoire : resolve sans erreur, ni fuite, ni descripteur ouvert" {
    require_lab_etc
    start_dns -p 53
    use_valgrind
    # The same answers as without valgrind (its own code, 99, is explained
    # by expect_memcheck_clean).
    run_prog resolve double.lab 443
    [ "$status" = 0 ] || [ "$status" = 99 ] || expect_status 0
    [ "$(sort <<<"$output")" = "AF_INET $DOUBLE4:443"$'\n'"AF_INET6 [$DOUBLE6]:443" ] ||
        fail_fr "les adresses de socket de double.lab sous valgrind" \
            "AF_INET $DOUBLE4:443"$'\n'"AF_INET6 [$DOUBLE6]:443" "$(show "$T/out")"
    run_prog resolve -r "$SIMPLE4"
    [ "$status" = 0 ] || [ "$status" = 99 ] || expect_status 0
    expect_stdout_eq "simple.lab"
    run_prog -l 10 resolve double.test
    [ "$status" = 0 ] || [ "$status" = 99 ] || expect_status 0
    [ "$(sort <<<"$output")" = "AF_INET $(zone double.test A)"$'\n'"AF_INET6 $(zone double.test AAAA)" ] ||
        fail_fr "les adresses de double.test sous valgrind (le serveur DNS du lab)" \
            "AF_INET $(zone double.test A)"$'\n'"AF_INET6 $(zone double.test AAAA)" "$(show "$T/out")"
    expect_asked double.test
    run_prog resolve -l
    [ "$status" = 0 ] || [ "$status" = 99 ] || expect_status 0
    expect_stdout_eq $'Nom de la machine : sandbox\nNom complet (FQDN) : sandbox'
    expect_memcheck_clean
}
