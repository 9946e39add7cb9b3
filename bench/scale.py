"""Scale benchmark: relcli against jq on synthetic files of 1k, 100k and 1M events.

Run:  python bench/scale.py [--sizes 1000,100000,1000000] [--runs 3]
It generates the files once into bench/out/ (deterministic, see generate.py), then times whole
processes with /usr/bin/time (wall seconds and peak resident memory). Each relcli measurement is
paired with the jq reference in the same round, so ratios hold on a noisy machine; medians are
reported. "first" runs start from an empty cache directory; "later" runs reuse the index.
Results are printed and written to bench/results-scale.md. Takes about ten minutes at 1M.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def relcli() -> list[str]:
    script = Path(sys.executable).with_name("relcli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "relcli"]


def measure(cmd: list[str], cache_dir: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one process, its stdout thrown away."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RELCLI_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["RELCLI_CACHE_DIR"] = str(cache_dir)
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(
            ["/usr/bin/time", "-o", report.name, "-f", "%e %M", *cmd],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            check=True,
        )
        wall, kilobytes = report.read().split()[-2:]
    return float(wall), int(kilobytes) / 1024


def generate(size: int, suffix: str) -> Path:
    path = OUT / f"events-{size}{suffix}"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(size), str(path)], check=True
        )
    return path


def median_pair(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("jq"):
        sys.exit("jq is needed as the reference (apt-get install jq)")
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[str] = []
    for size in sizes:
        for suffix in (".json", ".jsonl"):
            path = generate(size, suffix)
            mb = path.stat().st_size / 1e6
            if suffix == ".json":
                jq = ["jq", "-c", '.events[] | select(.date >= "2013")', str(path)]
            else:
                jq = ["jq", "-c", 'select(.type == "event" and .date >= "2013")', str(path)]
            timeline = [
                *relcli(),
                "--data",
                str(path),
                "timeline",
                "--from",
                "2013",
                "--format",
                "jsonl",
            ]
            search = [*relcli(), "--data", str(path), "search", f"{size // 2}", "--format", "jsonl"]
            treaty = [*relcli(), "--data", str(path), "treaty", "T1", "--format", "json"]
            reference, first, later, searching, looking_up = [], [], [], [], []
            shared = Path(tempfile.mkdtemp(prefix="relcli-bench-"))
            for _ in range(args.runs):
                reference.append(measure(jq, shared))
                fresh = Path(tempfile.mkdtemp(prefix="relcli-bench-"))
                first.append(measure(timeline, fresh))
                shutil.rmtree(fresh, ignore_errors=True)
            measure(timeline, shared)  # build the shared index once
            for _ in range(args.runs):
                later.append(measure(timeline, shared))
                searching.append(measure(search, shared))
                looking_up.append(measure(treaty, shared))
            shutil.rmtree(shared, ignore_errors=True)
            jq_wall, jq_mem = median_pair(reference)
            for label, samples in (
                ("timeline --from 2013 (first run)", first),
                ("timeline --from 2013 (later run)", later),
                (f"search {size // 2} (later run)", searching),
                ("treaty T1 (later run)", looking_up),
            ):
                wall, mem = median_pair(samples)
                row = (
                    f"| {size:,} | {suffix[1:]} | {mb:.0f} | {label} | {jq_wall:.2f} | {jq_mem:.0f} | "
                    f"{wall:.2f} | {mem:.0f} | {wall / jq_wall:.2f}× | {mem / jq_mem:.2f}× |"
                )
                rows.append(row)
                print(row, flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    jq_version = subprocess.run(["jq", "--version"], capture_output=True, text=True).stdout.strip()
    text = "\n".join(
        [
            "# relcli scale benchmark",
            "",
            f"Machine: {machine}; {jq_version}. Median of {args.runs} runs; jq and relcli alternate.",
            "Reference: `jq -c '.events[] | select(.date >= \"2013\")' FILE` (JSON Lines: "
            '`select(.type == "event" and .date >= "2013")`).',
            "",
            "| events | format | MB | relcli command | jq s | jq MB | relcli s | relcli MB | time ratio | memory ratio |",
            "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|",
            *rows,
        ]
    )
    (HERE / "results-scale.md").write_text(text + "\n", encoding="utf-8")
    print(f"\nwritten to {HERE / 'results-scale.md'}")


if __name__ == "__main__":
    main()
