#!/usr/bin/env python3
"""mutate.py — tests de mutation : des mutants générés depuis les régions de solution.

Usage: mutate.py [--jobs N] [--only ID,...] [--list] [--sample] [--strict] NN

Each mutant changes one statement of a `BEGIN SOLUTION` region of
solutions/NN_*/*.c (code after the region's header comment only). It is
graded by grader/mutant.sh --full, as make test grades its mutants: compiled
like the suite does (-Werror: a mutant that does not compile is dropped and
counted), graded fast (FAILFAST=1 NOVALGRIND=1), then its memory tests with
valgrind only when it passed every other test. A mutant is killed when a
test fails (report.py's verdict); a budget spent before any failure is no
verdict (« ERREUR »).

Ids are `op:hash`, the hash over (file, original text, mutated text,
occurrence of that original line in the file): an edit elsewhere in the file
does not rename a mutant.

grader/mutants/NN_name/equivalent.txt lists the mutants that change no
behaviour (ID<TAB>reason); hors_budget.txt those whose change a test cannot
afford to observe (a longer wait than its budget, a network other than
loopback, an unwinnable race). Both are left out of the score that decides
the exit status (killed / (compiled - equivalent - hors budget)); a strict
score counting "hors budget" as survivors is printed too, and decides with
--strict.

--sample grades only the ids of grader/mutants/NN_name/sample.txt, one
`ok   `/`FAIL ` line each (the format selftest.sh parses).
Exit: 0 score >= 95 % (--sample: every mutant killed), 1 otherwise, 2 usage
or setup error, 130 interrupted.
"""
import argparse
import concurrent.futures
import difflib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "grader", "lib"))
from report import verdict as report_verdict  # noqa: E402
THRESHOLD = 95.0

# --- Source scanning ---------------------------------------------------------

BEGIN_RE = re.compile(r"^[ \t]*/\* BEGIN SOLUTION[ \t]*$")
HEADER_END_RE = re.compile(r"^[ \t]*\*/[ \t]*$")
END_RE = re.compile(r"^[ \t]*/\* END SOLUTION \*/[ \t]*$")
HIDDEN = "\x01"  # stands for a character inside a comment or a literal


def solution_lines(lines):
    """Indexes of the mutable lines: inside a region, after its header."""
    out, state = [], 0
    for i, line in enumerate(lines):
        if state == 0 and BEGIN_RE.match(line):
            state = 1
        elif state == 1 and HEADER_END_RE.match(line):
            state = 2
        elif state == 2 and END_RE.match(line):
            state = 0
        elif state == 2:
            out.append(i)
    return out


def mask_lines(lines):
    """Each line with comments and string/char literals replaced by HIDDEN,
    so that operators are never looked for inside them."""
    masked, in_comment = [], False
    for line in lines:
        out, i, n = [], 0, len(line)
        while i < n:
            c = line[i]
            if in_comment:
                if line.startswith("*/", i):
                    out.append(HIDDEN * 2)
                    i += 2
                    in_comment = False
                else:
                    out.append(HIDDEN)
                    i += 1
            elif line.startswith("/*", i):
                in_comment = True
                out.append(HIDDEN * 2)
                i += 2
            elif line.startswith("//", i):
                out.append(HIDDEN * (n - i))
                i = n
            elif c in "\"'":
                j = i + 1
                while j < n and line[j] != c:
                    j += 2 if line[j] == "\\" else 1
                j = min(j + 1, n)
                # Keep the quotes: a literal still reads as an operand.
                out.append(c + HIDDEN * max(0, j - i - 2) + (c if j - i >= 2 else ""))
                i = j
            else:
                out.append(c)
                i += 1
        masked.append("".join(out))
    return masked


