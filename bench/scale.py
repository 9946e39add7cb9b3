"""Scale benchmark: relcli against jq (and DuckDB, when installed) on synthetic files.

Run:  python bench/scale.py [--sizes 100000,1000000] [--shapes default,wide] [--runs 3]
                            [--formats json,jsonl] [--commands]

It generates the files once into bench/out/ (deterministic, see generate.py) and times whole
processes, each peer in the same round as relcli and alternating with it, so drift on a busy
machine hits every side alike; medians are reported with their ratio to jq. Peak memory is the
largest sum of resident memory over a command's process tree (relcli's index writer included),
sampled every 10 ms, and never below the command's own peak as /usr/bin/time reports it.

The question asked of every tool: "the events from 2013 on, as JSON Lines".
- jq: ``jq -c '.events[] | select(.date >= "2013")'`` (JSON Lines: ``select(.type == "event"
  and .date >= "2013")``).
- DuckDB (``pip install duckdb``): ``read_json`` on the file each time, and a table built once
  beforehand (the bar a database sets for later queries).
- relcli: ``timeline --from 2013 --format jsonl``, first run (empty cache) and later run, and
  the later run's first line as ``| head -1`` takes it (the answer streams).
``--commands`` also times every relcli command once the index exists (later runs), on the files
of ``--commands-size`` events (default a million).

Load average misses a busy machine's short spells (it stayed at 1.4-1.7 while jq's own time on
one file moved by 15%), so each round starts with a fixed CPU loop run on every core at once;
its time in each round, and the slowest against the quickest, are written with the results: a
round whose loop took longer had less CPU to give. The load average is recorded before, during
(its highest) and after; results go to
bench/results-scale.md only when it was not above the number of cores before or after the run
(the benchmark itself keeps up to two cores busy, so the highest value seen during it is reported,
not judged); otherwise they are printed and not written.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
QUIET_LOAD = os.cpu_count() or 1


def relcli() -> list[str]:
    script = Path(sys.executable).with_name("relcli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "relcli"]


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(
    cmd: list[str], cache_dir: Path | None = None, answered: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, summed over the process tree) of one run, which must
    exit with one of the ``answered`` codes."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RELCLI_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    if cache_dir is not None:
        env["RELCLI_CACHE_DIR"] = str(cache_dir)
    with tempfile.NamedTemporaryFile("r") as report:
        # /usr/bin/time gives the command's own peak (a child forked from this big process would
        # inherit its high-water mark); sampling the tree adds the processes it starts.
        start = time.perf_counter()
        process = subprocess.Popen(
            ["/usr/bin/time", "-o", report.name, "-f", "%M", *cmd],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        peak = 0
        while process.poll() is None:
            tree, seen = [process.pid], 0
            while seen < len(tree):
                tree += _children(tree[seen])
                seen += 1
            peak = max(peak, sum(_rss_kb(p) for p in tree))
            time.sleep(0.01)
        wall = time.perf_counter() - start
        if process.returncode not in answered:
            raise SystemExit(f"failed ({process.returncode}): {' '.join(cmd)}")
        own = int(report.read().split()[-1])
    return wall, max(peak, own) / 1024


CALIBRATION = "total = 0\nfor n in range(4_000_000):\n    total += n"  # ~0.2 s on one core


def calibrate() -> float:
    """Seconds the ``CALIBRATION`` loop takes run on every core at once (one process each)."""
    command = [sys.executable, "-c", CALIBRATION]
    start = time.perf_counter()
    processes = [subprocess.Popen(command) for _ in range(os.cpu_count() or 1)]
    for process in processes:
        process.wait()
    return time.perf_counter() - start


def generate(size: int, shape: str, suffix: str) -> Path:
    name = f"events-{size}{suffix}" if shape == "default" else f"{shape}-{size}{suffix}"
    path = OUT / name
    if not path.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(size), str(path), "--shape", shape],
            check=True,
        )
    return path


def medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    """Median seconds and median peak MB of (seconds, MB) samples."""
    return statistics.median(v[0] for v in samples), statistics.median(v[1] for v in samples)


def _duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def _duckdb_commands(path: Path, work: Path) -> dict[str, list[str]]:
    """DuckDB reading the file each time, and querying a table built once (built here)."""
    import duckdb

    reader = (
        f"read_json('{path}', maximum_object_size=2147483647)"
        if path.suffix == ".json"
        else f"read_json('{path}', format='newline_delimited', union_by_name=true, "
        "maximum_object_size=16777216)"
    )
    unnest = (
        f"SELECT unnest(events, recursive := false) AS e FROM {reader}"
        if path.suffix == ".json"
        else f"SELECT * FROM {reader} WHERE type = 'event'"
    )
    if path.suffix == ".json":  # the list filtered before unnesting: DuckDB's fast form
        kept = "list_filter(events, lambda e: e.date >= '2013')"
        select = f"SELECT unnest({kept}, recursive := true) FROM {reader}"
    else:
        select = f"{unnest} AND date >= '2013'"
    table = work / f"{path.name}.duckdb"
    if not table.exists():
        connection = duckdb.connect(str(table))
        source = f"SELECT e.* FROM ({unnest})" if path.suffix == ".json" else unnest
        connection.execute(f"CREATE TABLE events AS {source}")
        connection.close()
    copy = "COPY ({}) TO '/dev/stdout' (FORMAT json)"
    from_table = copy.format("SELECT * FROM events WHERE date >= '2013'")
    return {
        "DuckDB read_json": [
            sys.executable,
            "-c",
            f"import duckdb; duckdb.sql({copy.format(select)!r})",
        ],
        "DuckDB pre-built table": [
            sys.executable,
            "-c",
            f"import duckdb; c = duckdb.connect({str(table)!r}, read_only=True); "
            f"c.sql({from_table!r})",
        ],
    }


COMMANDS = [  # every command on a big file, later run ("--commands"); relcli --help lists them
    ["timeline", "--from", "2013", "--format", "jsonl"],
    ["timeline", "--tag", "nato", "--format", "table"],
    ["timeline", "--search", "treaty", "--limit", "20"],
    ["treaty", "T1", "--json"],
    ["treaties", "--json"],
    ["quotes", "--from", "2000", "--json"],
    ["quote", "quote-9999", "--json"],
    ["event", "event-500", "--json"],
    ["event", "event-999999", "--json"],
    ["actors", "--json"],
    ["actor", "actor-1", "--json"],
    ["eras", "--json"],
    ["tags", "--json"],
    ["kinds"],
    ["search", "treaty", "--limit", "20", "--json"],
    ["search", "treaty", "--json"],
    ["search", "treaty", "--all", "--json"],
    ["search", "treaty", "--type", "event", "--limit", "20", "--json"],
    ["search", "treaty", "--from", "2000", "--limit", "20", "--json"],
    ["search", "ceasefire pipeline", "--limit", "20", "--json"],
    ["on", "12-08", "--json"],
    ["stats", "--json"],
    ["stats", "--by", "tag", "--json"],
    ["stats", "--from", "2000", "--tag", "nato", "--json"],
    ["stats", "--during", "actor-1", "--json"],
    ["stats", "--search", "treaty", "--json"],
    ["compare", "1900-1950", "1950-2000", "--json"],
    ["export", "csv", "-", "--from", "2013", "--tag", "nato"],
    ["export", "ics", "-", "--from", "2020"],
    ["export", "jsonl", "-", "--kind", "summit", "--limit", "1000"],
    ["export", "json", "-"],
    ["validate"],
    ["sources", "--json"],
    ["fmt", "--check"],
    ["schema"],
    # The human forms, as a person at a terminal gets them (to a pipe here: the same layout)
    ["timeline", "--from", "2013"],
    ["timeline", "--from", "2013", "--format", "md"],
    ["treaty", "T1"],
    ["quotes"],
    ["quotes", "--from", "2000"],
    ["actors"],
    ["search", "treaty"],
    ["on", "12-08"],
    ["stats"],
    ["compare", "1900-1950", "1950-2000"],
    ["sources"],
]


# The nearest jq comes to the commands that print every event, or every match of a common word
# (hundreds of MB): timed beside them, each run alternating, so their times have a peer. jq
# reads the whole document, sorts by date or filters on the title and summary (it does not
# rank), and pretty-prints; for JSON Lines (-s) it gathers the event lines first.
PEERS = {
    ("export", "json", "-"): (".events | sort_by(.date)", "sort_by(.date)"),
    ("search", "treaty", "--all", "--json"): (
        '[.events[] | select(.title + " " + .summary | test("treaty"; "i"))]',
        '[.[] | select(.title + " " + .summary | test("treaty"; "i"))]',
    ),
}


def peer(command: list[str], path: Path) -> list[str] | None:
    """jq's nearest to ``command`` on ``path`` (``PEERS``), or None."""
    programs = PEERS.get(tuple(command))
    if programs is None:
        return None
    if path.suffix == ".jsonl":
        return ["jq", "-s", f'map(select(.type == "event")) | {programs[1]}', str(path)]
    return ["jq", programs[0], str(path)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--shapes", default="default,wide")
    parser.add_argument("--formats", default="json,jsonl")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commands", action="store_true", help="time every command too")
    parser.add_argument(
        "--commands-size", type=int, default=1_000_000, help="the file size --commands times"
    )
    parser.add_argument("--no-duckdb", action="store_true", help="leave DuckDB out")
    parser.add_argument(
        "--output", default="results-scale.md", help="file in bench/ for the results"
    )
    args = parser.parse_args()
    target = HERE / args.output  # checked now, not after the hour the runs may take
    if not target.parent.is_dir():
        sys.exit(f"--output names a file in bench/: {target.parent} is not a folder")
    if not shutil.which("jq"):
        sys.exit("jq is needed as the reference (apt-get install jq)")
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="relcli-scale-"))
    rows: list[str] = []
    command_rows: list[str] = []
    calibrations: list[str] = []
    loads = [load_before[0]]
    for shape in args.shapes.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            for fmt in args.formats.split(","):
                path = generate(size, shape, f".{fmt}")
                mb = path.stat().st_size / 1e6
                jq_filter = (
                    '.events[] | select(.date >= "2013")'
                    if fmt == "json"
                    else 'select(.type == "event" and .date >= "2013")'
                )
                timeline = [*relcli(), "--data", str(path), *COMMANDS[0]]
                peers: dict[str, list[str]] = {"jq": ["jq", "-c", jq_filter, str(path)]}
                if _duckdb() and not args.no_duckdb:
                    peers.update(_duckdb_commands(path, work))
                shared = work / f"cache-{shape}-{size}-{fmt}"
                measure(timeline, shared)  # the shared index for the later runs
                samples: dict[str, list[tuple[float, float]]] = {
                    k: []
                    for k in [
                        *peers,
                        "relcli first run",
                        "relcli later run",
                        "relcli later run, first line (head -1)",
                    ]
                }
                jobs: list[tuple[str, Callable[[], tuple[float, float]]]] = []
                for name, cmd in peers.items():
                    jobs.append((name, lambda cmd=cmd: measure(cmd)))

                def first(timeline: list[str] = timeline) -> tuple[float, float]:
                    fresh = Path(tempfile.mkdtemp(prefix="relcli-first-", dir=work))
                    try:
                        return measure(timeline, fresh)
                    finally:
                        shutil.rmtree(fresh, ignore_errors=True)

                jobs.append(("relcli first run", first))
                jobs.append(("relcli later run", lambda t=timeline, s=shared: measure(t, s)))
                # Streaming: the first line of the same answer, as `| head -1` takes it.
                head = ["sh", "-c", f"{shlex.join(timeline)} | head -1"]
                jobs.append(
                    (
                        "relcli later run, first line (head -1)",
                        lambda h=head, s=shared: measure(h, s),
                    )
                )
                loops = []
                for _ in range(args.runs):  # one round: every tool once, alternating
                    loops.append(calibrate())
                    for name, job in jobs:
                        samples[name].append(job())
                    loads.append(os.getloadavg()[0])
                calibrations.append(
                    f"| {shape} | {size:,} | {fmt} | "
                    + ", ".join(f"{loop:.3f}" for loop in loops)
                    + f" | {max(loops) / min(loops):.2f}× |"
                )
                print(calibrations[-1], flush=True)
                jq_wall, jq_mem = medians(samples["jq"])
                for name, values in samples.items():
                    wall, mem = medians(values)
                    row = (
                        f"| {shape} | {size:,} | {fmt} | {mb:.0f} | {name} | {wall:.2f} | "
                        f"{mem:.0f} | {wall / jq_wall:.3f}× | {mem / jq_mem:.2f}× |"
                    )
                    rows.append(row)
                    print(row, flush=True)
                if args.commands and size == args.commands_size:
                    for command in COMMANDS:
                        cmd = [*relcli(), "--data", str(path), *command]
                        jq_cmd = peer(command, path)
                        runs, jq_runs = [], []
                        for _ in range(args.runs):
                            # 3 answers too: fmt --check on a generated file, not canonical
                            runs.append(measure(cmd, shared, (0, 3)))
                            if jq_cmd is not None:
                                jq_runs.append(measure(jq_cmd))
                        wall, mem = medians(runs)
                        versus = "| | |"
                        if jq_runs:
                            jq_wall, jq_mem = medians(jq_runs)
                            versus = f"| {jq_wall:.2f} s, {jq_mem:.0f} MB | {wall / jq_wall:.3f}× |"
                        row = (
                            f"| {shape} | {size:,} | {fmt} | `relcli {' '.join(command)}` | "
                            f"{wall:.2f} | {mem:.0f} {versus}"
                        )
                        command_rows.append(row)
                        print(row, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    loads.append(load_after[0])
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    jq_version = subprocess.run(["jq", "--version"], capture_output=True, text=True).stdout.strip()
    load_line = (
        f"Load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}, "
        f"highest seen {max(loads):.2f}; {os.cpu_count()} cores."
    )
    print("\n" + load_line)
    if max(load_before[0], load_after[0]) > QUIET_LOAD:
        print(f"the machine was busy: results not written to bench/{args.output}")
        return
    text = [
        "# relcli scale benchmark",
        "",
        f"Run on {date.today().isoformat()}. Machine: {machine}; {jq_version}"
        + (f"; DuckDB {__import__('duckdb').__version__}" if _duckdb() else "")
        + f". {load_line}",
        f"Median of {args.runs} rounds; in each round every tool runs once, in turn.",
        "Question: the events from 2013 on, as JSON Lines.",
        "",
        "| shape | events | format | MB | tool | s | peak MB | time vs jq | memory vs jq |",
        "|---|---:|---|---:|---|---:|---:|---:|---:|",
        *rows,
        "",
        "The CPU loop on every core at once, at the start of each round (s); slowest/quickest:",
        "",
        "| shape | events | format | loop per round | spread |",
        "|---|---:|---|---|---:|",
        *calibrations,
    ]
    if command_rows:
        text += [
            "",
            "Every command, later run (the index exists):",
            "",
            "| shape | events | format | command | s | peak MB | jq's nearest (`PEERS`) | vs jq |",
            "|---|---:|---|---|---:|---:|---:|---:|",
            *command_rows,
        ]
    target.write_text("\n".join(text) + "\n", encoding="utf-8")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
