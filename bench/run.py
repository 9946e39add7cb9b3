"""Start-up benchmark: whole-process wall time of relcli commands, each paired with a reference.

Run:  python bench/run.py [--runs N]
Each pair is measured alternately (reference, command, reference, command, ...) after one
warm-up of each, so that drift on a noisy machine hits both sides alike; medians are reported.
Results are printed and written to bench/results.md. This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def relcli() -> list[str]:
    script = Path(sys.executable).with_name("relcli")
    if script.exists():
        return [str(script)]
    found = shutil.which("relcli")
    return [found] if found else [sys.executable, "-m", "relcli"]


PY = [sys.executable]
CASES: list[tuple[str, list[str], list[str]]] = [
    (
        "`relcli treaty INF --json`",
        [*PY, "-c", "import typer"],
        [*relcli(), "treaty", "INF", "--json"],
    ),
    (
        "`relcli timeline --from 2013` (table, to a pipe)",
        [*PY, "-c", "import typer, rich.console, rich.table"],
        [*relcli(), "timeline", "--from", "2013"],
    ),
    (
        "`relcli quotes --speaker Lavrov --json`",
        [*PY, "-c", "import typer"],
        [*relcli(), "quotes", "--speaker", "Lavrov", "--json"],
    ),
    (
        "`relcli timeline --from 'March 2014' --json` (month name, read by hand)",
        [*PY, "-c", "import typer"],
        [*relcli(), "timeline", "--from", "March 2014", "--json"],
    ),
    (
        "`relcli timeline --from 14/03/2014 --json` (dateparser path)",
        [*PY, "-c", "import typer"],
        [*relcli(), "timeline", "--from", "14/03/2014", "--json"],
    ),
    ("`relcli --version`", [*PY, "-c", "import typer"], [*relcli(), "--version"]),
]


def bench_env() -> dict[str, str]:
    """The user's environment, minus relcli settings and PYTHONDONTWRITEBYTECODE.

    An installed package has its bytecode compiled at install time; an editable checkout run
    with PYTHONDONTWRITEBYTECODE=1 would recompile every module at every start and measure the
    compiler instead. The warm-up run writes the bytecode.
    """
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RELCLI_") and k != "PYTHONDONTWRITEBYTECODE"
    }


def wall(cmd: list[str]) -> float:
    env = bench_env()
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, check=True)
    return time.perf_counter() - start


def measure(reference: list[str], command: list[str], runs: int) -> tuple[float, float]:
    wall(reference), wall(command)  # warm-up: page cache, .pyc files
    ref_times, cmd_times = [], []
    for _ in range(runs):
        ref_times.append(wall(reference))
        cmd_times.append(wall(command))
    return statistics.median(ref_times), statistics.median(cmd_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    lines = [
        "# relcli start-up benchmark",
        "",
        f"Machine: {machine}. Median of {args.runs} alternating runs after one warm-up.",
        "",
        "| command | reference | reference (s) | relcli (s) | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    for label, reference, command in CASES:
        ref, cmd = measure(reference, command, args.runs)
        ref_label = '`python -c "' + reference[-1] + '"`'
        lines.append(f"| {label} | {ref_label} | {ref:.3f} | {cmd:.3f} | {cmd / ref:.2f}× |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    (HERE / "results.md").write_text(text, encoding="utf-8")
    print(f"\nwritten to {HERE / 'results.md'}")


if __name__ == "__main__":
    main()
