"""JSON: one document, 2-space indent, UTF-8 as is (Cyrillic stays readable), keys in schema order."""

from __future__ import annotations

import re
import sys
from typing import Any

from . import Document, RenderOptions, SearchResults, to_json
from .safety import escape_json_controls

# A digit, e, a digit: the search starts at each e (a quick scan for one byte), not at each digit
# (a second and more on a big answer).
_EXPONENT = re.compile(rb"e(?<=[0-9]e)-?[0-9]")
# A lone surrogate: no valid data file holds one, and an argument never decodes to this one.
MARK = "\ud800relcli-record-"


def dumps(value: object, *, indent: int | None = 2) -> str:
    return escape_json_controls(_encoded(value, indent))


def _encoded(value: object, indent: int | None) -> str:
    """The JSON text, as ``json`` writes it. With a big file's index, msgspec writes the same
    text in C (``json`` indents in Python: a second for a million ids);
    what it cannot write (a lone surrogate) or may write otherwise (a float in exponent form)
    goes to ``json``. A test holds the two equal."""
    msgspec = sys.modules.get("msgspec")
    if msgspec is None and "relcli.index.read" in sys.modules:  # a big file: answers may be big
        import msgspec
    if msgspec is not None:
        try:
            text = msgspec.json.encode(value)
            # A float in exponent form is written 1e-7 by msgspec, 1e-07 by json, and one under
            # 1e-4 0.00006103515625 by msgspec, 6.103515625e-05 by json: leave any text that may
            # hold either (a digit, e, a digit; four zeros after a point; in a string too) to
            # json. (Found by the property test: 200,000 random floats differ in no other way.)
            if b".0000" not in text and _EXPONENT.search(text) is None:
                if indent is not None:
                    text = msgspec.json.format(text, indent=indent)
                return text.decode("utf-8")
        except (TypeError, ValueError, OverflowError, UnicodeError, msgspec.EncodeError):
            pass
    import json  # not at import: a listing of records the cache keeps texts of never needs it

    separators = (",", ": ") if indent is not None else (",", ":")
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)


HITS_AT_ONCE = 1000  # search hits encoded at once (see _hits_in_runs)


def render(document: Document, options: RenderOptions) -> str:
    dataset = getattr(document, "dataset", None)
    if dataset is not None:
        if isinstance(document, SearchResults) and len(document.hits) > HITS_AT_ONCE:
            return _hits_in_runs(document)
        return _with_texts(document, dataset) + "\n"
    return dumps(to_json(document)) + "\n"


def _hits_in_runs(document: SearchResults) -> str:
    """``_with_texts`` of the hits ``HITS_AT_ONCE`` at a time, their items joined into one
    array: the same text, without every hit's JSON value and its encodings held at once (a
    search listing 460,000 hits of a big file peaked at 2.0 GB that way, 1.6 GB this way)."""
    hits = document.hits
    pieces = ["[\n"]
    for at in range(0, len(hits), HITS_AT_ONCE):
        run = SearchResults(
            document.text, document.words, hits[at : at + HITS_AT_ONCE], document.dataset
        )
        pieces += [",\n" if at else "", _with_texts(run, document.dataset)[2:-2]]  # no [ ]
    pieces.append("\n]\n")
    return "".join(pieces)


def _with_texts(document: Document, dataset: Any) -> str:
    """``dumps(to_json(document))``, with each event and quote the dataset keeps a text of
    written from that text: a mark stands in for it, and the text, indented where the mark
    stands, replaces the mark. The texts are what ``dumps`` writes of the records
    (``store.cached_form``), so the result is the same, without encoding them again."""
    from ..model import Event, Quote

    used: list[str] = []
    kinds: dict[type, str] = {Event: "events", Quote: "quotes"}
    texts: dict[str, Any] = {}

    def record(value: Any) -> Any:
        kind = kinds.get(type(value))
        if kind is None:
            return value.to_json()
        if kind not in texts:  # asked for when first needed: quotes never read the events'
            texts[kind] = dataset.record_texts(kind)
        text = texts[kind].get(value.id)
        if text is None:
            return value.to_json()
        used.append(text)
        return f"{MARK}{len(used) - 1}"

    value = to_json(document, record)
    if value and type(value) is list and all(type(v) is str and v.startswith(MARK) for v in value):
        # Only marks (a listing): in their order, as json would indent them.
        return "[\n  " + ",\n  ".join(text.replace("\n", "\n  ") for text in used) + "\n]"
    skeleton = _encoded(value, 2)
    if skeleton.count(MARK) != len(used):  # a mark not only where it was put: encode it all
        return dumps(to_json(document))
    pieces, start, quoted = [], 0, '"' + MARK
    while (at := skeleton.find(quoted, start)) >= 0:
        close = skeleton.index('"', at + 1)
        line = end = skeleton.rfind("\n", 0, at) + 1
        while skeleton[end] == " ":
            end += 1
        text = used[int(skeleton[at + len(quoted) : close])].replace(
            "\n", "\n" + " " * (end - line)
        )
        pieces += [escape_json_controls(skeleton[start:at]), text]
        start = close + 1
    pieces.append(escape_json_controls(skeleton[start:]))
    return "".join(pieces)
