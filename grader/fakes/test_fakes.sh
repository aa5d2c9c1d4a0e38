#!/usr/bin/env bash
# test_fakes.sh — auto-vérification rapide de peer et probe (faux serveurs et clients).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
pids=()
fails=0
checks=0

# shellcheck disable=SC2317  # reached through the trap
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { checks=$((checks + 1)); printf 'ok   %s\n' "$1"; }
ko() {
    checks=$((checks + 1)); fails=$((fails + 1)); printf 'FAIL %s\n' "$1"
    [ $# -ge 2 ] && [ -s "$2" ] && sed 's/^/     | /' "$2" | head -20
}
# check DESCRIPTION COMMAND...: the command's status decides.
check() {
    local what=$1
    shift
    if "$@" >"$tmp/check.log" 2>&1; then ok "$what"; else ko "$what" "$tmp/check.log"; fi
}
# forget PID: reaped, so the EXIT trap must not signal it (its id may be reused).
forget() {
    local p keep=()
    for p in "${pids[@]}"; do
        [ "$p" != "$1" ] && keep+=("$p")
    done
    pids=("${keep[@]}")
}
ms() { echo $(($(date +%s%N) / 1000000)); }

# Closes every descriptor above 2, so valgrind only sees what the program opens.
closefds() {
    local f fd
    for f in "/proc/$BASHPID/fd"/*; do
        fd=${f##*/}
        [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
}

# start_peer NAME COMMAND...: background peer; waits for its ready line,
# then sets READY and PORT. Fails if it dies or stays silent for 10 s.
start_peer() {
    local name=$1 pid
    shift
    ( closefds; exec "$@" ) >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pid=$!
    pids+=("$pid")
    eval "pid_$name=$pid"
    READY='' PORT=''
    for _ in $(seq 1 200); do
        if [ "$(wc -l <"$tmp/$name.out")" -ge 1 ]; then
            READY=$(head -n 1 "$tmp/$name.out")
            PORT=${READY##*:}
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# stop_peer NAME: SIGTERM, expect a prompt exit with status 0.
stop_peer() {
    local name=$1 pid t0 rc
    eval "pid=\$pid_$name"
    t0=$(ms)
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    forget "$pid"
    if [ "$rc" -eq 0 ] && [ $(($(ms) - t0)) -lt 1000 ]; then
        ok "peer $name : SIGTERM -> sortie 0 en $(($(ms) - t0)) ms"
    else
        ko "peer $name : SIGTERM -> status $rc en $(($(ms) - t0)) ms" "$tmp/$name.err"
    fi
}

echo "== compilation (gcc et clang)"
flags=(-std=c11 -Wall -Wextra -Werror -pedantic -g -I "$root/common")
for cc in gcc clang; do
    command -v $cc >/dev/null || { echo "     ($cc absent)"; continue; }
    for prog in peer probe udppeer fakedns load; do
        check "$cc $prog.c" "$cc" "${flags[@]}" -o "$tmp/$prog.$cc" "$here/$prog.c" "$root"/common/*.c
    done
done
peer=$tmp/peer.gcc
probe=$tmp/probe.gcc
load=$tmp/load.gcc
if [ ! -x "$peer" ] || [ ! -x "$probe" ] || [ ! -x "$load" ]; then echo "compilation impossible"; exit 1; fi

echo "== usage"
for args in "" "nope" "sink" "echo -p 70000" "echo -c 0" "echo extra" "reply extra"; do
    # shellcheck disable=SC2086
    "$peer" $args >/dev/null 2>&1
    if [ $? -eq 2 ]; then ok "peer $args -> 2"; else ko "peer $args -> 2"; fi
done
for args in "" "nope 127.0.0.1 1" "echo 127.0.0.1" "echo -m x 127.0.0.1 1" \
    "echo -t 0 127.0.0.1 1" "hold 127.0.0.1 0" "echo -f x -n 3 127.0.0.1 1"; do
    # shellcheck disable=SC2086
    "$probe" $args >/dev/null 2>&1
    if [ $? -eq 2 ]; then ok "probe $args -> 2"; else ko "probe $args -> 2"; fi
done

echo "== gen"
"$peer" gen -n 1048576 -s 1 >"$tmp/gen1M"
"$peer" gen -n 8388608 -s 3 >"$tmp/gen8M"
check "gen -n 1048576 : 1048576 octets" test "$(wc -c <"$tmp/gen1M")" -eq 1048576
check "gen : les 256 valeurs d'octet (NUL compris)" \
    test "$(od -An -v -tu1 "$tmp/gen1M" | tr -s ' ' '\n' | sed '/^$/d' | sort -un | wc -l)" -eq 256
check "gen : préfixe indépendant de la longueur" \
    cmp <("$peer" gen -n 1000 -s 9) <("$peer" gen -n 70000 -s 9 | head -c 1000)
check "genhex : les octets de gen en hexadécimal minuscule, sans retour à la ligne" \
    cmp <("$peer" genhex -n 70000 -s 5) <("$peer" gen -n 70000 -s 5 | od -An -v -tx1 | tr -d ' \n')
check "gen : graines différentes, flux différents" \
    bash -c "! cmp -s <('$peer' gen -n 100 -s 1) <('$peer' gen -n 100 -s 2)"
# The grader hides a fake's arguments in FAKE_ARGS (0x1f between them):
# same behaviour, and an empty last argument is kept (probe -m '').
check "FAKE_ARGS : mêmes arguments qu'en ligne de commande, hors de /proc/PID/cmdline" \
    cmp <("$peer" gen -n 5000 -s 7) <(FAKE_ARGS=$'gen\x1f-n\x1f5000\x1f-s\x1f7' "$peer")
check "FAKE_ARGS : un dernier argument vide est gardé (-m '' : usage refusé, pas de plantage)" \
    bash -c "FAKE_ARGS=\$'gen\\x1f-n\\x1f' '$peer' >/dev/null 2>&1; test \$? = 2"

echo "== echo"
start_peer echo "$peer" echo || ko "peer echo prêt" "$tmp/echo.err"
check "ligne prête : '$READY'" grep -qx 'Serveur en écoute sur 127\.0\.0\.1:[0-9]*' "$tmp/echo.out"
"$probe" echo 127.0.0.1 "$PORT" >"$tmp/r" 2>"$tmp/e"
check "probe echo 1 MiB : statut 0" test $? -eq 0
check "probe echo 1 MiB : identique à gen" cmp "$tmp/r" "$tmp/gen1M"
check "probe : 'local 127.0.0.1:N' sur stderr" grep -qx 'local 127\.0\.0\.1:[0-9]*' "$tmp/e"
check "probe echo 8 MiB (pas d'interblocage)" \
    bash -c "'$probe' echo -n 8388608 -s 3 127.0.0.1 $PORT 2>/dev/null | cmp - '$tmp/gen8M'"
"$peer" gen -n 300001 -s 5 >"$tmp/payload"
check "probe echo -f (binaire)" \
    bash -c "'$probe' echo -f '$tmp/payload' 127.0.0.1 $PORT 2>/dev/null | cmp - '$tmp/payload'"
check "probe echo -n 0" bash -c "test -z \"\$('$probe' echo -n 0 127.0.0.1 $PORT 2>/dev/null)\""
t0=$(ms)
check "probe echo -R 4096 -D 1 : 1 MiB identique" \
    bash -c "'$probe' echo -R 4096 -D 1 127.0.0.1 $PORT 2>/dev/null | cmp - '$tmp/gen1M'"
echo "     (lecteur lent : $(($(ms) - t0)) ms)"
check "socat contre peer echo" \
    bash -c "printf 'abc\0def' | socat -t 5 - TCP:127.0.0.1:$PORT | cmp - <(printf 'abc\0def')"
check "probe session -w 0.3 : écho et attente" bash -c "
    t0=\$(date +%s%N)
    out=\$('$probe' session -m 'salut
' -w 0.3 127.0.0.1 $PORT 2>/dev/null) || exit 1
    [ \"\$out\" = salut ] && [ \$(( (\$(date +%s%N) - t0) / 1000000 )) -ge 300 ]"
stop_peer echo

echo "== respond"
start_peer respond "$peer" respond -s 7 -n 100000 -c 1000 -d 1 || ko "peer respond prêt" "$tmp/respond.err"
check "probe hold -m 'GET' reçoit exactement gen(7)[0..100000)" \
    bash -c "'$probe' hold -m 'GET
' 127.0.0.1 $PORT 2>/dev/null | cmp - <('$peer' gen -s 7 -n 100000)"
check "socat : idem (deuxième connexion)" \
    bash -c "printf 'x\n' | socat -t 5 - TCP:127.0.0.1:$PORT | cmp - <('$peer' gen -s 7 -n 100000)"
check "réponse après EOF sans '\\n'" \
    bash -c "printf 'x' | socat -t 5 - TCP:127.0.0.1:$PORT | cmp - <('$peer' gen -s 7 -n 100000)"
stop_peer respond
start_peer respond2 "$peer" respond -n 5000 -c 1000 -d 50 || ko "peer respond prêt" "$tmp/respond2.err"
check "respond -c 1000 -d 50 : 5 morceaux espacés (>= 200 ms)" bash -c "
    t0=\$(date +%s%N)
    '$probe' hold -m 'a
' 127.0.0.1 $PORT 2>/dev/null | cmp - <('$peer' gen -n 5000) || exit 1
    [ \$(( (\$(date +%s%N) - t0) / 1000000 )) -ge 200 ]"
stop_peer respond2
start_peer respondo "$peer" respond -n 10 -o "$tmp/respond.req" || ko "peer respond -o prêt" "$tmp/respondo.err"
check "respond -o : la requête journalisée, la réponse inchangée" bash -c "
    printf 'GET x\n' | socat -t 5 - TCP:127.0.0.1:$PORT | cmp - <('$peer' gen -n 10) &&
    cmp '$tmp/respond.req' <(printf 'GET x\n')"
stop_peer respondo

echo "== reply"
start_peer reply "$peer" reply -m 'RÉPONSE' -o "$tmp/reply.req" || ko "peer reply prêt" "$tmp/reply.err"
check "reply -m : répond à la première donnée, sans attendre la fin ni un '\n'" bash -c "
    test \"\$('$probe' hold -t 2 -m 'sans fin de ligne' 127.0.0.1 $PORT 2>/dev/null)\" = RÉPONSE"
check "reply -o : la requête journalisée" cmp "$tmp/reply.req" <(printf 'sans fin de ligne')
check "reply : requête vide (demi-fermeture aussitôt), réponse quand même" bash -c "
    test \"\$(socat -t 5 - TCP:127.0.0.1:$PORT </dev/null)\" = RÉPONSE && test ! -s '$tmp/reply.req'"
check "reply -o : fichier recréé à chaque connexion (vide ici)" test -e "$tmp/reply.req"
stop_peer reply
start_peer replyg "$peer" reply -s 4 -n 30000 -c 1000 -d 0 || ko "peer reply (gen) prêt" "$tmp/replyg.err"
check "reply sans -m : gen(GRAINE)[0..N)" bash -c "
    printf 'x' | socat -t 5 - TCP:127.0.0.1:$PORT | cmp - <('$peer' gen -s 4 -n 30000)"
stop_peer replyg

echo "== sink"
start_peer sink "$peer" sink -o "$tmp/sink.bin" || ko "peer sink prêt" "$tmp/sink.err"
check "socat : réponse = nombre d'octets" \
    bash -c "[ \"\$(socat -t 5 - TCP:127.0.0.1:$PORT <'$tmp/payload')\" = 300001 ]"
check "sink : fichier identique à l'envoi" cmp "$tmp/sink.bin" "$tmp/payload"
check "probe echo 1 MiB : réponse '1048576'" \
    bash -c "[ \"\$('$probe' echo 127.0.0.1 $PORT 2>/dev/null)\" = 1048576 ]"
check "sink : fichier tronqué et identique" cmp "$tmp/sink.bin" "$tmp/gen1M"
"$probe" reset -n 100000 127.0.0.1 "$PORT" 2>/dev/null
check "probe reset : statut 0" test $? -eq 0
check "sink survit au RST et sert encore" \
    bash -c "[ \"\$(printf 12345 | socat -t 5 - TCP:127.0.0.1:$PORT)\" = 5 ]"
stop_peer sink
start_peer sinkR "$peer" sink -R 4096 -o "$tmp/sinkR.bin" || ko "peer sink -R prêt" "$tmp/sinkR.err"
check "sink -R 4096 : 1 Mio reçu intact à travers une petite fenêtre" \
    bash -c "'$probe' echo 127.0.0.1 $PORT >/dev/null 2>&1; cmp '$tmp/sinkR.bin' '$tmp/gen1M'"
stop_peer sinkR

echo "== probe reset (socat en serveur)"
for _ in 1 2 3 4 5; do
    p=$((20000 + RANDOM % 40000))
    socat -d -u -T 5 TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr OPEN:/dev/null 2>"$tmp/socat.err" &
    spid=$!
    pids+=("$spid")
    sleep 0.3
    kill -0 "$spid" 2>/dev/null && break # still alive: the port was free
    wait "$spid"
    forget "$spid"
done
"$probe" reset 127.0.0.1 "$p" 2>/dev/null
wait "$spid"
forget "$spid"
check "socat voit 'Connection reset by peer'" grep -q 'reset by peer' "$tmp/socat.err"

echo "== silent / partial"
start_peer silent "$peer" silent || ko "peer silent prêt" "$tmp/silent.err"
"$probe" hold -t 0.5 -m 'allo
' 127.0.0.1 "$PORT" >"$tmp/r" 2>"$tmp/e"
check "probe hold -t 0.5 contre silent : statut 3" test $? -eq 3
check "silent : rien reçu" test ! -s "$tmp/r"
"$probe" hold -t 0.3 127.0.0.1 "$PORT" >/dev/null 2>&1
check "silent : connexion suivante acceptée (toujours 3)" test $? -eq 3
exec 3<>/dev/tcp/127.0.0.1/"$PORT"
sleep 0.3
echo "     (un client /dev/tcp reste connecté pendant l'arrêt)"
stop_peer silent
exec 3>&-
start_peer partial "$peer" partial -m 'BONJOUR' || ko "peer partial prêt" "$tmp/partial.err"
"$probe" hold -t 0.5 127.0.0.1 "$PORT" >"$tmp/r" 2>/dev/null
check "partial : statut 3" test $? -eq 3
check "partial : reçu 'BONJOUR'" test "$(cat "$tmp/r")" = BONJOUR
stop_peer partial
start_peer silento "$peer" silent -o "$tmp/silent.req" || ko "peer silent -o prêt" "$tmp/silento.err"
"$probe" hold -t 0.5 -m 'allo ?' 127.0.0.1 "$PORT" >/dev/null 2>&1
check "silent -o : la requête journalisée, rien répondu (statut 3)" \
    bash -c "[ $? -eq 3 ] && cmp '$tmp/silent.req' <(printf 'allo ?')"
stop_peer silento

echo "== deaf"
start_peer deaf "$peer" deaf -R 4096 || ko "peer deaf prêt" "$tmp/deaf.err"
"$probe" echo -t 0.5 -n 16777216 127.0.0.1 "$PORT" >"$tmp/r" 2>"$tmp/e"
check "probe echo -t 0.5 contre deaf : statut 1 (l'envoi attend de la place)" test $? -eq 1
check "deaf : rien renvoyé" test ! -s "$tmp/r"
check "deaf : délai dépassé à l'envoi" grep -q 'délai' "$tmp/e"
stop_peer deaf
start_peer deafo "$peer" deaf -R 4096 -o "$tmp/deaf.req" || ko "peer deaf -o prêt" "$tmp/deafo.err"
{ printf 'ligne 1\n'; head -c 16777216 /dev/zero; } >"$tmp/deaf.in"
"$probe" echo -t 0.5 -f "$tmp/deaf.in" 127.0.0.1 "$PORT" >"$tmp/r" 2>"$tmp/e"
check "deaf -o : délai dépassé à l'envoi quand même (statut 1)" test $? -eq 1
check "deaf -o : seule la première ligne journalisée" cmp "$tmp/deaf.req" <(printf 'ligne 1\n')
stop_peer deafo

echo "== reset"
start_peer reset "$peer" reset -m 'adieu' || ko "peer reset prêt" "$tmp/reset.err"
"$probe" hold 127.0.0.1 "$PORT" >"$tmp/r" 2>"$tmp/e"
check "probe hold contre reset : statut 0" test $? -eq 0
check "reset : 'connexion réinitialisée'" grep -q 'probe: connexion réinitialisée' "$tmp/e"
check "reset : reçu 'adieu'" test "$(cat "$tmp/r")" = adieu
"$probe" echo 127.0.0.1 "$PORT" >/dev/null 2>"$tmp/e"
check "probe echo contre reset : statut 1 (ECONNRESET)" test $? -eq 1
check "probe echo : message réinitialisée" grep -q 'réinitialisée' "$tmp/e"
stop_peer reset

echo "== blackhole"
start_peer blackhole "$peer" blackhole || ko "peer blackhole prêt" "$tmp/blackhole.err"
t0=$(ms)
"$probe" echo -t 0.5 127.0.0.1 "$PORT" >/dev/null 2>"$tmp/e"
rc=$?
dt=$(($(ms) - t0))
check "probe echo -t 0.5 : statut 1" test $rc -eq 1
check "blackhole : 'délai dépassé' en $dt ms (< 1000)" \
    bash -c "grep -q 'délai dépassé' '$tmp/e' && [ $dt -lt 1000 ] && [ $dt -ge 450 ]"
stop_peer blackhole

echo "== closed"
start_peer closed "$peer" closed || ko "peer closed prêt" "$tmp/closed.err"
check "ligne prête : '$READY'" grep -qx 'Port fermé sur 127\.0\.0\.1:[0-9]*' "$tmp/closed.out"
t0=$(ms)
"$probe" echo 127.0.0.1 "$PORT" >/dev/null 2>"$tmp/e"
rc=$?
dt=$(($(ms) - t0))
check "probe echo : statut 1 'refusée' en $dt ms" \
    bash -c "[ $rc -eq 1 ] && grep -q 'refusée' '$tmp/e' && [ $dt -lt 200 ]"
check "bash /dev/tcp : refusé" bash -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT' 2>&1 | grep -q refused"
stop_peer closed

echo "== load (clients concurrents et hostiles)"
for args in "" "127.0.0.1" "-x 127.0.0.1 1" "-c abc 127.0.0.1 1" "-n 0 127.0.0.1 1" \
    "-t 0 127.0.0.1 1" "127.0.0.1 70000" "-B 0 127.0.0.1 1"; do
    # shellcheck disable=SC2086
    "$load" $args >/dev/null 2>&1
    if [ $? -eq 2 ]; then ok "load $args -> 2"; else ko "load $args -> 2"; fi
done
start_peer lecho "$peer" echo || ko "peer echo (pour load) prêt" "$tmp/lecho.err"
# peer serves one connection after the other: one client at a time here.
"$load" -c 1 -r 200 -n 70000 -s 4 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load -c 1 -r 200 contre un écho : statut 0" test $? -eq 0
check "load : rapport « allers_retours=200/200 erreurs=0 p50_ms=… p99_ms=… »" \
    grep -Eq '^clients=1 lents=0 allers_retours=200/200 erreurs=0 p50_ms=[0-9.]+ p99_ms=[0-9.]+ max_ms=[0-9.]+$' "$tmp/l.out"
"$load" -U -c 1 -r 5 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load -U contre un simple écho : réponses fausses détectées, statut 1" \
    bash -c "[ $? -eq 1 ] && grep -q 'réponse fausse' '$tmp/l.err'"
# -B: a client with its answer waits for the others; one at a time, the
# others never get theirs while it waits.
"$load" -B 0.3 -c 3 -r 2 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load -B -c 3 contre un écho qui sert un client à la fois : ensemble=1/3, statut 1" \
    bash -c "[ $? -eq 1 ] && grep -qx 'ensemble=1/3' '$tmp/l.out' && grep -q 'allers_retours=6/6 erreurs=0' '$tmp/l.out' && grep -q '1 client(s) sur 3 servi(s) en même temps' '$tmp/l.err'"
"$load" -B 0.3 -c 1 -r 3 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load -B -c 1 : ensemble=1/1, statut 0" bash -c "[ $? -eq 0 ] && grep -qx 'ensemble=1/1' '$tmp/l.out'"
"$load" -c 0 -w 1 -r 3 -d 1 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load -w : un client lent (un octet à la fois) reçoit tout son écho" test $? -eq 0
"$load" -c 0 -k 8 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load -k 8 : huit connexions réinitialisées, statut 0" grep -qx 'reinitialisations=8' "$tmp/l.out"
"$load" -c 1 -r 3 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "peer echo survit aux réinitialisations de load" test $? -eq 0
stop_peer lecho
start_peer lsilent "$peer" silent || ko "peer silent (pour load) prêt" "$tmp/lsilent.err"
"$load" -c 1 -r 1 -t 0.3 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load contre un serveur muet : délai dépassé, statut 1" \
    bash -c "[ $? -eq 1 ] && grep -q 'délai dépassé' '$tmp/l.err'"
stop_peer lsilent
start_peer lsink "$peer" sink -o /dev/null || ko "peer sink (pour load) prêt" "$tmp/lsink.err"
"$load" -c 0 -f 1 -F 3000000 -H 0.5 127.0.0.1 "$PORT" >"$tmp/l.out" 2>"$tmp/l.err"
check "load -f 1 -F 3000000 : l'inondeur envoie ses 3 Mo sans lire" \
    grep -Eq '^inondeurs=1 octets_envoyes=3[0-9]{6}$' "$tmp/l.out"
stop_peer lsink

echo "== IPv6 (si ::1 est disponible)"
if start_peer v6 "$peer" echo -b ::1; then
    check "ligne prête : '$READY'" grep -qx 'Serveur en écoute sur \[::1\]:[0-9]*' "$tmp/v6.out"
    check "probe echo ::1" bash -c "'$probe' echo -n 10000 ::1 $PORT 2>/dev/null | cmp - <('$peer' gen -n 10000)"
    stop_peer v6
else
    echo "     (pas de ::1, ignoré)"
fi

echo "== valgrind"
vgcheck() { # vgcheck NAME LOG STATUS
    if [ "$3" -ne 99 ] && grep -q 'FILE DESCRIPTORS: 3 open (3 std)' "$2" &&
        ! grep -q 'Open file descriptor [3-9]\|Open .* descriptor [1-9][0-9]' "$2"; then
        ok "valgrind $1 : propre, 3 fd ouverts (std)"
    else
        ko "valgrind $1 : status $3" "$2"
    fi
}
vg=(valgrind --leak-check=full --track-fds=yes --error-exitcode=99)
pid_vgecho=""
start_peer vgecho "${vg[@]}" "$peer" echo || ko "peer echo (valgrind) prêt" "$tmp/vgecho.err"
( closefds; exec "${vg[@]}" "$probe" echo 127.0.0.1 "$PORT" ) >"$tmp/r" 2>"$tmp/vgprobe.log"
rc=$?
check "probe echo sous valgrind : 1 MiB identique" cmp "$tmp/r" "$tmp/gen1M"
vgcheck "probe echo" "$tmp/vgprobe.log" $rc
( closefds; exec "${vg[@]}" "$probe" echo -R 4096 -D 1 -n 200000 127.0.0.1 "$PORT" ) >"$tmp/r" 2>"$tmp/vgprobe2.log"
vgcheck "probe echo -R -D" "$tmp/vgprobe2.log" $?
( closefds; exec "${vg[@]}" "$probe" session -w 0.1 127.0.0.1 "$PORT" ) >/dev/null 2>"$tmp/vgprobe3.log"
vgcheck "probe session" "$tmp/vgprobe3.log" $?
( closefds; exec "${vg[@]}" "$probe" reset 127.0.0.1 "$PORT" ) >/dev/null 2>"$tmp/vgprobe4.log"
vgcheck "probe reset" "$tmp/vgprobe4.log" $?
kill -TERM "$pid_vgecho"
wait "$pid_vgecho"
rc=$?
forget "$pid_vgecho"
vgcheck "peer echo" "$tmp/vgecho.err" $rc
for mode in respond blackhole closed "sink -o $tmp/vgsink" "reset -m x" "partial -m x" deaf \
    "reply -m x -o $tmp/vgreply" "respond -o $tmp/vgrespond" "silent -o $tmp/vgsilent" "deaf -o $tmp/vgdeaf"; do
    name=vg${mode%% *}
    # shellcheck disable=SC2086
    start_peer "$name" "${vg[@]}" "$peer" $mode || ko "peer $mode (valgrind) prêt" "$tmp/$name.err"
    ( closefds; exec "${vg[@]}" "$probe" hold -t 1 -m 'x
' 127.0.0.1 "$PORT" ) >/dev/null 2>"$tmp/$name.plog"
    prc=$?
    eval "pid=\$pid_$name"
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    forget "$pid"
    vgcheck "peer $mode" "$tmp/$name.err" $rc
    vgcheck "probe hold contre $mode (status $prc)" "$tmp/$name.plog" "$([ $prc -eq 99 ] && echo 99 || echo 0)"
done

echo "== udppeer (UDP)"
udppeer=$tmp/udppeer.gcc
fakedns=$tmp/fakedns.gcc
for args in "" "nope" "serve -p 70000" "serve extra" "send 127.0.0.1" "send -n 70000 127.0.0.1 1"; do
    # shellcheck disable=SC2086
    "$udppeer" $args >/dev/null 2>&1
    if [ $? -eq 2 ]; then ok "udppeer $args -> 2"; else ko "udppeer $args -> 2"; fi
done
start_peer uecho "$udppeer" serve || ko "udppeer serve prêt" "$tmp/uecho.err"
check "udppeer serve : ligne prête" grep -qx 'Serveur en écoute sur 127\.0\.0\.1:[0-9]*' "$tmp/uecho.out"
check "udppeer send -m : écho" bash -c "test \"\$('$udppeer' send -t 2 -m salut 127.0.0.1 $PORT 2>/dev/null)\" = salut"
check "udppeer send -n 65507 : écho identique à gen" bash -c \
    "'$udppeer' send -t 2 -n 65507 -s 9 127.0.0.1 $PORT 2>/dev/null | cmp - <('$peer' gen -n 65507 -s 9)"
check "udppeer send -m '' : datagramme vide renvoyé" bash -c "'$udppeer' send -t 2 -m '' 127.0.0.1 $PORT 2>&1 | grep -q 'réponse : 0 octets'"
check "udppeer serve : journal « datagramme 3 : 0 octets »" grep -q '^datagramme 3 : 0 octets de 127\.0\.0\.1:' "$tmp/uecho.out"
stop_peer uecho
start_peer udrop "$udppeer" serve -D 1 || ko "udppeer serve -D 1 prêt" "$tmp/udrop.err"
"$udppeer" send -t 0.3 -m a 127.0.0.1 "$PORT" >/dev/null 2>&1
check "udppeer -D 1 : le premier datagramme reste sans réponse (code 3)" test $? -eq 3
check "udppeer -D 1 : le second a sa réponse" bash -c "test \"\$('$udppeer' send -t 2 -m b 127.0.0.1 $PORT 2>/dev/null)\" = b"
stop_peer udrop
start_peer uintr "$udppeer" serve -x -d 200 || ko "udppeer serve -x prêt" "$tmp/uintr.err"
t0=$(ms)
check "udppeer -x -d 200 : client connecté, l'intrus est filtré, la vraie réponse arrive" \
    bash -c "test \"\$('$udppeer' send -t 2 -m vrai 127.0.0.1 $PORT 2>/dev/null)\" = vrai"
check "udppeer -d 200 : réponse après 200 ms au moins" test $(($(ms) - t0)) -ge 200
check "udppeer -x : l'intrus répond bien (client non connecté)" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b'x', ('127.0.0.1', $PORT))
d, a = s.recvfrom(100); assert d == b'INTRUS' and a[1] != $PORT, (d, a)
d, a = s.recvfrom(100); assert d == b'x' and a[1] == $PORT, (d, a)"
stop_peer uintr
if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
    start_peer u6 "$udppeer" serve -b ::1 -m fixe || ko "udppeer serve -b ::1 prêt" "$tmp/u6.err"
    check "udppeer -b ::1 -m fixe : réponse fixe en IPv6" bash -c "test \"\$('$udppeer' send -t 2 -m q ::1 $PORT 2>/dev/null)\" = fixe"
    stop_peer u6
fi

echo "== fakedns (DNS)"
"$fakedns" extra >/dev/null 2>&1
check "fakedns extra -> 2" test $? -eq 2
start_peer dns "$fakedns" || ko "fakedns prêt" "$tmp/dns.err"
# dnsq NAME [QTYPE]: every datagram of the reply, as "LEN HEX" lines.
dnsq() {
    python3 - "$PORT" "$@" <<'PY'
import socket, struct, sys
port, name = int(sys.argv[1]), sys.argv[2]
qtype = int(sys.argv[3]) if len(sys.argv) > 3 else 1
q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack(">HH", qtype, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5)
s.sendto(q, ("127.0.0.1", port))
try:
    while True:
        d, a = s.recvfrom(65536)
        print(len(d), d.hex(), "autre" if a[1] != port else "serveur")
except socket.timeout:
    pass
PY
}
check "fakedns multi.test : ID, QR, 3 réponses A" bash -c "$(declare -f dnsq); PORT=$PORT; dnsq multi.test | grep -q '^[0-9]* 42428180000100030000'"
check "fakedns nx.test : RCODE 3" bash -c "$(declare -f dnsq); PORT=$PORT; dnsq nx.test | grep -q '^[0-9]* 42428183'"
check "fakedns tc.test : bit TC et une réponse A (la partie qui a tenu)" bash -c "$(declare -f dnsq); PORT=$PORT; dnsq tc.test | grep -q '^[0-9]* 4242838000010001'"
check "fakedns refused.test : RCODE 5" bash -c "$(declare -f dnsq); PORT=$PORT; dnsq refused.test | grep -q '^[0-9]* 42428185'"
check "fakedns decoy.test : 6 datagrammes, dont un d'un autre port" bash -c "$(declare -f dnsq); PORT=$PORT; out=\$(dnsq decoy.test); test \$(wc -l <<<\"\$out\") = 6 && grep -q autre <<<\"\$out\""
check "fakedns empty.test : datagramme vide" bash -c "$(declare -f dnsq); PORT=$PORT; dnsq empty.test | grep -qx '0  serveur'"
check "fakedns silent.test : aucune réponse" bash -c "$(declare -f dnsq); PORT=$PORT; test -z \"\$(dnsq silent.test)\""
check "fakedns self.test : pointeur sur lui-même (0xc01b à l'octet 27)" bash -c "$(declare -f dnsq); PORT=$PORT; dnsq self.test | grep -q '^[0-9]* .\{54\}c01b'"
check "fakedns journal : une ligne par requête" grep -q '^requête id=4242 flags=0100 qd=1 an=0 ns=0 ar=0 nom=multi.test type=1 classe=1 longueur=28$' "$tmp/dns.out"
stop_peer dns
start_peer vgdns "${vg[@]}" "$fakedns" || ko "fakedns (valgrind) prêt" "$tmp/vgdns.err"
for n in multi.test alias.test decoy.test loop.test cut.test empty.test; do
    bash -c "$(declare -f dnsq); PORT=$PORT; dnsq $n" >/dev/null
done
kill -TERM "$pid_vgdns"; wait "$pid_vgdns"; rc=$?; forget "$pid_vgdns"
vgcheck "fakedns" "$tmp/vgdns.err" $rc
start_peer vgudp "${vg[@]}" "$udppeer" serve -x || ko "udppeer (valgrind) prêt" "$tmp/vgudp.err"
( closefds; exec "${vg[@]}" "$udppeer" send -t 5 -m vg 127.0.0.1 "$PORT" ) >/dev/null 2>"$tmp/vgusend.log"
vgcheck "udppeer send" "$tmp/vgusend.log" $?
kill -TERM "$pid_vgudp"; wait "$pid_vgudp"; rc=$?; forget "$pid_vgudp"
vgcheck "udppeer serve" "$tmp/vgudp.err" $rc

echo
if [ "$fails" -eq 0 ]; then
    echo "RÉSULTAT : $checks vérifications, toutes réussies"
    exit 0
fi
echo "RÉSULTAT : $fails échec(s) sur $checks vérifications"
exit 1
