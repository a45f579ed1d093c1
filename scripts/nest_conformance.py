#!/usr/bin/env python3
"""Measure how much of NEST 3.10's own pytest suite and examples spindle runs.

NEST's wheel ships its examples (`nest/doc/examples/pynest/`) and its pytest suite
(`nest/share/nest/testsuite/pytests/`). They are spindle's conformance targets: this script runs
them unchanged, once with NEST itself and once with `import nest` swapped for spindle by the shim
in `scripts/nest_shim/` (put first on `PYTHONPATH`), and reports the difference.

    python3 scripts/nest_conformance.py --suite --examples --report conformance.md

`--suite` runs pytest in a subprocess per side, with a per-test timeout (pytest-timeout),
`-p no:cacheprovider` and `--junitxml`, and reports: the cases that pass on NEST, how many of
those pass on spindle, and the failures on spindle grouped by cause (exception class and a
normalised message, `NotImplemented: nest.Disconnect`, `AssertionError in test_x`), most frequent
first. NEST's side does not change between spindle versions, so its results are cached in
`WORK/nest-suite.json` (per selection and timeout) and reused unless `--fresh-nest` is given.

`--examples` runs each example in a fresh copy of its folder under `WORK/examples/{nest,spindle}/`
with `MPLBACKEND=Agg` and a timeout, and reports ok / failed (exception class and the first line of
its message) / timeout for both sides; every matplotlib figure still open at exit is saved there
as PNG so a person can compare spindle's with NEST's. Which examples run follows NEST's own
`run_examples.sh` (its skip list included).

The Markdown report (`--report FILE`) is meant for `docs/python.md`; the same numbers go to a JSON
file next to it. The script measures; it does not gate: it exits 0 whatever the counts (2 for
bad arguments, as argparse does).

spindle is whatever `import spindle` gives the interpreter `--python` (default: the one running
this script); NEST is that interpreter's `import nest` without the shim.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
SHIM = SCRIPTS / "nest_shim"

# NEST's do_tests.sh runs these folders separately, under mpirun; their test files share
# basenames with ordinary ones, which breaks pytest's default import mode when collected together.
SUITE_IGNORED = ("mpi_direct", "mpi_indirect")

# NEST's run_examples.sh skips these: not meant to be run (the MUSIC scripts, the benchmark
# driver), missing input files (the N-MNIST one), or needing libneurosim (CSA).
EXAMPLES_SKIPPED = (
    "brette_et_al_2007_benchmark.py",
    "nest_script.py",
    "receiver_script.py",
    "eprop_supervised_classification_neuromorphic_mnist.py",
    "csa_example.py",
    "csa_spatial_example.py",
)

# Runs an example as `python SCRIPT` would (sys.argv, sys.path[0], __main__), records the
# exception that ended it, and saves every figure still open at exit.
EXAMPLE_WRAPPER = r"""
import json, os, runpy, sys, traceback
script, result_file = sys.argv[1], sys.argv[2]
sys.argv = [script]
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
outcome = {"status": "ok"}
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit as e:
    if e.code not in (None, 0):
        outcome = {"status": "failed", "exception": "SystemExit", "message": str(e.code)}
except BaseException as e:
    traceback.print_exc()
    lines = str(e).strip().splitlines()
    outcome = {"status": "failed", "exception": type(e).__name__,
               "message": lines[0] if lines else ""}
figures = []
plt = sys.modules.get("matplotlib.pyplot")
if plt is not None:
    for i, num in enumerate(plt.get_fignums(), 1):
        name = f"figure-{i:02d}.png"
        try:
            plt.figure(num).savefig(name)
            figures.append(name)
        except Exception as e:
            print(f"could not save figure {num}: {e}", file=sys.stderr)
outcome["figures"] = figures
with open(result_file, "w") as f:
    json.dump(outcome, f)
