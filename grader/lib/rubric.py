#!/usr/bin/env python3
"""rubric.py — le barème d'un lab, déclaré une seule fois dans son fichier bats.

Each @test is preceded by its annotations (comment lines, right above it):

    # @points 10
    # @req R1 R4
    # @hint §2 « Client TCP simple » : connect, puis send, puis recv — man 2 connect
    @test "envoie le message et affiche la réponse du serveur" {

The statement (solutions/NN_name/README.md) numbers its requirements as list
items « - **R1** … » and holds the points table between the markers
<!-- barème: début --> and <!-- barème: fin -->.

Commands:
    rubric.py tsv FILE.bats            points<TAB>name<TAB>hint, for score.awk
    rubric.py table [--write] FILE.bats  the statement's points table (--write: in place)
    rubric.py check [FILE.bats…]       every lab (default: all of grader/tests)
    rubric.py cover FILE.bats          each requirement and the tests holding it
Exit: 0, 1 on any error (reported in French as FILE:LINE: message), 2 usage.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE_BEGIN = "<!-- barème: début -->"
TABLE_END = "<!-- barème: fin -->"
TOTAL = 100

TEST_RE = re.compile(r'^@test\s+"(.*)"\s*\{\s*$')
ANNOT_RE = re.compile(r"^#\s*@(\w+)(?:\s+(.*?))?\s*$")
REQ_ID_RE = re.compile(r"^R[1-9][0-9]*$")
# A requirement of the statement: a list item starting with **Rn**.
STATEMENT_REQ_RE = re.compile(r"^\s*[-*]\s+\*\*(R[0-9]+)\*\*")
KEYS = ("points", "req", "hint")


class RubricError(Exception):
    """Errors gathered while reading one lab; each is 'FILE:LINE: message'."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))
        self.errors = errors


class Test:
    def __init__(self, name, line):
        self.name, self.line = name, line
        self.points, self.reqs, self.hint, self.req_line = None, [], "", line


def parse_bats(path):
    """The tests of a bats file with their annotations, in file order."""
    errors, tests, seen = [], [], {}
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise RubricError([f"{path}: lecture impossible : {e.strerror}"])
    for i, text in enumerate(lines):
        m = TEST_RE.match(text.strip())
        if not m:
            continue
        t = Test(m.group(1), i + 1)
        where = f"{path}:{t.line}"
        # The annotation block: the comment lines right above @test.
        block, j = {}, i - 1
        while j >= 0 and lines[j].lstrip().startswith("#"):
            a = ANNOT_RE.match(lines[j].strip())
            if a:
                key, value = a.group(1), (a.group(2) or "")
                if key not in KEYS:
                    errors.append(f"{path}:{j + 1}: annotation inconnue @{key} (attendu : @points, @req, @hint)")
                elif key in block:
                    errors.append(f"{path}:{j + 1}: @{key} en double pour le test « {t.name} »")
                else:
                    block[key] = (value, j + 1)
            j -= 1
        if not block:
            errors.append(f"{where}: test sans annotations (# @points, # @req, # @hint juste au-dessus) : « {t.name} »")
        else:
            if "points" not in block:
                errors.append(f"{where}: @points manquant pour « {t.name} »")
            else:
                value, ln = block["points"]
                if re.fullmatch(r"[1-9][0-9]*", value):
                    t.points = int(value)
                else:
                    errors.append(f"{path}:{ln}: @points doit être un entier positif, pas « {value} »")
            if "hint" not in block or not block["hint"][0]:
                errors.append(f"{where}: @hint manquant ou vide pour « {t.name} »")
            else:
                t.hint = block["hint"][0]
            if "req" not in block or not block["req"][0]:
                errors.append(f"{where}: @req manquant pour « {t.name} » (les exigences R… de l'énoncé qu'il vérifie)")
            else:
                value, ln = block["req"]
                t.reqs = value.split()
                t.req_line = ln
                for r in t.reqs:
                    if not REQ_ID_RE.match(r):
                        errors.append(f"{path}:{ln}: identifiant d'exigence invalide « {r} » (attendu : R1, R2…)")
        if "\t" in t.name or "\t" in t.hint:
            errors.append(f"{where}: tabulation interdite dans le nom ou l'indice de « {t.name} »")
        if t.name in seen:
            errors.append(f"{where}: nom de test en double « {t.name} » (déjà ligne {seen[t.name]})")
        else:
            seen[t.name] = t.line
        tests.append(t)
    if not tests:
        errors.append(f"{path}:1: aucun @test dans ce fichier")
    total = sum(t.points or 0 for t in tests)
    if total != TOTAL and not errors:
        errors.append(f"{path}:1: total des points : {total} au lieu de {TOTAL}")
    if errors:
        raise RubricError(errors)
    return tests


def statement_path(bats):
    base = os.path.basename(bats)
    base = base[:-5] if base.endswith(".bats") else base
    return rel(os.path.join(ROOT, "solutions", base, "README.md"))


def rel(path):
    """A path relative to the current folder when it is inside it: shorter messages."""
    r = os.path.relpath(path)
    return path if r.startswith("..") else r