def matching_paren(m, start):
    """Index of the ')' closing the '(' at start in masked text m, or -1."""
    depth = 0
    for j in range(start, len(m)):
        if m[j] == "(":
            depth += 1
        elif m[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def split_args(m, open_i, close_i):
    """(start, end) spans of the top-level arguments between parentheses."""
    spans, depth, s = [], 0, open_i + 1
    for j in range(open_i + 1, close_i):
        if m[j] in "([":
            depth += 1
        elif m[j] in ")]":
            depth -= 1
        elif m[j] == "," and depth == 0:
            spans.append((s, j))
            s = j + 1
    spans.append((s, close_i))
    return spans


# --- Operators ---------------------------------------------------------------
# Each site yields (op, start, end, replacement) on one line.

CMP_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
CMP_SHIFT = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
CMP_RE = re.compile(r"(?<![<>=!\-])(<=|>=|==|!=|<|>)(?![<>=])")
INT_RE = re.compile(r"(?<![\w.])\d+(?![\w.])")
RET_RE = re.compile(r"\breturn\s+(-?\d+)\s*;")
RET_SWAP = {"0": ["1"], "1": ["0", "2"], "2": ["1", "0"], "-1": ["0"]}
# The unsafe or simpler sibling a student might write instead (args kept by index).
CALL_SIBLINGS = {
    "send_all": ["send({0}, {1}, {2}, 0)", "write({0}, {1}, {2})"],
    "recv_timeout": ["recv({0}, {1}, {2}, 0)"],
    "write_all": ["write({0}, {1}, {2})"],
    "connect_timeout": ["connect({0}, {1}, {2})"],
    "shutdown": ["0"],
    "close": ["0"],
    "setsockopt": ["0"],
}
# Index of the timeout argument (milliseconds; negative: no limit).
TIMEOUT_ARG = {"recv_timeout": 3, "send_all": 3, "connect_timeout": 3,
               "wait_fd": 2, "wait_ready": 2}
SYMBOLS = {"AF_UNSPEC": "AF_INET", "stderr": "stdout", "SHUT_WR": "SHUT_RD",
           "SOCK_STREAM": "SOCK_DGRAM"}
CALL_RE = re.compile(r"\b([A-Za-z_]\w*)\s*\(")
DECL_RE = re.compile(r"^(struct|union|enum|int|char|short|long|unsigned|signed|"
                     r"const|static|ssize_t|size_t|socklen_t|double|float|void)\b")
NOT_DELETABLE = re.compile(r"^(if|else|for|while|do|switch|case|default)\b|^[{}]")


def line_sites(s, m):
    """Single-line mutation sites of original line s (masked m)."""
    sites = []
    for x in CMP_RE.finditer(m):
        o = x.group(1)
        sites.append(("cmp", x.start(1), x.end(1), CMP_NEGATE[o]))
        if o in CMP_SHIFT:
            sites.append(("cmp", x.start(1), x.end(1), CMP_SHIFT[o]))
    for x in re.finditer(r"&&|\|\|", m):
        sites.append(("logic", x.start(), x.end(), "||" if x.group() == "&&" else "&&"))
    for x in re.finditer(r"!(?!=)", m):
        sites.append(("not", x.start(), x.end(), ""))
    for x in re.finditer(r"\b(break|continue)\b", m):
        sites.append(("jump", x.start(), x.end(),
                      "continue" if x.group() == "break" else "break"))
    ret_spans = []
    for x in RET_RE.finditer(m):
        ret_spans.append(x.span(1))
        for v in RET_SWAP.get(x.group(1), []):
            sites.append(("ret", x.start(1), x.end(1), v))
    for x in INT_RE.finditer(m):
        a, b = x.span()
        if any(r0 <= a < r1 for r0, r1 in ret_spans):
            continue
        v = int(x.group())
        # A unary minus belongs to the literal: "-1" becomes "0" or "-2".
        k = a - 1
        while k >= 0 and m[k] == " ":
            k -= 1
        if k >= 0 and m[k] == "-":
            p = k - 1
            while p >= 0 and m[p] == " ":
                p -= 1
            if p < 0 or m[p] in "(,=?:" or m[: p + 1].endswith("return"):
                a, v = k, -v
        cands = [v + 1, v - 1, 0 if v != 0 else 1]
        if abs(v) >= 64:
            cands += [v // 2, v * 2]  # a buffer size: smaller, larger
        seen = set()
        for c in cands:
            if c != v and c not in seen:
                seen.add(c)
                sites.append(("const", a, b, str(c)))
    for x in re.finditer(r"\bsizeof\s+(\w+)\b|\bsizeof\s*(\([^()]*\))", m):
        a, b = x.span()
        sites.append(("size", a, b, "(" + s[a:b] + " / 2)"))
        sites.append(("size", a, b, "(" + s[a:b] + " * 2)"))
    for name, repl in SYMBOLS.items():
        for x in re.finditer(r"\b%s\b" % name, m):
            sites.append(("sym", x.start(), x.end(), repl))
    for x in CALL_RE.finditer(m):
        name, open_i = x.group(1), x.end() - 1
        close_i = matching_paren(m, open_i)
        if close_i < 0:
            continue  # a call spanning lines: left to the other operators
        args = [s[p:q].strip() for p, q in split_args(m, open_i, close_i)]
        if name in CALL_SIBLINGS:
            # A whole-statement call is for "del"; here only inside expressions.
            whole = x.start() == len(m) - len(m.lstrip()) and m[close_i + 1:].strip() == ";"
            for tmpl in CALL_SIBLINGS[name]:
                if tmpl == "0" and whole:
                    continue
                try:
                    sites.append(("call", x.start(), close_i + 1, tmpl.format(*args)))
                except IndexError:
                    pass
        if name in TIMEOUT_ARG and len(args) > TIMEOUT_ARG[name]:
            p, q = split_args(m, open_i, close_i)[TIMEOUT_ARG[name]]
            if args[TIMEOUT_ARG[name]] != "-1":
                lead = len(s[p:q]) - len(s[p:q].lstrip())
                sites.append(("timeout", p + lead, q, "-1"))
    return sites


class Mutant:
    def __init__(self, lab, fname, first, last, old, new, op, occ):
        self.lab, self.fname, self.first, self.last = lab, fname, first, last
        self.old, self.new, self.op = old, new, op  # old/new: lists of lines
        orig = " ".join(l.strip() for l in old)
        mut = " ".join(l.strip() for l in new)
        h = hashlib.sha1("\0".join([fname, orig, mut, str(occ)]).encode()).hexdigest()
        self.id = "%s:%s" % (op, h[:8])
        self.verdict, self.points, self.max, self.seconds, self.log = None, None, None, 0, ""

    @property
    def where(self):
        return "%s:%d" % (self.fname, self.first + 1)

    def apply(self, lines):
        return lines[: self.first] + self.new + lines[self.last + 1:]

    def diff(self, lines):
        path = "%s/%s" % (self.lab, self.fname)
        return "".join(difflib.unified_diff(
            lines, self.apply(lines), "a/" + path, "b/" + path, n=2))

    def patch_text(self, lines, killer=None):
        """The patch grader/mutant.sh grades: a first line saying what it
        is, then the test that kills it, if known (graded first)."""
        head = "Mutant : généré %s (%s, %s)\n" % (self.id, self.where, self.op)
        if killer:
            head += "Test : %s\n" % killer
        return head + "\n" + self.diff(lines)


def statements(idx, masked):
    """Groups the mutable lines into units (one statement, or a control
    header, possibly over several lines). Yields (first, last, text)."""
    units, cur, depth = [], [], 0
    for i in idx:
        code = masked[i].replace(HIDDEN, "").strip()
        if not code and not cur:
            continue
        cur.append(i)
        depth += code.count("(") - code.count(")")
        if depth <= 0:
            text = " ".join(masked[j].replace(HIDDEN, "").strip() for j in cur)
            units.append((cur[0], cur[-1], text))
            cur, depth = [], 0
    return units


def generate(lab, path):
    """Every mutant of one solution file, deduplicated by resulting text."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    fname = os.path.basename(path)
    masked = [m.rstrip("\n") for m in mask_lines(lines)]
    idx = solution_lines(lines)
    stripped = [l.strip() for l in lines]

    def occurrence(i):
        return sum(1 for j in range(i) if stripped[j] == stripped[i])

    muts = []
    for i in idx:
        s = lines[i].rstrip("\n")
        for op, a, b, repl in line_sites(s, masked[i]):
            new = s[:a] + repl + s[b:] + "\n"
            muts.append(Mutant(lab, fname, i, i, [lines[i]], [new], op, occurrence(i)))
    # Statement deletion: whole statements ending in ';' (multi-line ones
    # removed whole). The body of an unbraced if/while/for becomes {}.
    prev_header = False
    for first, last, text in statements(idx, masked):
        is_header = bool(re.match(r"^(if|while|for)\b.*\)$", text)) or \
            bool(re.match(r"^(\}\s*)?else$", text))
        if text.endswith(";") and not NOT_DELETABLE.match(text) and not DECL_RE.match(text):
            indent = re.match(r"[ \t]*", lines[first]).group()
            new = [indent + "{}\n"] if prev_header else []
            muts.append(Mutant(lab, fname, first, last, lines[first:last + 1], new,
                               "del", occurrence(first)))
        prev_header = is_header
    seen, out = set(), []
    for mu in muts:
        key = "".join(mu.apply(lines))
        if key not in seen and key != "".join(lines):
            seen.add(key)
            out.append(mu)
    out.sort(key=lambda mu: (mu.first, mu.op, mu.id))
    return lines, out


# --- Lists kept with the lab ---------------------------------------------------

def read_list(path):
    """ID<TAB>reason lines (# comments); returns {id: reason}."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            mid, _, reason = line.partition("\t")
            mid = mid.strip()
            if not reason.strip():
                raise SystemExit("mutate: %s:%d : raison manquante pour %s" % (path, n, mid))
            out[mid] = reason.strip()
    return out


# --- Grading ----------------------------------------------------------------

class Runner:
    def __init__(self, lab_dir, work, jobs):
        self.lab_dir, self.work, self.jobs = lab_dir, work, jobs
        self.lab = os.path.basename(lab_dir)
        self.num = self.lab[:2]
        self.procs, self.lock, self.stopping = set(), threading.Lock(), False

    def run(self, cmd, env=None, timeout=None):
        """Runs cmd in its own session (killable as a group); returns (rc, output)."""
        if self.stopping:
            raise KeyboardInterrupt
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True,
                             env=env, cwd=ROOT)
        with self.lock:
            self.procs.add(p)
        try:
            out, _ = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(p)
            out, _ = p.communicate()
        finally:
            with self.lock:
                self.procs.discard(p)
        if self.stopping:
            raise KeyboardInterrupt
        return p.returncode, out.decode("utf-8", "replace")

    @staticmethod
    def kill(p):
        # grade.sh traps TERM and kills the process groups it recorded.
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                return
            try:
                p.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                pass

    def stop(self):
        self.stopping = True
        with self.lock:
            procs = list(self.procs)
        for p in procs:
            self.kill(p)

    def env(self, tree):
        # One time scale for every mutant (the caller's, or 1): a scale that
        # followed the load would let a mutant with a doubled delay live or die
        # by chance. mutant.sh: budgets 3 times (only against a mutant that
        # never ends: several grades share the cores).
        env = dict(os.environ, NO_COLOR="1", TIMEOUT_SCALE=os.environ.get("TIMEOUT_SCALE") or "1")
        env.pop("NOVALGRIND", None)
        # TMPDIR inside our folder: whatever grade.sh leaves goes with it.
        env["TMPDIR"] = tree
        # The grader's tools, built by the first grade, reused by the others.
        env.setdefault("GRADER_TOOLS", os.path.join(self.work, "tools"))
        return env

    def grade_reference(self):
        """The reference, graded fast (FAILFAST=1 NOVALGRIND=1): (verdict, report)."""
        tree = os.path.join(self.work, "reference")
        shutil.copytree(self.lab_dir, os.path.join(tree, self.lab))
        env = dict(self.env(tree), FAILFAST="1", NOVALGRIND="1")
        env.setdefault("BUDGET_SCALE", "3")
        _, out = self.run(["nice", "-n", "10", "bash", os.path.join(ROOT, "grader/grade.sh"),
                           "--tree", tree, self.num], env=env, timeout=900)
        shutil.rmtree(tree, ignore_errors=True)
        return report_verdict(out)[0], out

    def evaluate(self, mu, lines):
        t0 = time.monotonic()
        tag = mu.id.replace(":", "_")
        folder = os.path.join(self.work, "patches", self.lab)
        os.makedirs(folder, exist_ok=True)
        patch = os.path.join(folder, tag + ".patch")
        with open(patch, "w", encoding="utf-8") as f:
            f.write(mu.patch_text(lines))
        tree = os.path.join(self.work, "m." + tag)
        _, out = self.run(["nice", "-n", "10", "bash", os.path.join(ROOT, "grader/mutant.sh"),
                           "--full", patch, tree], env=self.env(tree), timeout=1800)
        m = re.search(r"^RESULT (\w+)(?: (\d+)\t(\d+))?$", out, re.M)
        kind = m.group(1) if m else "error"
        # patch (it no longer applies) or budget (tests not run): no verdict.
        mu.verdict = {"compile": "noncompile", "killed": "killed", "survived": "survived"}.get(kind, "error")
        if m and m.group(2):
            mu.points, mu.max = int(m.group(2)), int(m.group(3))
        if mu.verdict in ("error", "noncompile"):
            mu.log = out
        elif mu.verdict == "killed":
            # The failure's first lines: a listed mutant that gets killed
            # shows why (a kill or a test that flaked under the load).
            i = out.find("✗")
            mu.log = "\n".join(out[i:].splitlines()[:6]) if i >= 0 else ""
        shutil.rmtree(tree, ignore_errors=True)
        os.unlink(patch)
        mu.seconds = time.monotonic() - t0
        return mu


def interrupted(*_):
    raise KeyboardInterrupt


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def main():
    # The grades it runs call python3 many times: this interpreter, not a
    # pyenv shim (see grader/lib/python.bash).
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    ap = argparse.ArgumentParser(description="Tests de mutation d'un lab (make mutate LAB=NN).")
    ap.add_argument("lab", help="numéro du lab (NN)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", default="", help="ids séparés par des virgules")
    ap.add_argument("--list", action="store_true", help="liste les mutants sans les noter")
    ap.add_argument("--strict", action="store_true",
                    help="le code de sortie suit le score strict (hors budget comptés survivants)")
    ap.add_argument("--sample", action="store_true",
                    help="note seulement les ids de grader/mutants/NN_nom/sample.txt")
    ap.add_argument("--sample-max", type=int, default=0, metavar="N",
                    help="avec --sample : les N premiers ids de sample.txt seulement (0 : tous)")
    ap.add_argument("--patches", metavar="DOSSIER", default="",
                    help="écrit les mutants choisis (--sample, --only) en patchs "
                         "DOSSIER/NN_nom/ID.patch, au format des mutants écrits à la main, sans les noter")
    ap.add_argument("--record-test", nargs=2, metavar=("ID", "TEST"),
                    help="inscrit dans sample.txt le test qui tue ce mutant (make mutants-tests)")
    args = ap.parse_args()
    if not re.fullmatch(r"\d\d", args.lab):
        ap.error("LAB doit être un numéro à deux chiffres (ex. : 01)")
    labs = sorted(d for d in os.listdir(os.path.join(ROOT, "solutions")) if d.startswith(args.lab + "_"))
    if not labs:
        print("mutate: pas de solutions/%s_*" % args.lab, file=sys.stderr)
        return 2
    lab = labs[0]
    lab_dir = os.path.join(ROOT, "solutions", lab)
    mdir = os.path.join(ROOT, "grader", "mutants", lab)
    sources, mutants = {}, []
    for name in sorted(os.listdir(lab_dir)):
        if name.endswith(".c"):
            lines, muts = generate(lab, os.path.join(lab_dir, name))
            sources[name] = lines
            mutants += muts
    by_id = {mu.id: mu for mu in mutants}

    if args.list:
        for mu in mutants:
            print("%-16s %-22s %s" % (mu.id, mu.where, " ".join(l.strip() for l in mu.new) or "(supprimé)"))
        return 0

    if args.record_test:
        return record_test(os.path.join(mdir, "sample.txt"), *args.record_test)

    equivalent = read_list(os.path.join(mdir, "equivalent.txt"))
    budget = read_list(os.path.join(mdir, "hors_budget.txt"))
    wanted, killers = None, {}
    if args.sample:
        sample_file = os.path.join(mdir, "sample.txt")
        rows = [l.rstrip("\n").split("\t") for l in open(sample_file, encoding="utf-8")
                if l.strip() and not l.lstrip().startswith("#")]
        wanted = [r[0].strip() for r in rows]
        # The test that kills each one (make mutants-tests), if recorded.
        killers = {r[0].strip(): r[2].strip() for r in rows if len(r) > 2 and r[2].strip()}
        if args.sample_max > 0:
            wanted = wanted[:args.sample_max]
    elif args.only:
        wanted = [x.strip() for x in args.only.split(",") if x.strip()]
    missing = []
    if wanted is not None:
        missing = [w for w in wanted if w not in by_id]
        selected = [by_id[w] for w in wanted if w in by_id]
    else:
        selected = mutants
    if missing and not args.sample:
        print("mutate: id inconnu : %s" % ", ".join(missing), file=sys.stderr)
        return 2

    if args.patches:
        return write_patches(args.patches, lab, sources, selected, missing, killers)

    work = tempfile.mkdtemp(prefix="mutate.", dir=os.environ.get("TMPDIR", "/tmp"))
    runner = Runner(lab_dir, work, max(1, args.jobs))
    signal.signal(signal.SIGTERM, interrupted)
    t0 = time.monotonic()
    try:
        return run_all(args, lab, runner, sources, mutants, selected, missing,
                       equivalent, budget, t0)
    except KeyboardInterrupt:
        runner.stop()
        print("\nmutate : interrompu.", file=sys.stderr)
        return 130
    finally:
        runner.stop()
        shutil.rmtree(work, ignore_errors=True)


def run_all(args, lab, runner, sources, mutants, selected, missing, equivalent, budget, t0):
    num = lab[:2]
    if not args.sample:
        print("Lab %s — %d mutants générés dans les régions de solution de %s, %d tâche(s) en parallèle"
              % (num, len(mutants), ", ".join(sorted(sources)), runner.jobs), flush=True)
    # The reference, graded fast, must fail no test: a mutant is killed by
    # a failed test.
    kind, out = runner.grade_reference()
    if kind != "survived":
        print("mutate: la référence échoue ici, ou n'a pas pu être notée :\n" + out, file=sys.stderr)
        return 2

    total = len(selected)
    done = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=runner.jobs) as pool:
        futs = [pool.submit(runner.evaluate, mu, sources[mu.fname]) for mu in selected]
        try:
            for fut in concurrent.futures.as_completed(futs):
                mu = fut.result()
                done += 1
                if args.sample:
                    continue
                label = {"killed": "tué", "survived": "SURVIVANT", "noncompile": "non compilé",
                         "error": "ERREUR"}[mu.verdict]
                if mu.verdict == "survived" and mu.id in equivalent:
                    label = "équivalent"
                elif mu.verdict == "survived" and mu.id in budget:
                    label = "hors budget"
                pts = " %d/%d" % (mu.points, mu.max) if mu.points is not None else ""
                print("[%3d/%d] %-12s %-16s %-22s %-8s%s (%.0f s)" % (
                    done, total, label, mu.id, mu.where, mu.op, pts, mu.seconds), flush=True)
        except KeyboardInterrupt:
            runner.stop()
            for f in futs:
                f.cancel()
            raise

    if args.sample:
        return report_sample(selected, missing, t0)
    return report(num, lab, sources, mutants, selected, equivalent, budget, t0, args)


def record_test(path, ident, test):
    """sample.txt's third column for ID: the test that kills it (the caller,
    make mutants-tests, holds a lock: a lab's mutants share the file)."""
    out, found = [], False
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            cols = line.split("\t")
            if not line.lstrip().startswith("#") and cols[0].strip() == ident:
                line, found = "\t".join((cols + [""])[:2] + [test]), True
            out.append(line)
    if not found:
        print("mutate: %s absent de %s" % (ident, path), file=sys.stderr)
        return 2
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.replace(path + ".tmp", path)
    return 0


def write_patches(folder, lab, sources, selected, missing, killers):
    """make test grades the sample with the hand-written mutants, in one
    pool: each mutant as a patch whose first line says what it is, the
    next one the test that kills it (grader/mutant.sh grades it first)."""
    out = os.path.join(folder, lab)
    os.makedirs(out, exist_ok=True)
    for mu in selected:
        name = mu.id.replace(":", "_") + ".patch"
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(mu.patch_text(sources[mu.fname], killers.get(mu.id)))
    for w in missing:
        print("FAIL mutant généré %s du lab %s : introuvable (la solution a changé ? "
              "mettez sample.txt à jour)" % (w, lab))
    return 1 if missing else 0


def report_sample(selected, missing, t0):
    bad = 0
    for mu in selected:
        what = "mutant généré %s (%s, %s)" % (mu.id, mu.where, mu.op)
        if mu.verdict == "killed":
            print("ok   %s : tué (%d/%d, %.0f s)" % (what, mu.points, mu.max, mu.seconds))
        else:
            bad += 1
            why = {"survived": "NON tué (%s/%s)" % (mu.points, mu.max),
                   "noncompile": "ne compile plus", "error": "pas de note"}[mu.verdict]
            print("FAIL %s : %s" % (what, why))
            if mu.log:
                print("\n".join("     | " + l for l in mu.log.splitlines()[-15:]))
    for w in missing:
        bad += 1
        print("FAIL mutant généré %s : introuvable (la solution a changé ? mettez sample.txt à jour)" % w)
    print("(%d mutants de l'échantillon, %.0f s)" % (len(selected) + len(missing), time.monotonic() - t0))
    return 0 if bad == 0 else 1


def report(num, lab, sources, mutants, selected, equivalent, budget, t0, args):
    noncomp = [m for m in selected if m.verdict == "noncompile"]
    errors = [m for m in selected if m.verdict == "error"]
    killed = [m for m in selected if m.verdict == "killed"]
    surv = [m for m in selected if m.verdict == "survived"]
    equiv = [m for m in surv if m.id in equivalent]
    hb = [m for m in surv if m.id in budget and m.id not in equivalent]
    real = [m for m in surv if m.id not in equivalent and m.id not in budget]
    compiled = len(selected) - len(noncomp)
    denom = compiled - len(equiv) - len(errors)
    score = pct(len(killed), denom)
    score_ex = pct(len(killed), denom - len(hb))
    print()
    if real:
        print("Survivants (le mutant garde tous les points : un test manque, ou il est équivalent) :")
        for m in real:
            print("\n── %s  %s  (%s)" % (m.id, m.where, m.op))
            print(m.diff(sources[m.fname]), end="")
    if hb:
        print("\nHors budget (hors_budget.txt : effet hors de portée d'un test — temps, réseau, course) :")
        for m in hb:
            print("── %s  %s  (%s) : %s" % (m.id, m.where, m.op, budget[m.id]))
            print(m.diff(sources[m.fname]), end="")
    wrong = [m for m in killed if m.id in equivalent or m.id in budget]
    if wrong:
        print("\nAttention : déclarés équivalents ou hors budget, mais tués (retirez-les de la liste) :")
        for m in wrong:
            print("  %s  %s  (%d/%d)" % (m.id, m.where, m.points, m.max))
            if m.log:
                print("    " + m.log.replace("\n", "\n    "))
    if not args.only:
        stale = sorted(set(equivalent) | set(budget))
        stale = [i for i in stale if i not in {m.id for m in mutants}]
        if stale:
            print("\nAttention : ids listés qui ne correspondent plus à aucun mutant : " + ", ".join(stale))
    for m in errors:
        print("\nERREUR : %s (%s) n'a pas pu être noté :\n%s" % (m.id, m.where, m.log[-2000:]))
    el = time.monotonic() - t0
    print("\nLab %s — %s : %d mutants, %d non compilés, %d compilés" % (num, lab, len(selected), len(noncomp), compiled))
    print("  tués %d, équivalents %d, hors budget %d, survivants %d%s" % (
        len(killed), len(equiv), len(hb), len(real), ", non notés %d" % len(errors) if errors else ""))
    print("  score de mutation : %d/%d = %.1f %%  (tués ÷ (compilés − équivalents − hors budget))"
          % (len(killed), denom - len(hb), score_ex))
    print("  score strict      : %d/%d = %.1f %%  (tués ÷ (compilés − équivalents) : hors budget comptés survivants)"
          % (len(killed), denom, score))
    print("  durée : %.0f s" % el)
    decisive = score if args.strict else score_ex
    ok = decisive >= THRESHOLD and not errors
    print("  %s (seuil : %.0f %% du score %s)" % ("RÉUSSI" if ok else "ÉCHEC", THRESHOLD,
                                                 "strict" if args.strict else "de mutation"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
