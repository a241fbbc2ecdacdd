#!/usr/bin/env python3
"""Benchmarks for sourcer: start-up, a 2,000-term library, a 10,000-row mail-merge.

Run with the sourcer you want to measure installed in the current Python environment:

    python benchmarks/run.py              # every figure with its target and PASS/FAIL
    python benchmarks/run.py --markdown   # the same, as the table in BENCHMARKS.md

It builds its own data in a temporary folder (a synthetic library of 2,000 terms and a
10,000-row CSV), times whole commands over repeated runs, alternating each with what it is
compared to so that drift on the machine hits both alike, and prints medians and ratios.
Exit status 1 if any target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import sourcer
from sourcer.home import shipped_dir

LIBRARY_SIZE = 2_000
CSV_ROWS = 10_000


class Result(NamedTuple):
    name: str
    value: float
    unit: str
    target: str
    passed: bool
    detail: str = ""


def sourcer_command() -> list[str]:
    """The installed console script next to this Python, else python -m sourcer."""
    script = Path(sys.executable).with_name("sourcer")
    if script.exists():
        return [str(script)]
    found = shutil.which("sourcer")
    return [found] if found else [sys.executable, "-m", "sourcer"]


def timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def alternate(
    first: Sequence[str], second: Sequence[str], env: dict[str, str], runs: int
) -> tuple[list[float], list[float], int]:
    """Time two commands in turn, ``runs`` times each; also the second's peak RSS."""
    a: list[float] = []
    b: list[float] = []
    peak = 0
    for _ in range(runs):
        a.append(timed(first, env)[0])
        elapsed, rss = timed(second, env)
        b.append(elapsed)
        peak = max(peak, rss)
    return a, b, peak


def make_library(folder: Path) -> None:
    """2,000 valid terms shaped like the shipped flask.yaml, each with its own names."""
    folder.mkdir(parents=True)
    template = (Path(shipped_dir("terms")) / "flask.yaml").read_text(encoding="utf-8")
    for i in range(LIBRARY_SIZE):
        (folder / f"tech{i:04d}.yaml").write_text(
            template.replace("Flask", f"Tech{i:04d}"), encoding="utf-8"
        )


def make_csv(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["First Name", "Last Name", "Current Company"])
        for i in range(CSV_ROWS):
            writer.writerow([f"Name{i}", f"Surname{i}", f"Company {i % 97}"])


def in_process_all_terms(runs: int) -> list[float]:
    """`sourcer query TERM --board all --json` for every shipped term, in one process."""
    from sourcer.library.store import Layer, Library
    from sourcer.query.boards import BOARDS
    from sourcer.query.recipe import Options
    from sourcer.query.search import compile_searches

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        library = Library([Layer("builtin", shipped_dir("terms"))])
        for entry in library.entries().values():
            term = library.get(entry.slug)
            searches = compile_searches([term], Options(), list(BOARDS), lookup=library.find)
            json.dumps([s.to_dict() for s in searches])
        times.append(time.perf_counter() - start)
    return times


