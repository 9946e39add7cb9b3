"""``--jq EXPR``: run a jq program over a command's JSON output, like ``gh --jq``.

Uses the ``jq`` package (bindings to libjq), an optional extra: ``pip install 'relcli[jq]'``.
Each result is printed on its own line; strings print raw (like ``jq -r``), everything else as
indented JSON. A jq syntax or runtime error is a usage error (exit 2).
"""

from __future__ import annotations

from typing import Any

from .errors import UsageProblem
from .render import Document, to_json
from .render.json import dumps


def apply(expression: str, document: Document) -> str:
    try:
        import jq
    except ImportError:
        raise UsageProblem(
            "--jq needs the optional 'jq' package: pip install 'relcli[jq]' (or pipe --json into jq)"
        ) from None
    try:
        program = jq.compile(expression)
    except ValueError as exc:
        raise UsageProblem(f"--jq: {_first_line(exc)}") from None
    try:
        results: list[Any] = program.input_value(to_json(document)).all()
    except ValueError as exc:
        raise UsageProblem(f"--jq: {_first_line(exc)}") from None
    lines = [r if isinstance(r, str) else dumps(r) for r in results]
    return "".join(line + "\n" for line in lines)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
