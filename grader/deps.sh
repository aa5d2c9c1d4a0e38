#!/usr/bin/env bash
# deps.sh — vérifie les outils du correcteur et installe ceux qui manquent (apt, en root).
# Exit 0 when the grader can run (valgrind is optional: memory tests are then
# reported as not run), 1 otherwise. SELFTEST=1 (make test) also requires
# valgrind and the self-test's own tools.
set -u

missing=()
command -v bats >/dev/null 2>&1 || missing+=(bats)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v timeout >/dev/null 2>&1 || missing+=(coreutils)
command -v "${CC:-cc}" >/dev/null 2>&1 || missing+=(build-essential)
# The rubric is read from the bats files (lib/rubric.py), the report
# written by lib/report.py.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The sandbox (without it, grading falls back to the partial isolation).
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
# Fault injection (libfiu's fiu-run): tests of error paths.
command -v fiu-run >/dev/null 2>&1 || missing+=(fiu-utils)
if [ "${SELFTEST:-0}" = 1 ]; then
    command -v patch >/dev/null 2>&1 || missing+=(patch)
    command -v git >/dev/null 2>&1 || missing+=(git)
    command -v pgrep >/dev/null 2>&1 || missing+=(procps)
    command -v socat >/dev/null 2>&1 || missing+=(socat)
    command -v clang >/dev/null 2>&1 || missing+=(clang)
    command -v cppcheck >/dev/null 2>&1 || missing+=(cppcheck)
    # libFuzzer and the sanitizers' runtimes (make fuzz, the corpus replay).
    if command -v clang >/dev/null 2>&1 &&
        ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)n * 0; }\n' |
        clang -fsanitize=fuzzer,address,undefined -x c - -o /dev/null >/dev/null 2>&1; then
        missing+=(libclang-rt-14-dev)
    fi
fi

((${#missing[@]} == 0)) && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation des outils manquants : ${missing[*]}" >&2
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2; then
        exit 0
    fi
    echo "deps: l'installation a échoué (apt-get install -y ${missing[*]})" >&2
    exit 1
fi

echo "Outils manquants : ${missing[*]}" >&2
echo "Installez-les avec :  sudo apt-get install -y ${missing[*]}" >&2
for tool in "${missing[@]}"; do
    case $tool in
    valgrind)
        [ "${SELFTEST:-0}" = 1 ] && exit 1
        echo "(sans valgrind, les tests mémoire seront signalés « non exécutés »)" >&2 ;;
    bubblewrap)
        [ "${SELFTEST:-0}" = 1 ] && exit 1
        echo "(sans bubblewrap, la notation se fait avec une isolation partielle)" >&2 ;;
    fiu-utils)
        [ "${SELFTEST:-0}" = 1 ] && exit 1
        echo "(sans fiu-utils, les tests d'injection de pannes seront signalés « non exécutés »)" >&2 ;;
    *) exit 1 ;;
    esac
done
exit 0
