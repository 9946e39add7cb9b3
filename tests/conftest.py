"""Shared fixtures: a small hand-written dataset, a pinned clock and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from relcli.cli import main

HERE = Path(__file__).parent
MINI = HERE / "data" / "mini.json"
TODAY = "2026-11-25"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture(autouse=True)
def quiet_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every test starts from the fixture data, a fixed day and a plain, 100-column terminal.

    The load cache goes to a directory of the test session, never the user's.
    """
    monkeypatch.setenv("RELCLI_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "relcli-cache"))
    monkeypatch.setenv("RELCLI_DATA", str(MINI))
    monkeypatch.setenv("RELCLI_TODAY", TODAY)
    monkeypatch.setenv("COLUMNS", "100")
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "RELCLI_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def relcli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``relcli ARGS`` in-process through the real entry point."""

    def run(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def mini_document() -> dict[str, Any]:
    return json.loads(MINI.read_text(encoding="utf-8"))


@pytest.fixture
def write_data(tmp_path: Path) -> Callable[[Any], Path]:
    """Write a data document (a dict, or raw text/bytes) to a file and return its path."""

    def write(document: Any, name: str = "data.json") -> Path:
        path = tmp_path / name
        if isinstance(document, bytes):
            path.write_bytes(document)
        elif isinstance(document, str):
            path.write_text(document, encoding="utf-8")
        else:
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    return write