sys.stdout.flush()
os._exit(0 if outcome["status"] == "ok" else 1)
"""


# ---- where things are ---------------------------------------------------------------------


def nest_location(python: str) -> Path:
    """The installed NEST package folder of `python`, found without importing NEST."""
    code = "import importlib.util as u; print(u.find_spec('nest').submodule_search_locations[0])"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=clean_env())
    if out.returncode != 0:
        sys.exit(f"error: {python} has no NEST (import nest): {out.stderr.strip()}")
    return Path(out.stdout.strip())


def clean_env(**extra) -> dict:
    """The environment without a PYTHONPATH that could already hold the shim."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg", **extra)
    return env


def shim_env(**extra) -> dict:
    env = clean_env(**extra)
    env["PYTHONPATH"] = str(SHIM)
    return env


def versions(python: str) -> dict:
    code = (
        "import importlib.metadata as m, json\n"
        "out = {}\n"
        "for d in ('nest-simulator', 'spindle', 'pytest', 'pytest-timeout'):\n"
        "    try: out[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: out[d] = None\n"
        "print(json.dumps(out))"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=clean_env())
    return json.loads(out.stdout) if out.returncode == 0 else {}


# ---- the pytest suite ---------------------------------------------------------------------


def run_pytest(python, suite, side, args, work: Path) -> dict:
    """Runs the suite on one side ("nest" or "spindle"); returns its cases and timing."""
    xml = work / f"{side}-junit.xml"
    log = work / f"{side}-pytest.log"
    xml.unlink(missing_ok=True)
    rundir = Path(tempfile.mkdtemp(prefix=f"pytest-{side}-", dir=work))
    cmd = [
        python,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rN",
        "--continue-on-collection-errors",
    ]
    cmd += ["--timeout", str(args.timeout), f"--junitxml={xml}"]
    cmd += [f"--ignore={suite / d}" for d in SUITE_IGNORED]
    if args.k:
        cmd += ["-k", args.k]
    cmd += [str(suite / p) for p in args.tests] or [str(suite)]
    progress = work / f"{side}-progress.jsonl"
    progress.unlink(missing_ok=True)
    cmd += ["-p", "nest_conformance"]  # this file, as a plugin: pytest_runtest_logreport
    env = shim_env() if side == "spindle" else clean_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (env.get("PYTHONPATH"), str(SCRIPTS))))
    env["NEST_CONFORMANCE_PROGRESS"] = str(progress)
    print(f"[suite] {side}: {' '.join(cmd[1:4])} … (log: {log})", flush=True)
    start = time.monotonic()
    with open(log, "w") as out:
        try:
            proc = subprocess.run(
                cmd,
                cwd=rundir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=args.suite_timeout,
                start_new_session=True,
            )
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    seconds = time.monotonic() - start
    shutil.rmtree(rundir, ignore_errors=True)
    if xml.exists():
        cases = parse_junit(xml, suite)
    else:  # killed or crashed: what the progress hook (below) recorded up to then
        tail = log.read_text(errors="replace")[-1000:]
        print(
            f"[suite] {side}: no {xml.name} (exit {rc}); using {progress.name}. Log ends:\n{tail}"
        )
        cases = parse_progress(progress)
    print(f"[suite] {side}: {len(cases)} cases in {seconds:.0f} s (exit {rc})", flush=True)
    return {"cases": cases, "seconds": round(seconds, 1), "exit": rc, "complete": xml.exists()}


def parse_junit(xml: Path, suite: Path) -> dict:
    """{test id: {"outcome", "cause", "seconds"}} from a pytest junit file."""
    cases = {}
    for case in ET.parse(xml).getroot().iter("testcase"):
        cls, name = case.get("classname", ""), case.get("name", "")
        test_id = f"{cls}::{name}" if cls else name
        outcome, cause = "passed", None
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "error" if child.tag == "error" else "failed"
                cause = failure_cause(child.get("message", ""), child.text or "", name, cls)
                break
            if child.tag == "skipped":
                outcome = "xfailed" if child.get("type") == "pytest.xfail" else "skipped"
                cause = first_line(child.get("message", ""))
        cases[test_id] = {"outcome": outcome, "cause": cause, "seconds": float(case.get("time", 0))}
    return cases


