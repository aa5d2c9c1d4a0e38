#!/usr/bin/env python3
"""report.py — the grader's report: reads bats' TAP as it streams, prints
each test's result in French as soon as it ends, keeps the lab's results in
a JSON state file, and writes Gradescope's results.json with a serializer.

  report.py phase  --rubric R --state S --lab NN --name X [--phase P]
                   [--filter RE] [--failfast] [--budget SEC] --token TOK  < TAP
  report.py fail-all --rubric R --state S --lab NN --name X --why TEXT [--filter RE]
  report.py finish --rubric R --state S --lab NN --name X [--summary F]
  report.py json   --out F --seed N --time SEC [--partial] [--header TEXT] S...

The rubric is TSV: points, exact test name, hint. Memory tests are the
ones whose name starts with « mémoire »: they run in the second phase.
"""
import argparse
import json
import os
import re
import queue
import signal
import sys
import threading
import time

# Ctrl-C is the grader's business: grade.sh's trap kills this reader
# first. Dying of the group's SIGINT on our own would end grade.sh's wait
# as a normal exit, before its trap ran, and the lab would go on.
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)

COLOR = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
GREEN, RED, YELLOW, BOLD, DIM, OFF = (
    ("\033[32m", "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[0m")
    if COLOR else ("",) * 6)
OTHER_PHASE = "autre phase"
RESULT = re.compile(r"^(not )?ok \d+ (.*)$")


def read_rubric(path):
    tests = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 3 or not fields[0].strip().isdigit():
                sys.exit(f"report.py: ligne de barème invalide : {line!r}")
            tests.append({"name": fields[1], "points": int(fields[0]), "hint": fields[2]})
    return tests


def is_memory(name):
    return name.startswith("mémoire")


def in_phase(name, phase):
    return phase == "all" or (phase == "memory") == is_memory(name)


def load_state(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {"results": {}}


def save_state(path, state):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, ensure_ascii=False)
    os.replace(tmp, path)


# C0 and C1 controls (ESC, CSI…), DEL, and the bidirectional marks and
# overrides that reorder what a terminal or a spreadsheet shows.
INERT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


INERT_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(data, one_line=False):
    """Valid UTF-8 text with no control character but newlines and tabs
    (none at all with one_line: a name, a CSV cell)."""
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return (INERT_LINE if one_line else INERT).sub("?", data)


def cmd_inert(args):
    """stdin to stdout, made inert (grade.sh and gradebook.sh use it)."""
    sys.stdout.write(clean_text(sys.stdin.buffer.read(), args.one_line))
    return 0


# A test that failed in a report without colours (NO_COLOR): its name.
FAILED_LINE = re.compile(r"^  ✗ \[ 0/ *\d+\] (.*)$", re.M)
BUDGET_SPENT = "budget épuisé"


def verdict(text):
    """What a grade's report says of a mutant: ("killed", NAME) for the
    first test that failed (a lab that did not compile fails none),
    ("budget", None) when the budget stopped it first (no verdict: the
    tests after it did not run), else ("survived", None). mutant.sh,
    mutate.py and make test (skeletons, references) judge by it alone."""
    for m in FAILED_LINE.finditer(text):
        if not m.group(1).endswith(" (non compilé)"):
            return "killed", m.group(1)
    if BUDGET_SPENT in text:
        return "budget", None
    return "survived", None


def cmd_verdict(args):
    with open(args.log, encoding="utf-8", errors="replace") as f:
        kind, name = verdict(f.read())
    print(kind if name is None else f"{kind}\t{name}")
    return 0


def say(args, text=""):
    if not args.quiet:
        print(text, flush=True)


FAILED_CMD = "la commande du test a échoué : "


def diag_lines(raw):
    """bats' diagnostics of a failed test, without bats' own plumbing."""
    out, failed_cmd = [], None
    for line in raw:
        if re.match(r"^\s*\(?(in test file|from function) ", line):
            continue
        m = re.match(r"^\s*`(.*)' failed(?: with status \d+)?$", line)
        if m:
            failed_cmd = m.group(1)
            continue
        out.append(line)
    # Our assertions explain themselves: bats' line naming the failed
    # command is shown (in French) only when nothing else explains it.
    if failed_cmd and not any(line.strip() for line in out):
        out = [FAILED_CMD + failed_cmd]
    while out and not out[-1].strip():
        out.pop()
    return out


