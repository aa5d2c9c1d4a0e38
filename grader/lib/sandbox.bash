# sandbox.bash — isolation du code étudiant avec bubblewrap (bwrap).
#
# Two layers, both made by bwrap (no namespace code of our own):
#  - the lab sandbox (sandbox_lab_argv): one per bats run, its own network
#    namespace (only loopback, so concurrent grades never collide on a port)
#    and PID namespace (everything the lab started dies with it); bats, the
#    helpers and the fakes run there, trusted, seeing the whole filesystem;
#  - the program sandbox (sandbox_prog_argv): one per student program (and
#    per compilation), inside the lab's network namespace: its own PID, user,
#    IPC and UTS namespaces, an unprivileged uid, a clean environment, a
#    minimal read-only view (/usr, its binaries, a grader-made /etc), a
#    writable working folder of its own and a private /tmp. It sees neither
#    the grader nor its records nor any solution, and cannot see the
#    grader's processes (so no /proc/PID/fd write into them).
# Where user namespaces are refused (WSL 1, Docker, a locked-down kernel),
# SANDBOX_MODE=partial: process groups and rlimits only, and as root the
# program still runs as nobody; the report says « isolation : partielle ».
# Linux only (namespaces, /proc, GNU timeout).

SANDBOX_UID=65534 SANDBOX_GID=65534

# Paths of the host that the program sandbox needs, read-only.
# The system folders' binds are read once per grade (SANDBOX_SYS_BINDS, in
# the grader's environment only): readlink for each program run was a
# tenth of a grade's processes.
_sandbox_sys_binds() {
    local d t
    if [ -z "${SANDBOX_SYS_BINDS:-}" ]; then
        for d in /usr /bin /sbin /lib /lib32 /lib64 /libx32; do
            if [ -L "$d" ]; then
                t=$(readlink "$d")
                SANDBOX_SYS_BINDS+=" --symlink $t $d"
            elif [ -d "$d" ]; then
                SANDBOX_SYS_BINDS+=" --ro-bind $d $d"
            fi
        done
        export SANDBOX_SYS_BINDS
    fi
    local binds
    read -ra binds <<<"$SANDBOX_SYS_BINDS"
    SBX+=("${binds[@]}")
    for d in ld.so.cache ld.so.conf ld.so.conf.d services protocols localtime alternatives; do
        [ -e "/etc/$d" ] && SBX+=(--ro-bind "/etc/$d" "/etc/$d")
    done
    for d in hosts nsswitch.conf resolv.conf host.conf passwd group; do
        SBX+=(--ro-bind "$SANDBOX_ETC/$d" "/etc/$d")
    done
}