def pytest_runtest_logreport(report):
    """pytest hook (this file is loaded as a plugin into the suite's runs): appends each phase's
    outcome to a JSON-lines file, so that a run killed by `--suite-timeout` or crashed by a
    native error still says which cases ran, and which one it died in."""
    path = os.environ.get("NEST_CONFORMANCE_PROGRESS")
    if not path:
        return
    entry = {"id": report.nodeid, "when": report.when, "outcome": report.outcome}
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        entry["message"] = crash.message if crash else str(report.longrepr).splitlines()[-1]
    with open(path, "a") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()


def parse_progress(path: Path) -> dict:
    """The cases of a progress file, ids as in junit ("dir.module::name")."""
    cases = {}
    if not path.exists():
        return cases
    for line in path.read_text().splitlines():
        e = json.loads(line)
        file, *inner = e["id"].split("::")  # dir/module.py::[Class::]name[params]
        module = ".".join([file.removesuffix(".py").replace("/", "."), *inner[:-1]])
        name = inner[-1] if inner else file
        test_id = f"{module}::{name}"
        case = cases.setdefault(test_id, {"outcome": "crashed", "cause": "Crash", "seconds": 0.0})
        if e["outcome"] == "failed":
            cause = failure_cause(e.get("message", ""), "", name, file)
            case.update(outcome="error" if e["when"] != "call" else "failed", cause=cause)
        elif e["outcome"] == "skipped" and case["outcome"] == "crashed":
            case.update(outcome="skipped", cause="skipped")
        elif e["when"] == "teardown" and case["outcome"] == "crashed":
            case.update(outcome="passed", cause=None)
    return cases


def first_line(text: str) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[0].strip() if lines else ""


# "module.Class: message", as pytest writes an exception (the class capitalised, as all are).
EXCEPTION_LINE = re.compile(r"^(?:E\s+)?((?:[A-Za-z_]\w*\.)*[A-Z]\w*): ?(.*)$")


def failure_cause(message: str, text: str, name: str, cls: str) -> str:
    """A failure's cause as 'Class: normalised message', the unit the report counts.

    Assertion failures are named after their test function (their messages are values); the
    others after the exception class (without its module) and the first line of its message,
    with numbers, quoted values and ids replaced so that the same cause counts once."""
    message = message.strip()
    if message.startswith("failed on setup with ") or message.startswith(
        "failed on teardown with "
    ):
        message = message.split(" with ", 1)[1].strip('"')
    if message.startswith("Failed: Timeout"):
        return "Timeout (pytest-timeout)"
    if "collection failure" in message or not message:
        # A collection error's message is generic; the exception is in the last E line.
        e_lines = [l[1:].strip() for l in text.splitlines() if l.startswith("E ")]
        message = e_lines[-1] if e_lines else first_line(text)
    m = EXCEPTION_LINE.match(first_line(message))
    exc = m.group(1).rsplit(".", 1)[-1] if m else None
    if exc == "AssertionError" or first_line(message).startswith("assert"):
        return f"AssertionError in {base_test_name(name, cls)}"
    if not m:
        return f"other: {normalise(first_line(message))}"
    return f"{exc}: {normalise(m.group(2))}" if m.group(2) else exc


def base_test_name(name: str, cls: str) -> str:
    func = name.split("[", 1)[0]
    return func if func.startswith("test") else f"{cls.rsplit('.', 1)[-1]}.{func}"


def normalise(detail: str) -> str:
    detail = first_line(detail)
    detail = re.sub(r"\s+is not implemented in spindle \(nest shim\)$", "", detail)
    detail = re.sub(r"0x[0-9a-fA-F]+", "0x…", detail)
    detail = re.sub(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])", "N", detail)
    detail = re.sub(r"\[[^\]]{40,}\]", "[…]", detail)
    return detail[:100] + ("…" if len(detail) > 100 else "")


