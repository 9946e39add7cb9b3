"""The actors listing (``render/actorrows.py``): name and id, country, each role on lines of its
own; ids never cut, every role's words shown, the width kept."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from relcli import store
from relcli.dates import PartialDate
from relcli.model import Actor, Role
from relcli.render import Listing, RenderOptions, renderer
from relcli.render.actorrows import actor_rows, role_text
from relcli.render.layout import plain, styled

BUNDLED = store.load(store.bundled_path())


def _actor(id_: str, name: str, country: str = "RU", titles: tuple[str, ...] = ()) -> Actor:
    roles = tuple(Role(title=t, start=PartialDate(2000 + n)) for n, t in enumerate(titles))
    return Actor(id=id_, name=name, country=country, roles=roles)


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("width", [20, 33, 47, 60, 80, 100, 180])
def test_every_actor_shows_whole_with_every_role(width: int) -> None:
    actors = list(BUNDLED.actors)
    text = plain(actor_rows(actors, width))
    lines = text.splitlines()
    ids = {actor.id for actor in actors}
    assert all(len(line) <= width or line in ids for line in lines)  # an id alone may be wider
    expected: Counter[str] = Counter()  # every word of every name, id (whole), country, role
    for actor in actors:
        expected.update([*_words(actor.name), actor.id, actor.country])
        for role in actor.roles:
            expected.update(_words(role_text(role)))
    assert expected - Counter(_words(text)) == Counter()
    if width >= 60:
        assert lines[0].split() == ["name", "country", "roles"]
    else:  # stacked: the name, then what goes under it
        assert lines[0] == "name" and lines[1] == "  country, roles"


def test_an_id_longer_than_the_line_stays_whole() -> None:
    long_id = "an-actor-with-a-very-long-identifier-indeed"
    lines = plain(actor_rows([_actor(long_id, "Someone", titles=("Envoy",))], 30)).splitlines()
    assert long_id in lines
    assert "Envoy, 2000 – present" in " ".join(line.strip() for line in lines)


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.text(alphabet="abc Жж漢-", min_size=1, max_size=40), min_size=1, max_size=4),
    width=st.integers(20, 140),
)
def test_styled_rows_are_the_plain_rows_with_codes(names: list[str], width: int) -> None:
    actors = [
        _actor(f"actor-{n}", name, titles=("A role with several words in it",) * n)
        for n, name in enumerate(names)
    ]
    rows = actor_rows(actors, width)
    codes = re.compile(r"\x1b\[[0-9;]*m")
    assert codes.sub("", styled(rows, True)) == plain(rows)


def test_actors_listing_through_the_cli(relcli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "90")
    out = relcli("actors").out
    assert out.splitlines()[0].split() == ["name", "country", "roles"]
    assert "lavrov" in out and "Minister of Foreign Affairs" in out


def test_hostile_names_are_shown_literally() -> None:
    actor = _actor("evil", "[bold]x[/] \x1b[2J\x1b]0;t\x07name", titles=("\x1b[31mrole",))
    text = renderer("table")(Listing("actor", [actor], BUNDLED), RenderOptions(width=80))
    assert "\x1b" not in text and "\x07" not in text
    assert "[bold]x[/]" in text and "[31mrole" in text


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(
        st.tuples(
            st.lists(
                st.sampled_from(["Al", "x" * 35, "中文" * 9, "Жуков", "ｗｗ", "é"]),
                min_size=1,
                max_size=5,
            ),
            st.integers(0, 15),
        ),
        min_size=1,
        max_size=6,
    ),
    width=st.integers(20, 200),
)
@example(people=[(["x" * 35], 15)], width=120)  # the id moves under a name that fills the column
def test_no_row_is_wider_than_the_terminal(people: list[tuple[list[str], int]], width: int) -> None:
    """Whatever the names' words and ids, a line fits the width, but an id alone on its line."""
    from relcli.render.layout import cells

    actors = [
        _actor("a" + "-x" * dashes + str(n), " ".join(words), titles=(" ".join(words),))
        for n, (words, dashes) in enumerate(people)
    ]
    ids = {actor.id for actor in actors}
    for line in plain(actor_rows(actors, width)).splitlines():
        assert cells(line) <= width or line in ids, (width, line)