def run(runs: int) -> list[Result]:
    package = Path(sourcer.__file__).parent
    compileall.compile_dir(str(package), quiet=1)  # as pip does on install
    cmd = sourcer_command()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="sourcer-bench-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "SOURCER_HOME": str(root / "home"), "NO_COLOR": "1"}
        big = root / "big-library"
        make_library(big)
        people = root / "people.csv"
        make_csv(people)

        baseline = [sys.executable, "-c", "import click, yaml"]
        query = [*cmd, "query", "flask", "--board", "linkedin"]
        query_big = [*cmd, "--terms-dir", str(big), "query", "flask", "--board", "linkedin"]
        lint_big = [*cmd, "--terms-dir", str(big), "terms", "lint", str(big)]
        list_big = [*cmd, "--terms-dir", str(big), "terms", "list"]
        sender = ["--set", "sender.name=Bench"]
        one_message = [
            *cmd,
            "outreach",
            "render",
            "inmail",
            "--term",
            "flask",
            "--set",
            "first_name=Ada",
            *sender,
        ]
        merge = [
            *cmd,
            "outreach",
            "render",
            "inmail",
            "--term",
            "flask",
            "--csv",
            str(people),
            *sender,
            "--format",
            "json",
        ]

        for warm in (baseline, query, query_big, list_big, one_message):  # caches, page cache
            timed(warm, env)

        base, mine, _ = alternate(baseline, query, env, runs)
        ratio = statistics.median(mine) / statistics.median(base)
        results.append(
            Result(
                "query flask --board linkedin vs python -c 'import click, yaml'",
                ratio,
                "x",
                "<= 1.25x",
                ratio <= 1.25,
                f"{statistics.median(mine) * 1000:.1f} ms vs {statistics.median(base) * 1000:.1f} ms",
            )
        )

        shipped, large, _ = alternate(query, query_big, env, runs)
        ratio = statistics.median(large) / statistics.median(shipped)
        results.append(
            Result(
                f"same query with a {LIBRARY_SIZE:,}-term library vs the shipped one",
                ratio,
                "x",
                "<= 1.10x",
                ratio <= 1.10,
                f"{statistics.median(large) * 1000:.1f} ms vs {statistics.median(shipped) * 1000:.1f} ms",
            )
        )

        lint_times = [timed(lint_big, env)[0] for _ in range(max(3, runs // 4))]
        value = statistics.median(lint_times)
        results.append(
            Result(f"terms lint over {LIBRARY_SIZE:,} terms", value, "s", "< 3 s", value < 3)
        )

        list_times = [timed(list_big, env)[0] for _ in range(runs)]
        value = statistics.median(list_times)
        results.append(
            Result(
                f"terms list with {LIBRARY_SIZE:,} more terms (index cached)",
                value,
                "s",
                "< 0.5 s",
                value < 0.5,
            )
        )

        single, merged, peak_kib = alternate(one_message, merge, env, max(3, runs // 4))
        beyond = statistics.median(merged) - statistics.median(single)
        results.append(
            Result(
                f"mail-merge of {CSV_ROWS:,} rows to --format json, beyond start-up",
                beyond,
                "s",
                "< 2 s",
                beyond < 2,
                f"{statistics.median(merged):.2f} s in all; one message {statistics.median(single) * 1000:.0f} ms",
            )
        )
        peak_mib = peak_kib / 1024
        results.append(
            Result("mail-merge peak memory (RSS)", peak_mib, "MiB", "< 100 MiB", peak_mib < 100)
        )

        loops = in_process_all_terms(max(3, runs // 4))
        value = statistics.median(loops)
        results.append(
            Result(
                "query --board all --json for every shipped term, one process",
                value,
                "s",
                "< 1 s",
                value < 1,
            )
        )
    return results


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, sourcer {sourcer.__version__}"
    )


def show(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.3f}x"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:.1f} {unit}"


def report(
    results: Sequence[Result], markdown: bool, runs: int, echo: Callable[[str], None] = print
) -> None:
    if markdown:
        echo(f"Machine: {machine()}  ")
        echo(f"Runs: {runs} per timed command (medians)\n")
        echo("| measure | median | target | result | detail |")
        echo("|---|---|---|---|---|")
        for r in results:
            echo(
                f"| {r.name} | {show(r.value, r.unit)} | {r.target} | {'PASS' if r.passed else 'FAIL'} | {r.detail} |"
            )
        return
    echo(f"machine: {machine()}")
    width = max(len(r.name) for r in results)
    for r in results:
        status = "PASS" if r.passed else "FAIL"
        detail = f"  ({r.detail})" if r.detail else ""
        echo(
            f"{status}  {r.name.ljust(width)}  {show(r.value, r.unit):>12}  target {r.target}{detail}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per timed command (default 21)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    results = run(args.runs)
    report(results, args.markdown, args.runs)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
