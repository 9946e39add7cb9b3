"""Quote blocks (``render/quoteblocks.py``): laid out without Rich, the lines broken where
Rich's word wrap breaks them, every URL whole and, on a terminal, a hyperlink."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console, Group
from rich.padding import Padding
from rich.text import Text

from relcli import store
from relcli.dates import PartialDate
from relcli.model import Dataset, Quote
from relcli.render import Listing, RenderOptions, renderer, rich_table
from relcli.render.quoteblocks import citation, fold
from relcli.render.safety import clean
from tests.conftest import MINI
from tests.test_installed import command, env
from tests.test_reliability import on_terminal


def _console(width: int) -> Console:
    """The console relcli's Rich views print to (its width at least 20; ``Text.wrap`` is
    given its own)."""
    return rich_table._console(RenderOptions(width=width))


def _rich_lines(text: str, width: int) -> list[str]:
    return [line.plain.rstrip() for line in Text(text).wrap(_console(width), width)]


def _our_lines(text: str, width: int) -> list[str]:
    return ["".join(t for t, _ in line).rstrip() for line in fold([(text, "")], width)]


# Letters of one cell and of two, a combining accent, blanks of several kinds, newlines.
_ALPHABET = st.sampled_from([*"aaaaabcdeé  \u00a0\n-.Жж漢字", "e\u0301", "—"])


@settings(max_examples=400, deadline=None)
@given(text=st.lists(_ALPHABET, max_size=120).map("".join), width=st.integers(2, 40))
@example(text="an extraordinarilylongwordthatfolds here", width=10)
@example(text="  leading blanks and   runs  of  them  ", width=7)
@example(text="", width=10)
@example(text="one\n\ntwo\n", width=10)
@example(text="漢字漢字漢字漢字漢字 x", width=5)
def test_fold_breaks_lines_where_rich_does(text: str, width: int) -> None:
    assert _our_lines(text, width) == _rich_lines(text, width)


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(
        st.tuples(st.lists(_ALPHABET, max_size=30).map("".join), st.sampled_from("xyz")),
        min_size=1,
        max_size=5,
    ),
    width=st.integers(2, 30),
)
def test_fold_keeps_every_character_in_its_own_style(
    pieces: list[tuple[str, str]], width: int
) -> None:
    lines = fold(pieces, width, "  ")
    assert all(line[0] == ("  ", "") for line in lines)
    styled = [(ch, style) for text, style in pieces for ch in text if not ch.isspace()]
    found = [(ch, style) for line in lines for text, style in line[1:] for ch in text]
    assert [(ch, style) for ch, style in found if not ch.isspace()] == styled
    assert all(not line[-1][0][-1:].isspace() for line in lines if len(line) > 1)  # no end blanks
    assert len(lines) >= "".join(t for t, _ in pieces).count("\n") + 1


def _rich_block(quote: Quote, dataset: Dataset, width: int) -> str:
    """The block as Rich drew it before ``quoteblocks``, the reference the layout keeps to, but
    for an id Rich would fold: that goes whole on a line of its own."""
    console = _console(width)
    speaker = dataset.actor_by_id.get(quote.speaker)
    name = clean(speaker.name if speaker else quote.speaker)
    head, id_ = f"{quote.date.human()}  {name}", clean(quote.id)
    wrapped = [line.plain.rstrip() for line in Text(f"{head}  {id_}").wrap(console, width)]
    if any(line.endswith(id_) for line in wrapped):
        console.print(Text(f"{head}  {id_}"))
    else:  # Rich folds an id longer than the line; the layout puts it whole on its own
        console.print(Text(head))
        console.print(Text(id_), soft_wrap=True)
    body = Group(Text("“" + clean(quote.text) + "”"), Text(clean(quote.context)))
    console.print(Padding(body, (0, 0, 0, 4)))
    for source in quote.sources:
        words = citation(source).removesuffix(source.url).rstrip()
        console.print(Padding(Text(clean(words)), (0, 0, 0, 4)))
        console.print(Text("    " + clean(source.url, one_line=True)), soft_wrap=True)
    console.print(Text(""))
    text: str = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.split("\n"))


@pytest.mark.parametrize("data", ["mini", "bundled"])
@pytest.mark.parametrize("width", [20, 33, 47, 80, 101, 240])
def test_a_quote_listing_is_the_text_rich_drew(data: str, width: int) -> None:
    dataset: Any = store.load(MINI if data == "mini" else store.bundled_path())
    quotes = list(dataset.quotes)
    drawn = renderer("table")(Listing("quote", quotes, dataset), RenderOptions(width=width))
    assert drawn == "".join(_rich_block(q, dataset, width) for q in quotes)
    for line in drawn.splitlines():  # a URL is never wrapped or cut
        assert "http" not in line or re.fullmatch(r" {4}https?://\S+", line), line


def test_quotes_on_a_terminal_are_the_plain_text_styled_with_their_links() -> None:
    code, screen = on_terminal(
        "--no-pager", "quotes", "--speaker", "Lavrov", COLUMNS="60", NO_COLOR="1"
    )
    assert code == 0
    links = re.findall(r"\x1b\]8;;(\S+?)\x1b\\\x1b\[[0-9;]*m(\S+?)\x1b\[0m\x1b\]8;;\x1b\\", screen)
    assert links and all(target == shown for target, shown in links)
    text = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", screen).replace("\r", "")
    piped = subprocess.run(
        [*command(), "quotes", "--speaker", "Lavrov"],
        capture_output=True,
        text=True,
        env=env(COLUMNS="60"),
        check=True,
    ).stdout
    assert text.startswith(piped)  # then the count line a terminal gets
    assert "\x1b[3m“" in screen  # the words in italics; no colour asked for: none given
    assert "\x1b[36m" not in screen and ";36m" not in screen


@pytest.mark.parametrize("width", [20, 24, 33])
def test_a_quote_id_is_never_folded(width: int) -> None:
    dataset: Any = store.load(store.bundled_path())
    quotes = list(dataset.quotes)
    drawn = renderer("table")(Listing("quote", quotes, dataset), RenderOptions(width=width))
    lines = drawn.splitlines()
    for quote in quotes:  # the end of a line, or a line of its own
        assert any(line.endswith(quote.id) for line in lines), quote.id
    long_ids = [q.id for q in quotes if len(q.id) > width]
    assert long_ids and all(i in lines for i in long_ids)


def test_an_actor_word_longer_than_its_column_is_folded_not_cut() -> None:
    from relcli.model import Actor, Role
    from relcli.render.actorrows import actor_rows
    from relcli.render.layout import plain

    name = "Hubert Wolfeschlegelsteinhausenbergerdorff Sr."
    role = Role(title="Envoy, see https://example.org/a/very/long/path", start=PartialDate(2001))
    actor = Actor(id="wolfe", name=name, country="US", roles=(role,))
    for width in (20, 40, 80, 120):
        text = plain(actor_rows([actor], width))
        assert "…" not in text
        for whole in (
            "Wolfeschlegelsteinhausenbergerdorff",
            "https://example.org/a/very/long/path",
        ):
            rows = iter("".join(text.split()))  # row by row: the columns' pieces interleave
            assert all(ch in rows for ch in whole), (width, whole)  # every character, in order