def explained(raw):
    """Whether a failed test's diagnostics say why in French (our
    assertions), not only which command of the test failed."""
    lines = diag_lines(raw)
    return bool(lines) and not lines[0].startswith(FAILED_CMD)


class Phase:
    def __init__(self, args, rubric, state):
        self.args, self.state = args, state
        self.by_name = {t["name"]: t for t in rubric}
        self.current, self.diag = None, []
        self.seen_outputs = {}

    def flush(self):
        """Prints and records the test whose TAP block just ended."""
        if self.current is None:
            return False
        name, status, reason = self.current
        self.current = None
        t = self.by_name.get(name)
        if t is None:
            say(self.args, f"  {YELLOW}? test absent du barème : {name}{OFF}")
            return False
        pts, mx = (t["points"] if status == "pass" else 0), t["points"]
        res = {"status": status, "score": pts, "max": mx, "output": ""}
        if status == "pass":
            say(self.args, f"  {GREEN}✓{OFF} [{pts:2d}/{mx:2d}] {name}")
        elif status == "skip":
            res["output"] = f"non exécuté : {reason}"
            say(self.args, f"  {YELLOW}–{OFF} [ 0/{mx:2d}] {name} {DIM}(non exécuté : {reason}){OFF}")
        else:
            lines = diag_lines(self.diag)
            text = clean_text("\n".join(lines))
            say(self.args, f"  {RED}✗{OFF} [ 0/{mx:2d}] {name}")
            same = self.seen_outputs.get(text) if text else None
            if same:
                say(self.args, f"      (même explication que pour « {same} »)")
            else:
                for line in lines:
                    say(self.args, "      " + clean_text(line))
                if text:
                    self.seen_outputs[text] = name
            say(self.args, f"      {YELLOW}indice :{OFF} {t['hint']}")
            res["output"] = text + ("\n" if text else "") + "indice : " + t["hint"]
        self.diag = []
        self.state["results"][name] = res
        return status == "fail"


def selected(args):
    """The lab's state and the rubric's tests that T= selects."""
    filt = re.compile(args.filter) if args.filter else None
    tests = [t for t in read_rubric(args.rubric) if not filt or filt.search(t["name"])]
    return load_state(args.state), tests


class Progress:
    """On a terminal, a transient line under the last result: the test that
    is running (the phase's next one: bats runs them in file order), its
    rank and the time it has taken so far; erased before each result."""

    def __init__(self, args, rubric):
        self.on = sys.stdout.isatty() and not args.quiet
        self.order = [t["name"] for t in rubric if in_phase(t["name"], args.phase)]
        self.done, self.since, self.shown = 0, time.monotonic(), False

    def running(self):
        return self.order[self.done] if self.done < len(self.order) else None

    def tick(self):
        name = self.running()
        if not self.on or name is None:
            return
        secs = int(time.monotonic() - self.since)
        sys.stdout.write(f"\r\033[K  {DIM}… en cours ({self.done + 1}/{len(self.order)}, {secs} s) : {name}{OFF}")
        sys.stdout.flush()
        self.shown = True

    def clear(self):
        if self.shown:
            sys.stdout.write("\r\033[K")
            sys.stdout.flush()
            self.shown = False

    def next(self):
        self.done += 1
        self.since = time.monotonic()


def tap_lines(stream):
    """The TAP lines, with None every second of silence (for Progress)."""
    q = queue.Queue()

    def pump():
        for line in stream:
            q.put(line)
        q.put(StopIteration)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        try:
            line = q.get(timeout=1)
        except queue.Empty:
            yield None
            continue
        if line is StopIteration:
            return
        yield line


