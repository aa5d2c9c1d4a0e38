# builtin.bash — decimal seconds and program output with bash's builtins
# alone. A fork costs 6 ms of processor on the machines measured here, a
# fork and exec 9 ms; awk for each delay and tr for each output made a
# third of a grade's processes. Sourced by grade.sh and helpers.bash.

# to_micro VAR TEXT — VAR: TEXT (digits, an optional point and decimals) in
# millionths; false for anything else (1e3, -1, empty), VAR untouched.
to_micro() {
    local -n _tm_out=$1
    [[ $2 =~ ^([0-9]*)(\.([0-9]*))?$ ]] && [ -n "${BASH_REMATCH[1]}${BASH_REMATCH[3]}" ] || return 1
    local _tm_int=${BASH_REMATCH[1]:-0} _tm_frac=${BASH_REMATCH[3]}000000
    _tm_out=$((10#$_tm_int * 1000000 + 10#${_tm_frac:0:6}))
}

# from_micro VAR N — VAR: N millionths as decimal text, no trailing zero.
from_micro() {
    local -n _fm_out=$1
    local _fm_frac
    printf -v _fm_frac '%06d' $(($2 % 1000000))
    _fm_frac=${_fm_frac%"${_fm_frac##*[!0]}"}
    _fm_out=$(($2 / 1000000))${_fm_frac:+.$_fm_frac}
}

# scale_micro VAR SECONDS [FACTOR] — VAR: SECONDS × FACTOR (default
# TIMEOUT_SCALE), in millionths; awk for what to_micro cannot read.
scale_micro() {
    local -n _sm_out=$1
    local _sm_t _sm_f
    if to_micro _sm_t "$2" && to_micro _sm_f "${3:-${TIMEOUT_SCALE:-1}}"; then
        _sm_out=$((_sm_t * _sm_f / 1000000))
    else
        _sm_out=$(awk -v t="$2" -v s="${3:-${TIMEOUT_SCALE:-1}}" 'BEGIN { printf "%d", t * s * 1e6 }')
    fi
}

# scale_to VAR SECONDS [FACTOR] — VAR: SECONDS × FACTOR (default
# TIMEOUT_SCALE), decimals kept (timeout and read -t take them).
scale_to() {
    local _st_u
    scale_micro _st_u "$2" "${3:-}"
    from_micro "$1" "$_st_u"
}

# load_micro VAR — VAR: the load (last minute) per core, kept between 1 and
# 3, in millionths. The core count is read once (NCPU): budget_watch asks
# every second.
load_micro() {
    local -n _lm_out=$1
    local _lm_load
    [ -n "${NCPU:-}" ] || NCPU=$(nproc 2>/dev/null) || NCPU=1
    read -r _lm_load _ </proc/loadavg 2>/dev/null || _lm_load=0
    to_micro _lm_out "$_lm_load" || _lm_out=0
    _lm_out=$((_lm_out / (NCPU > 0 ? NCPU : 1)))
    ((_lm_out < 1000000)) && _lm_out=1000000
    ((_lm_out > 3000000)) && _lm_out=3000000
    return 0
}

# read_upto VAR FILE MAX — VAR: FILE's first MAX characters, NUL bytes
# dropped (empty when FILE cannot be read); false when FILE holds more, for
# the caller to hand it to a tool (bash's string operations grow with the
# length).
read_upto() {
    local -n _ru_out=$1
    _ru_out=
    { IFS= read -r -d '' -N $(($3 + 1)) _ru_out <"$2"; } 2>/dev/null || :
    ((${#_ru_out} <= $3))
}

# read_text VAR FILE — VAR: FILE's text as $(cat FILE) gives it (trailing
# newlines dropped), without its NUL bytes. Past 1 MiB, or 64 trailing
# newlines, tr does it.
read_text() {
    local -n _rt_out=$1
    local _i _rt_whole=1 LC_ALL=C
    read_upto _rt_out "$2" 1048576 || _rt_whole=0
    for ((_i = 0; _i < 64; _i++)); do
        [[ $_rt_out == *$'\n' ]] || break
        _rt_out=${_rt_out%$'\n'}
    done
    if ((!_rt_whole || _i == 64)); then _rt_out=$(tr -d '\0' <"$2"); fi
    return 0
}

# nap SECONDS — sleeps: read -t on a pipe whose ends we both hold (nothing
# ever comes), NAP_FD.
nap() {
    [ -n "${NAP_FD:-}" ] || exec {NAP_FD}<> <(:)
    read -r -t "$1" -u "$NAP_FD" _ || :
}

# find_line VAR ERE FILE — VAR: FILE's first line that matches ERE (as
# grep -E -m1 finds it); false when none does or FILE cannot be read. The
# first 64 KiB are read by bash; a longer file goes to grep (a server's
# output is polled several times a second, mostly small).
find_line() {
    local -n _fl_out=$1
    local _fl_text _fl_lines _fl_l
    _fl_out=
    if ! read_upto _fl_text "$3" 65536; then
        _fl_out=$(grep -Em1 -- "$2" "$3" 2>/dev/null) || return 1
        return 0
    fi
    [ -n "$_fl_text" ] || return 1
    mapfile -t _fl_lines <<<"${_fl_text%$'\n'}"
    for _fl_l in "${_fl_lines[@]}"; do
        [[ $_fl_l =~ $2 ]] && { _fl_out=$_fl_l; return 0; }
    done
    return 1
}