def suite_results(args, work: Path, suite: Path, python: str) -> dict:
    # NEST's outcomes depend on the selection only (the timeout used is recorded with them).
    key = json.dumps({"k": args.k, "tests": args.tests}, sort_keys=True)
    cache_file = work / "nest-suite.json"
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    if key in cache and not args.fresh_nest:
        nest = cache[key]
        print(f"[suite] nest: reusing {len(nest['cases'])} cases from {cache_file}", flush=True)
    else:
        nest = run_pytest(python, suite, "nest", args, work)
        nest["timeout"] = args.timeout
        cache[key] = nest
        cache_file.write_text(json.dumps(cache, indent=1))
    spindle = run_pytest(python, suite, "spindle", args, work)
    return summarise_suite(nest, spindle)


def summarise_suite(nest: dict, spindle: dict) -> dict:
    passing = sorted(t for t, c in nest["cases"].items() if c["outcome"] == "passed")
    # A case the spindle run does not list failed to be collected: its file's collection error
    # (a testcase named after the module) is its cause.
    collection = {
        t: c for t, c in spindle["cases"].items() if "::" not in t and c["outcome"] == "error"
    }
    failures = {}
    for t in passing:
        c = spindle["cases"].get(t)
        if c is None:
            # Either its file failed to import (below) or the case is a parameter spindle's
            # answers did not generate (a test parametrised over `nest.node_models`, say).
            if spindle.get("complete", True):
                cause = "case not generated on spindle (parametrised over e.g. nest.node_models)"
            else:
                cause = "not reached: spindle's pytest run was killed or crashed"
            c = {"outcome": "missing", "cause": cause}
            parts = t.split("::", 1)[0].split(".")  # package.module[.Class]
            for n in range(len(parts), 0, -1):
                if ".".join(parts[:n]) in collection:
                    c = collection[".".join(parts[:n])]
                    break
        if c["outcome"] != "passed":
            cause = c["cause"] or c["outcome"]
            if c["outcome"] == "skipped":
                cause = f"skipped: {normalise(cause)}"
            failures[t] = cause
    counts = Counter(failures.values())
    return {
        "nest": {
            "seconds": nest["seconds"],
            "outcomes": dict(Counter(c["outcome"] for c in nest["cases"].values())),
        },
        "spindle": {
            "seconds": spindle["seconds"],
            "outcomes": dict(Counter(c["outcome"] for c in spindle["cases"].values())),
        },
        "nest_passed": len(passing),
        "spindle_passed_of_those": len(passing) - len(failures),
        "causes": counts.most_common(),
        "failures": failures,
        "spindle_only_passes": sorted(
            t
            for t, c in spindle["cases"].items()
            if c["outcome"] == "passed" and t not in set(passing)
        ),
    }


# ---- the examples -------------------------------------------------------------------------


def list_examples(root: Path) -> list[str]:
    """The examples NEST's run_examples.sh runs, relative to `root`: the scripts of the top folder
    and of every subfolder without a run_example.py, and each subfolder's run_example.py."""
    found = []
    for folder in [
        root,
        *sorted(p for p in root.iterdir() if p.is_dir() and p.name != "__pycache__"),
    ]:
        driver = folder / "run_example.py"
        if folder != root and driver.exists():
            found.append(driver)
        else:
            found += sorted(folder.glob("*.py"))
    return [str(p.relative_to(root)) for p in found if p.name not in EXAMPLES_SKIPPED]