def cmd_phase(args):
    state, rubric = selected(args)
    ph = Phase(args, rubric, state)
    progress = Progress(args, rubric)
    end_rc = None
    marker = f"# fin-{args.token} "
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", newline="\n")
    copy = open(args.copy_to, "a", encoding="utf-8") if args.copy_to else None
    for line in tap_lines(stdin):
        if line is None:
            progress.tick()
            continue
        if copy:
            copy.write(line)
            copy.flush()
        line = line.rstrip("\n")
        if line.startswith(marker):
            end_rc = int(line[len(marker):] or 1)
            break
        m = RESULT.match(line)
        if m:
            progress.clear()
            failed = ph.flush()
            if failed and args.failfast:
                break
            ok, rest = m.group(1) is None, m.group(2)
            skip = re.search(r" # skip(?: \((.*)\)| (.*))?$", rest) if ok else None
            if skip:
                reason = skip.group(1) or skip.group(2) or ""
                rest = rest[:skip.start()]
                if reason == OTHER_PHASE:
                    continue
                ph.current = (rest, "skip", reason)
            else:
                ph.current = (rest, "pass" if ok else "fail", "")
            if rest in progress.order:
                progress.next()
        elif line.startswith("#") and ph.current is not None:
            ph.diag.append(line[2:] if line.startswith("# ") else line[1:])
    progress.clear()
    exhausted = end_rc in (124, 137)
    cut_short = None
    if exhausted and ph.current is not None and ph.current[1] == "fail" and not explained(ph.diag):
        # The budget's signal reaches bats too, which reports the test it
        # cut short as failed, naming the command that was running: that
        # test did not fail, it did not finish.
        cut_short = ph.current[0]
        ph.current, ph.diag = None, []
    failed = ph.flush()
    save_state(args.state, state)
    if args.failfast and (failed or any(r["status"] == "fail" for r in state["results"].values())):
        return 10
    # Tests of this phase that never reported: the budget ran out, or bats
    # itself stopped.
    if exhausted:
        why = f"budget épuisé : {args.budget} s pour cette partie du lab"
        if cut_short or progress.running():
            why += f", pendant « {cut_short or progress.running()} »"
    elif end_rc == 0:
        why = None
    else:
        why = f"le correcteur s'est arrêté (code {end_rc})"
    for t in rubric:
        # A program that used up the budget would use up the next phase's
        # too: the remaining tests of every phase are not run.
        if t["name"] in state["results"] or not (exhausted or in_phase(t["name"], args.phase)):
            continue
        reason = why or "aucun résultat"
        state["results"][t["name"]] = {"status": "notrun", "score": 0, "max": t["points"],
                                       "output": f"non exécuté ({reason})"}
        say(args, f"  {YELLOW}–{OFF} [ 0/{t['points']:2d}] {t['name']} {DIM}(non exécuté : {reason}){OFF}")
    save_state(args.state, state)
    return 11 if exhausted else 0


def cmd_fail_all(args):
    state, rubric = selected(args)
    why = clean_text(open(args.why, "rb").read()) if os.path.exists(args.why) else args.why
    for line in why.rstrip("\n").split("\n"):
        say(args, f"  {RED}│{OFF} {line}")
    for t in rubric:
        state["results"][t["name"]] = {"status": "fail", "score": 0, "max": t["points"], "output": why}
        say(args, f"  {RED}✗{OFF} [ 0/{t['points']:2d}] {t['name']} {DIM}(non compilé){OFF}")
    save_state(args.state, state)
    return 0