# sandbox_make_etc DIR — the /etc files every student program sees: names
# resolve from hosts only (then from the lab's own fake DNS server on its
# loopback, never a real one).
sandbox_make_etc() {
    local dir=$1
    mkdir -p "$dir"
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\tsandbox\n' >"$dir/hosts"
    printf 'passwd: files\ngroup: files\nhosts: files dns\nservices: files\nprotocols: files\n' >"$dir/nsswitch.conf"
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$dir/resolv.conf"
    printf 'multi on\n' >"$dir/host.conf"
    printf 'root:x:0:0:root:/root:/usr/sbin/nologin\netudiant:x:%d:%d:etudiant:/work:/usr/sbin/nologin\n' \
        "$SANDBOX_UID" "$SANDBOX_GID" >"$dir/passwd"
    printf 'root:x:0:\netudiant:x:%d:\n' "$SANDBOX_GID" >"$dir/group"
    chmod 755 "$dir" && chmod 644 "$dir"/*
}

# sandbox_detect — sets SANDBOX_MODE (root, user or partial) and, when
# partial, SANDBOX_WHY (French). GRADER_SANDBOX=none forces partial.
sandbox_detect() {
    SANDBOX_WHY=
    if [ "${GRADER_SANDBOX:-}" = none ]; then
        SANDBOX_MODE=partial SANDBOX_WHY="désactivée (GRADER_SANDBOX=none)"
        return 0
    fi
    if ! command -v bwrap >/dev/null 2>&1; then
        SANDBOX_MODE=partial SANDBOX_WHY="bubblewrap absent (sudo apt-get install -y bubblewrap)"
        return 0
    fi
    local probe=(bwrap --unshare-user --unshare-pid --die-with-parent --ro-bind / / --proc /proc -- true)
    [ "$(id -u)" = 0 ] && SANDBOX_MODE=root || SANDBOX_MODE=user
    sandbox_lab_argv
    if [ "$SANDBOX_MODE" = root ]; then
        "${SBX_LAB[@]}" setpriv --reuid="$SANDBOX_UID" --regid="$SANDBOX_GID" --clear-groups \
            --inh-caps=-all -- "${probe[@]}" >/dev/null 2>&1 && return 0
    else
        "${SBX_LAB[@]}" "${probe[@]}" >/dev/null 2>&1 && return 0
    fi
    SANDBOX_MODE=partial
    SANDBOX_WHY="espaces de noms utilisateur refusés par ce système (WSL 1, Docker, noyau verrouillé ?)"
    return 0
}

# sandbox_lab_argv — SBX_LAB: the prefix that runs a command in a new lab
# sandbox (empty when partial). Its /proc is mounted by hand, not with
# bwrap's --proc: bwrap's read-only submounts over /proc/sys would make the
# kernel refuse a procfs to the program sandboxes' user namespaces.
# With GRADER_WORK set, the lab also gets a size-bounded tmpfs there
# (GRADER_WORK_MIB, 512 MiB by default): the programs' working folders, a
# copy of their binaries (SANDBOX_BIN) and of their /etc (SANDBOX_ETC). What
# a program writes is bounded and vanishes with the lab, whatever modes it
# set; and the mounts a program sees (/proc/self/mountinfo) name paths
# inside that tmpfs, never the grader's run folder.
sandbox_lab_argv() {
    SBX_LAB=()
    case $SANDBOX_MODE in
    root) SBX_LAB=(bwrap --dev-bind / / --unshare-net --unshare-pid --die-with-parent) ;;
    user) SBX_LAB=(bwrap --dev-bind / / --unshare-user --uid 0 --gid 0 --cap-add ALL --unshare-net
        --unshare-pid --die-with-parent) ;;
    *) return 0 ;;
    esac
    # shellcheck disable=SC2016 # expanded by the lab's own shell
    SBX_LAB+=(-- sh -c 'mount -t proc proc /proc || exit 125
if [ -n "${GRADER_WORK:-}" ]; then
    mount -t tmpfs -o "size=${GRADER_WORK_MIB:-512}m,nr_inodes=65536,mode=0711" tmpfs "$GRADER_WORK" &&
        mkdir -m 755 "$GRADER_WORK/lab" "$GRADER_WORK/etc" &&
        cp -R "$PROG_DIR/." "$GRADER_WORK/lab/" && cp "$SANDBOX_ETC"/* "$GRADER_WORK/etc/" &&
        chmod -R a+rX "$GRADER_WORK/lab" "$GRADER_WORK/etc" || exit 125
    export SANDBOX_BIN="$GRADER_WORK/lab" SANDBOX_ETC="$GRADER_WORK/etc"
fi
exec "$@"' sh)
}

# sandbox_prog_argv BINDIR WORKDIR ARGSFILE — SBX: the prefix that runs a
# student program (given as /lab/NAME) in its own sandbox: BINDIR read-only
# at /lab, WORKDIR writable at /work (its working folder and HOME). bwrap's
# own arguments (the host paths it binds) are written to ARGSFILE, which the
# caller opens as descriptor 9 (SBX_ARGS_FD) just before running SBX: bwrap
# reads and closes it, so the sandbox's pid 1 shows no host path in its
# command line; bwrap runs with an empty environment (env -i), so pid 1's
# environment shows nothing of the grader's (seed, paths, the teacher's
# shell). In partial mode, the program runs from BINDIR in WORKDIR, as
# nobody when the grader is root, and ARGSFILE is not used.
SBX_ARGS_FD=9
sandbox_prog_argv() {
    local bindir=$1 workdir=$2 argsfile=$3
    SBX=()
    local env=(PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 HOME=/work TMPDIR=/tmp USER=etudiant)
    if [ "$SANDBOX_MODE" = partial ]; then
        [ "$(id -u)" = 0 ] && SBX=(setpriv --reuid="$SANDBOX_UID" --regid="$SANDBOX_GID" --clear-groups --inh-caps=-all --)
        # sh only changes folder, then is replaced by the program (exec).
        SBX+=(env -i "${env[@]}" "HOME=$workdir" sh -c 'cd -- "$0" && exec "$@"' "$workdir")
        return 0
    fi
    [ "$SANDBOX_MODE" = root ] &&
        SBX=(setpriv --reuid="$SANDBOX_UID" --regid="$SANDBOX_GID" --clear-groups --inh-caps=-all --)
    SBX+=(env -i bwrap --args "$SBX_ARGS_FD")
    local a=(--unshare-user --unshare-pid --unshare-ipc --unshare-uts --unshare-cgroup-try
        --uid "$SANDBOX_UID" --gid "$SANDBOX_GID" --hostname sandbox
        --die-with-parent --new-session --clearenv) e
    for e in "${env[@]}"; do a+=(--setenv "${e%%=*}" "${e#*=}"); done
    local SBX_SAVED=("${SBX[@]}")
    SBX=()
    _sandbox_sys_binds
    a+=("${SBX[@]}")
    SBX=("${SBX_SAVED[@]}" --)
    a+=(--proc /proc --dev /dev --tmpfs /tmp
        --ro-bind "$bindir" /lab --bind "$workdir" /work --remount-ro / --chdir /work)
    printf '%s\0' "${a[@]}" >"$argsfile"
}

# sandbox_path PROG — where the program sandbox sees PROG_DIR/PROG.
sandbox_path() {
    if [ "$SANDBOX_MODE" = partial ]; then printf '%s/%s' "$PROG_DIR" "$1"; else printf '/lab/%s' "$1"; fi
}

# Limits are set inside the program sandbox, by prlimit, just before the
# program: there, the count of processes is the sandbox's own (its user
# namespace), never another grade's, and bwrap keeps the descriptors it
# needs.

# sandbox_program_pid PID — the student program started under PID (the
# job's timeout): the first descendant that is not timeout, vglog, setpriv, env,
# bwrap, prlimit or sh (the partial mode's cd). Prints nothing if it has not started
# (or is gone).
sandbox_program_pid() {
    local pid=$1 comm kids line f i
    for ((i = 0; i < 8; i++)); do
        { read -r comm <"/proc/$pid/comm"; } 2>/dev/null || return 1
        case $comm in
        timeout | vglog | setpriv | bwrap | env | sh | prlimit) ;;
        *) printf '%s' "$pid"; return 0 ;;
        esac
        kids=
        for f in /proc/"$pid"/task/*/children; do
            line=
            { read -r line <"$f"; } 2>/dev/null || [ -n "$line" ] || continue
            kids+=" $line"
        done
        set -- $kids
        [ -n "${1:-}" ] || return 1
        pid=$1
    done
    return 1
}
