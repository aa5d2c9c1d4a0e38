# lab01.bash — lab 01's own helpers: data the program cannot guess, and
# proof from the fake's side that the request really crossed the network.

# seeded_text SALT — 16 hex digits from the run's seed (and SALT, so two
# uses in a test differ): a program that cannot read the seed cannot print
# them unless a fake sent them.
seeded_text() {
    fake_tool peer genhex -s "$((SEED * 131 + $1))" -n 8
}

# expect_fake_got FILE EXPECTED WHAT — a fake's -o FILE holds exactly the
# bytes EXPECTED (printf %s), within 3 s (scaled): the fake saw the request.
# The fake creates FILE as it accepts: no FILE after 1 s, no connection.
expect_fake_got() {
    local DEADLINE POLLS accepted
    printf '%s' "$2" >"$T/fake_expected"
    _deadline 1
    accepted=$DEADLINE
    _deadline 3
    while ! cmp -s "$T/fake_expected" "$1" 2>/dev/null; do
        [ -e "$1" ] || ((${EPOCHREALTIME//[!0-9]/} < accepted)) || break
        _poll || break
    done
    cmp -s "$T/fake_expected" "$1" 2>/dev/null && return 0
    [ -e "$1" ] || fail_fr "$3" "$(show "$T/fake_expected")" "aucune connexion reçue par le serveur de test"
    fail_fr "$3" "$(show "$T/fake_expected")" "$(show "$1")"
}

# start_reply [-b ADDRESS] SALT — a reply fake that answers REPLY (a seeded
# text) to the first bytes it gets, logging them in $T/reply.SALT.
start_reply() {
    local bind=()
    [ "$1" = -b ] && { bind=(-b "$2"); shift 2; }
    REPLY_TEXT=$(seeded_text "$1")
    REPLY_LOG=$T/reply.$1
    start_fake reply "${bind[@]}" -m "$REPLY_TEXT" -o "$REPLY_LOG"
}

# expect_reply_run WHAT ARGS… — runs tcp_client ARGS… against a reply fake
# already started: code 0, the reply exactly on stdout, the fake's log shows
# MESSAGE (the last argument).
expect_reply_run() {
    local what=$1
    shift
    run_prog tcp_client "$@"
    expect_status 0 "le code de sortie de « tcp_client $* » ($what)"
    printf '%s' "$REPLY_TEXT" >"$T/reply_expected"
    expect_same_bytes "$T/reply_expected" "$T/out" "la réponse du serveur de test affichée ($what)"
    expect_fake_got "$REPLY_LOG" "${!#}" "la requête reçue par le serveur de test ($what)"
}