def cmd_finish(args):
    state, rubric = selected(args)
    pts = mx = 0
    mem = "—"
    tests = []
    for t in rubric:
        r = state["results"].get(t["name"]) or {
            "status": "notrun", "score": 0, "max": t["points"], "output": "non exécuté"}
        pts += r["score"]
        mx += t["points"]
        if is_memory(t["name"]):
            if r["status"] == "pass":
                mem = "OK" if mem == "—" else mem
            elif r["status"] in ("skip", "notrun"):
                mem = "non exécuté" if mem != "ÉCHEC" else mem
            else:
                mem = "ÉCHEC"
        tests.append({"name": f"Lab {args.lab} — {t['name']}", "score": r["score"],
                      "max_score": t["points"], "status": r["status"],
                      "output": r["output"]})
    state.update(lab=args.lab, lab_name=args.name, points=pts, max=mx, memory=mem, tests=tests)
    save_state(args.state, state)
    # Tests not run (NOVALGRIND=1, T=, no IPv6…): the score is also given
    # over the tests that ran, so that a partial run does not look failed.
    notrun = [t for t in tests if t["status"] in ("skip", "notrun")]
    ran = mx - sum(t["max_score"] for t in notrun)
    colour = GREEN if pts == mx or (notrun and pts == ran) else RED
    extra = ""
    if notrun:
        which = ("tests mémoire" if all(is_memory(t["name"].split(" — ", 1)[1]) for t in notrun)
                 else f"{len(notrun)} test(s)")
        extra = f" {DIM}({pts}/{ran} sur les tests exécutés ; {which} non exécutés){OFF}"
    say(args, f"{BOLD}Lab {args.lab} — {args.name} : {colour}{pts}/{mx}{OFF}{extra}")
    if args.summary:
        with open(args.summary, "a", encoding="utf-8") as f:
            f.write(f"{args.lab}\t{pts}\t{mx}\t{mem}\n")
    return 0


def cmd_json(args):
    tests, score, max_score, lines = [], 0, 0, []
    for path in args.states:
        st = load_state(path)
        score += st.get("points", 0)
        max_score += st.get("max", 0)
        lines.append(f"Lab {st.get('lab')} — {st.get('lab_name')} : {st.get('points', 0)}/{st.get('max', 0)}")
        for t in st.get("tests", []):
            entry = {"name": t["name"], "score": t["score"], "max_score": t["max_score"],
                     "status": "passed" if t["status"] == "pass" else "failed",
                     "output": clean_text(t["output"])[:8000], "visibility": "visible"}
            if t["status"] in ("skip", "notrun"):
                # Not run is not failed: Gradescope has no third status, so
                # the test carries no status and its output says why.
                del entry["status"]
            tests.append(entry)
    header = [clean_text(args.header)] if args.header else []
    if args.partial:
        header.append("Notation partielle (T=) : seuls les tests choisis ont été lancés.")
    header.append(f"Graine des données aléatoires : {args.seed} (rejouer : SEED={args.seed})")
    result = {"score": score, "max_score": max_score, "execution_time": int(args.time),
              "visibility": "visible", "stdout_visibility": "visible",
              "output": "\n".join(header + lines), "tests": tests}
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, args.out)
    return 0


def main():
    p = argparse.ArgumentParser(prog="report.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("phase", "fail-all", "finish"):
        s = sub.add_parser(name)
        s.add_argument("--rubric", required=True)
        s.add_argument("--state", required=True)
        s.add_argument("--lab", required=True)
        s.add_argument("--name", required=True)
        s.add_argument("--filter", default="")
        s.add_argument("--quiet", action="store_true")
        if name == "phase":
            s.add_argument("--phase", default="all", choices=("all", "quick", "memory"))
            s.add_argument("--failfast", action="store_true")
            s.add_argument("--budget", default="?")
            s.add_argument("--token", required=True)
            s.add_argument("--copy-to", default="")
        if name == "fail-all":
            s.add_argument("--why", required=True)
        if name == "finish":
            s.add_argument("--summary")
    s = sub.add_parser("json")
    s.add_argument("--out", required=True)
    s.add_argument("--seed", required=True)
    s.add_argument("--time", type=float, default=0)
    s.add_argument("--partial", action="store_true")
    s.add_argument("--header", default="")
    s.add_argument("states", nargs="*")
    s = sub.add_parser("verdict")
    s.add_argument("log")
    s = sub.add_parser("inert")
    s.add_argument("--one-line", action="store_true")
    args = p.parse_args()
    return {"phase": cmd_phase, "fail-all": cmd_fail_all, "finish": cmd_finish,
            "json": cmd_json, "inert": cmd_inert, "verdict": cmd_verdict}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