def run_example(python, root: Path, rel: str, side: str, work: Path, timeout: float) -> dict:
    script = root / rel
    rundir = work / "examples" / side / rel.replace("/", "__").removesuffix(".py")
    shutil.rmtree(rundir, ignore_errors=True)
    if script.parent == root:
        rundir.mkdir(parents=True)
        shutil.copy2(script, rundir)
    else:  # a subfolder example may read or import its siblings
        shutil.copytree(script.parent, rundir, ignore=shutil.ignore_patterns("__pycache__"))
    result_file = rundir / "_outcome.json"
    env = shim_env() if side == "spindle" else clean_env()
    cmd = [python, "-c", EXAMPLE_WRAPPER, str(rundir / script.name), str(result_file)]
    start = time.monotonic()
    with open(rundir / "_output.log", "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=rundir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    seconds = round(time.monotonic() - start, 1)
    if result_file.exists():
        outcome = json.loads(result_file.read_text())
    elif seconds >= timeout:
        outcome = {"status": "timeout", "figures": []}
    else:
        tail = (rundir / "_output.log").read_text(errors="replace").strip().splitlines()[-1:]
        outcome = {
            "status": "failed",
            "exception": f"exit {proc.returncode}",
            "message": tail[0] if tail else "",
            "figures": [],
        }
    outcome["seconds"] = seconds
    return outcome


def examples_results(args, work: Path, root: Path, python: str) -> dict:
    names = list_examples(root)
    if args.example:
        names = [n for n in names if any(sel in n for sel in args.example)]
    cache_file = work / "nest-examples.json"
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    key = "examples"  # NEST's outcomes do not depend on spindle; each records its own time
    cached = {} if args.fresh_nest else cache.get(key, {})
    jobs = [(n, "nest") for n in names if n not in cached] + [(n, "spindle") for n in names]
    results = {"nest": {n: cached[n] for n in names if n in cached}, "spindle": {}}
    print(
        f"[examples] {len(names)} examples, {len(jobs)} runs ({len(results['nest'])} NEST "
        f"results cached)",
        flush=True,
    )
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {
            pool.submit(run_example, python, root, n, side, work, args.example_timeout): (n, side)
            for n, side in jobs
        }
        for f in concurrent.futures.as_completed(futures):
            n, side = futures[f]
            results[side][n] = f.result()
            print(f"[examples] {side:7} {describe(results[side][n]):60.60} {n}", flush=True)
    # A timeout may be the machine's load rather than NEST's: run it again next time.
    cache.setdefault(key, {}).update(
        {n: r for n, r in results["nest"].items() if r["status"] != "timeout"}
    )
    cache_file.write_text(json.dumps(cache, indent=1))
    return {"names": names, **results}


def describe(outcome: dict) -> str:
    if outcome["status"] == "failed":
        return f"failed: {outcome['exception']}: {normalise(outcome.get('message', ''))}"
    return outcome["status"]


# ---- the report ---------------------------------------------------------------------------


def markdown(report: dict) -> str:
    out = ["# NEST 3.10's own tests and examples on spindle", ""]
    v = report["versions"]
    out += [
        f"Measured {report['date']} with `scripts/nest_conformance.py` (NEST "
        f"{v.get('nest-simulator')}, spindle {v.get('spindle')}, pytest {v.get('pytest')}).",
        "",
    ]
    s = report.get("suite")
    if s:
        share = s["spindle_passed_of_those"] / s["nest_passed"] if s["nest_passed"] else 0.0
        out += ["## NEST's pytest suite", ""]
        out += [
            f"Per-test timeout {report['args']['timeout']} s; `mpi_direct/` and `mpi_indirect/` "
            f"are left out as NEST's do_tests.sh does.",
            "",
        ]
        out += ["| | NEST | spindle |", "|---|---:|---:|"]
        for outcome in ("passed", "failed", "error", "skipped", "xfailed"):
            out.append(
                f"| {outcome} | {s['nest']['outcomes'].get(outcome, 0)} | "
                f"{s['spindle']['outcomes'].get(outcome, 0)} |"
            )
        out.append(
            f"| wall time | {s['nest']['seconds']:.0f} s | {s['spindle']['seconds']:.0f} s |"
        )
        out += [
            "",
            f"**{s['spindle_passed_of_those']} of the {s['nest_passed']} cases that pass on "
            f"NEST pass on spindle ({100 * share:.1f} %).**",
            "",
        ]
        out += [
            "Why the others fail on spindle, most frequent first:",
            "",
            "| cases | cause |",
            "|---:|---|",
        ]
        limit = report["args"]["causes"]
        for cause, n in s["causes"][:limit]:
            out.append(f"| {n} | {md_cell(cause)} |")
        rest = s["causes"][limit:]
        if rest:
            out.append(f"| {sum(n for _, n in rest)} | {len(rest)} further causes (see the JSON) |")
        out.append("")
    e = report.get("examples")
    if e:
        ok = {
            side: sum(e[side][n]["status"] == "ok" for n in e["names"])
            for side in ("nest", "spindle")
        }
        both = sum(
            e["nest"][n]["status"] == "ok" and e["spindle"][n]["status"] == "ok" for n in e["names"]
        )
        out += ["## NEST's examples", ""]
        out += [
            f"{len(e['names'])} examples (NEST's run_examples.sh selection), timeout "
            f"{report['args']['example_timeout']} s each: {ok['nest']} run on NEST here, "
            f"{ok['spindle']} on spindle, {both} on both. Figures open at exit are saved under "
            f"`examples/{{nest,spindle}}/NAME/` in the work folder.",
            "",
        ]
        out += ["| example | NEST | spindle | figures NEST / spindle |", "|---|---|---|---|"]
        for n in e["names"]:
            a, b = e["nest"][n], e["spindle"][n]
            out.append(
                f"| `{n}` | {md_cell(describe(a))} ({a['seconds']:.0f} s) | "
                f"{md_cell(describe(b))} ({b['seconds']:.0f} s) | "
                f"{len(a.get('figures', []))} / {len(b.get('figures', []))} |"
            )
        out.append("")
    return "\n".join(out)


def md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---- main ---------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--suite", action="store_true", help="run NEST's pytest suite on both sides")
    p.add_argument("--examples", action="store_true", help="run NEST's examples on both sides")
    p.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter with nest and spindle installed (default: this one)",
    )
    p.add_argument(
        "--work",
        type=Path,
        default=Path("nest-conformance"),
        help="folder for logs, junit files, figures and the NEST caches",
    )
    p.add_argument("--report", type=Path, help="write the Markdown report here (JSON next to it)")
    p.add_argument("-k", help="pytest -k expression selecting a subset of the suite")
    p.add_argument(
        "tests",
        nargs="*",
        help="test files or folders, relative to NEST's pytests folder (default: all)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60,
        help="per-test timeout in s (pytest-timeout; default 60)",
    )
    p.add_argument(
        "--suite-timeout",
        type=float,
        default=3600,
        help="limit for each whole pytest run in s (default 3600)",
    )
    p.add_argument(
        "--example", action="append", help="run only examples whose path contains this (repeatable)"
    )
    p.add_argument(
        "--example-timeout", type=float, default=300, help="per example, s (default 300)"
    )
    p.add_argument("-j", "--jobs", type=int, default=1, help="examples run at the same time")
    p.add_argument("--fresh-nest", action="store_true", help="rerun NEST instead of its cache")
    p.add_argument("--causes", type=int, default=25, help="failure causes listed in the report")
    args = p.parse_args()
    if not (args.suite or args.examples):
        p.error("say --suite, --examples or both")

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    nest_dir = nest_location(args.python)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "versions": versions(args.python),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    if args.suite:
        report["suite"] = suite_results(
            args, work, nest_dir / "share/nest/testsuite/pytests", args.python
        )
    if args.examples:
        report["examples"] = examples_results(
            args, work, nest_dir / "doc/examples/pynest", args.python
        )

    text = markdown(report)
    print(text)
    if args.report:
        args.report.write_text(text)
        args.report.with_suffix(".json").write_text(json.dumps(report, indent=1))
        print(f"wrote {args.report} and {args.report.with_suffix('.json')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
