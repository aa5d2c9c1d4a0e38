#!/usr/bin/env bash
# dist.sh — l'archive étudiante : le dernier commit (git archive), sans
# solutions/, sans mutants ni copies hostiles (leur code est du code de
# solution ou n'a rien à faire chez l'étudiant).
# Usage: dist.sh OUT.tar.gz
set -eu
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$1
cd "$ROOT"
git rev-parse --verify -q HEAD >/dev/null 2>&1 ||
    { echo "make dist : il faut un dépôt git avec au moins un commit (l'archive vient de git archive)" >&2; exit 2; }
# git archive takes the last commit: say what it leaves out.
changed=$(git status --porcelain -- labs common grader Makefile README.md)
if [ -n "$changed" ]; then
    echo "Attention : modifications non validées, absentes de l'archive (elle reprend le dernier commit) :" >&2
    printf '%s\n' "$changed" | sed 's/^/  /' >&2
fi
mkdir -p "$(dirname "$out")"
git archive --format=tar.gz --prefix=tp-reseau/ -o "$out" HEAD -- \
    Makefile README.md .gitignore common labs grader \
    ':(exclude)grader/mutants' ':(exclude)grader/hostile'
echo "Archive étudiante : $out ($(git rev-parse --short HEAD))"