def read_statement(path):
    """(lines, {Rn: line number}, errors)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        return None, {}, [f"{path}: lecture impossible : {e.strerror}"]
    reqs, errors = {}, []
    for i, text in enumerate(lines):
        m = STATEMENT_REQ_RE.match(text)
        if m:
            r = m.group(1)
            if r in reqs:
                errors.append(f"{path}:{i + 1}: exigence {r} en double (déjà ligne {reqs[r]})")
            else:
                reqs[r] = i + 1
    if not reqs:
        errors.append(f"{path}:1: aucune exigence numérotée (lignes « - **R1** … »)")
    # Numbered R1..Rn without gaps: a missing number is a forgotten edit.
    nums = sorted(int(r[1:]) for r in reqs)
    if nums and nums != list(range(1, len(nums) + 1)):
        errors.append(f"{path}:1: exigences mal numérotées : {', '.join('R%d' % n for n in nums)} (attendu : R1 à R{len(nums)} sans trou)")
    return lines, reqs, errors


def table(tests):
    rows = ["| test | exigences | points |", "|---|---|---|"]
    for t in tests:
        rows.append(f"| {t.name.replace('|', '&#124;')} | {', '.join(t.reqs)} | {t.points} |")
    rows.append(f"| **total** | | **{sum(t.points for t in tests)}** |")
    return rows


def table_span(lines, path):
    """Indices of the begin and end markers, or an error."""
    try:
        b = next(i for i, t in enumerate(lines) if t.strip() == TABLE_BEGIN)
        e = next(i for i, t in enumerate(lines) if i > b and t.strip() == TABLE_END)
    except StopIteration:
        return None, f"{path}:1: marqueurs du barème absents ({TABLE_BEGIN} … {TABLE_END})"
    return (b, e), None


def check_lab(bats):
    """Every check of one lab; returns the list of errors."""
    try:
        tests = parse_bats(bats)
    except RubricError as e:
        return e.errors
    stmt = statement_path(bats)
    lines, reqs, errors = read_statement(stmt)
    if lines is None:
        return errors
    held = {}
    for t in tests:
        for r in t.reqs:
            held.setdefault(r, []).append(t)
            if r not in reqs:
                errors.append(f"{bats}:{t.req_line}: exigence {r} inconnue de {stmt} (test « {t.name} »)")
    for r, ln in sorted(reqs.items(), key=lambda kv: kv[1]):
        if r not in held:
            errors.append(f"{stmt}:{ln}: exigence {r} vérifiée par aucun test (aucun @req {r} dans {bats})")
    span, err = table_span(lines, stmt)
    if err:
        errors.append(err)
    else:
        b, e = span
        if lines[b + 1:e] != table(tests):
            errors.append(f"{stmt}:{b + 1}: le tableau du barème n'est pas celui du fichier bats (régénérez-le : make skeletons)")
    return errors


def write_table(bats):
    tests = parse_bats(bats)
    stmt = statement_path(bats)
    lines, _, errors = read_statement(stmt)
    if lines is None:
        raise RubricError(errors)
    span, err = table_span(lines, stmt)
    if err:
        raise RubricError([err])
    b, e = span
    new = lines[:b + 1] + table(tests) + lines[e:]
    if new != lines:
        with open(stmt, "w", encoding="utf-8") as f:
            f.write("\n".join(new))


def main(argv):
    usage = "usage : rubric.py tsv FICHIER.bats | table [--write] FICHIER.bats | check [FICHIER.bats…] | cover FICHIER.bats"
    if not argv:
        print(usage, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    try:
        if cmd == "tsv" and len(args) == 1:
            for t in parse_bats(args[0]):
                print(f"{t.points}\t{t.name}\t{t.hint}")
        elif cmd == "table" and args and args[-1] != "--write" and set(args[:-1]) <= {"--write"}:
            if "--write" in args:
                write_table(args[-1])
            else:
                print("\n".join(table(parse_bats(args[0]))))
        elif cmd == "check":
            files = args or sorted(
                rel(os.path.join(ROOT, "grader", "tests", f))
                for f in os.listdir(os.path.join(ROOT, "grader", "tests"))
                if re.match(r"[0-9][0-9]_.*\.bats$", f))
            bad = 0
            for bats in files:
                errors = check_lab(bats)
                for e in errors:
                    print(e, file=sys.stderr)
                bad += bool(errors)
                if not errors:
                    print(f"{os.path.basename(bats)} : barème complet, total {TOTAL}, chaque exigence vérifiée, tableau à jour")
            return 1 if bad else 0
        elif cmd == "cover" and len(args) == 1:
            tests = parse_bats(args[0])
            _, reqs, _ = read_statement(statement_path(args[0]))
            for r in sorted(reqs, key=lambda r: int(r[1:])):
                names = [t.name for t in tests if r in t.reqs]
                print(f"{r}\t{len(names)}\t" + " ; ".join(names))
        else:
            print(usage, file=sys.stderr)
            return 2
    except RubricError as e:
        for err in e.errors:
            print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
