"""The bundled data: valid, canonical, balanced, sourced, and faithful to the source text.

SOURCE_STATEMENTS lists every dated statement and picture caption of the excerpt of the
Wikipedia article "Russia–United States relations" the project started from (kept in
../shared/source, outside the repository). Each must be found in the data at the right date
(or inside the right period, for the text's vaguer dates) with its key words.
"""

from __future__ import annotations

from collections import Counter

import pytest

from relcli import query, store
from relcli.dates import PartialDate
from relcli.model import Dataset


@pytest.fixture(scope="module")
def data() -> Dataset:
    return store.load(store.bundled_path())


def test_bundled_data_is_valid_and_canonical() -> None:
    _path, problems, canonical = store.validate_file(store.bundled_path())
    assert problems == [], problems[:5]
    assert canonical


def test_every_record_is_sourced(data: Dataset) -> None:
    assert all(e.sources for e in data.events)
    assert all(t.sources for t in data.treaties)
    assert all(a.sources for a in data.actors)
    assert all(q.sources and q.sources[0].url.startswith("http") for q in data.quotes)


def test_every_actor_is_referenced(data: Dataset) -> None:
    used = {a for e in data.events for a in e.actors} | {q.speaker for q in data.quotes}
    assert {a.id for a in data.actors} - used == set()


def test_decades_since_1940_are_balanced(data: Dataset) -> None:
    per_decade = Counter(e.date.year // 10 * 10 for e in data.events)
    thin = {decade: n for decade, n in per_decade.items() if decade >= 1940 and n < 10}
    assert thin == {}
    assert min(per_decade) < 1800 and max(per_decade) == 2020


# (date in the data, words that must appear in the title or summary) for events;
# dates as precise as a reliable source gives, which may be finer than the source text's.
SOURCE_STATEMENTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("event", "1993-01-03", ("START II", "MIRV")),
    ("event", "2008-02-22", ("Kosovo", "terrible precedent")),
    ("event", "2008-07-08", ("military-technical",)),
    ("event", "2013-09-14", ("chemical weapons", "Kerry", "Lavrov")),
    ("event", "2013-09-27", ("Resolution 2118",)),
    ("event", "2012-08-20", ("red line",)),
    ("event", "2012-05-03", ("Makarov", "pre-emptive")),
    ("event", "2013-02-12", ("Tu-95", "Guam", "State of the Union")),
    ("event", "2014-07-28", ("INF", "cruise missile")),
    ("event", "2014-03-02", ("Kerry", "aggression", "pretext")),
    ("event", "2015-09-30", ("Ashton Carter", "Assad")),
    ("event", "2016-12-09", ("CIA", "high confidence")),
    ("event", "2016-12-15", ("Clinton", "grudge", "2011")),
    ("event", "2016-12-15", ("send a clear message to Russia",)),
    ("event", "2016-12-23", ("National Defense Authorization Act", "Trump administration")),
    ("event", "2017-03-08", ("SSC-8", "spirit and intent")),
    ("event", "2017-04-07", ("Shayrat", "pretext")),
    ("event", "2017-04-12", ("all-time low",)),
    ("event", "2017-06-02", ("lowest", "Cold War")),
    ("event", "2017-08-02", ("Medvedev", "trade war")),
    ("event", "2020-07-01", ("House Armed Services Committee", "Afghanistan")),
    ("event", "2018-07-16", ("Helsinki", "Trump", "Putin")),
    ("event", "2021-12-01", ("legal guarantees", "NATO")),
    ("event", "2022-02-04", ("Lavrov", "nonsense", "video")),
    ("event", "2022-02-11", ("Sullivan", "Olympics")),
    ("event", "2022-02-26", ("Security Council", "New START", "assets")),
    ("event", "2022-09-27", ("Jean-Pierre", "asylum")),
    ("event", "2024-01", ("Sullivan", "Ushakov", "ceasefire")),
    ("event", "2009-06-29", ("2 percent", "Obama")),  # "early July" in the source: released 29 June
    ("event", "2008-08-07", ("Georgia",)),
    # picture captions
    ("event", "2021-06-16", ("Geneva", "Biden", "Putin")),
    ("event", "1841-12", ("Fort Ross", "Voznesensky")),
    ("event", "1943-11-28", ("Tehran", "Stalin", "Roosevelt", "Churchill")),
    ("event", "1988-12-07", ("Reagan", "Bush", "New York")),
    ("event", "1995-10-23", ("Yeltsin", "Clinton", "October 1995", "White House")),
    ("event", "1999-06-20", ("Cologne", "Renaissance House")),
    ("event", "2003-03-20", ("Iraq", "opposes")),
    ("event", "2006-07-15", ("G8", "Saint Petersburg", "Moscow")),
    ("event", "2010-04-08", ("New START", "Obama", "Medvedev")),
    ("event", "2010-09", ("Lavrov", "Clinton", "Waldorf Astoria")),
    ("event", "2011-03-10", ("Biden", "Putin", "Moscow")),
    ("event", "2011-06-02", ("Biden", "Berlusconi", "Medvedev")),
    ("event", "2013-10-09", ("Snowden", "Moscow")),
    ("event", "2014-05-09", ("Victory Day", "Donetsk", "Anti-American")),
    ("event", "2015-12-15", ("Kerry", "Nuland", "Tefft")),
    ("event", "2015-09-28", ("Obama", "Putin", "Syria", "29 September")),
    ("event", "2016-07-15", ("Kerry", "Lavrov", "Nice", "French embassy")),
    ("event", "2016-12-02", ("Kislyak", "Bolden", "Shepherd", "For Merit in Space Exploration")),
    ("event", "2017-04-15", ("poster", "San Francisco")),
    ("event", "2017-04-12", ("Tillerson", "Lavrov", "Moscow")),
    ("event", "2017-05-10", ("Tillerson", "Lavrov", "Washington")),
    ("event", "2018-07-16", ("Helsinki", "World Cup ball")),
    ("event", "2019-06-28", ("Osaka", "Pompeo")),
    ("event", "2017-05-28", ("Clapper", "genetically driven", "Meet the Press")),
    ("event", "2021-12-02", ("Lavrov", "Blinken")),
    ("event", "2021-12-07", ("video call",)),
    ("event", "2022-02-24", ("protesters", "Russian consulate in New York")),
    ("event", "2022-03-07", ("unfriendly country",)),
    ("event", "2024-05-01", ("Abrams", "Poklonnaya Hill")),
    ("event", "2024-08-01", ("Kurmasheva", "Whelan", "Gershkovich")),
    ("event", "1960-05-01", ("U-2", "Sverdlovsk", "attachés")),
    ("event", "2009-07-07", ("New Economic School", "Gostiny Dvor")),
    ("event", "2009-07-07", ("Obama", "Putin", "outside Moscow")),
    ("event", "1999-03-12", ("NATO", "Poland")),
    ("event", "2001-11-15", ("Lyudmila", "September 11")),
    ("event", "2002-03-12", ("Rumsfeld", "Sergei Ivanov")),
    ("event", "2011-02-05", ("Clinton", "Lavrov", "Munich")),
    ("event", "2013-06-17", ("G8", "Obama", "Putin", "Northern Ireland")),
    ("event", "2017-07-07", ("Hamburg", "Tillerson", "Lavrov")),
    ("event", "2002-07", ("Vladivostok", "sailors", "Second World War")),
    ("event", "2010-05-09", ("18th Infantry Regiment", "Victory Day")),
    ("milestone", "1993-01-03", ("start-ii", "signed")),
    ("milestone", "1987-12-08", ("inf-treaty", "signed")),
]


def _words_in(words: tuple[str, ...], *texts: str) -> bool:
    haystack = " ".join(query.fold(t) for t in texts)
    return all(query.fold(w) in haystack for w in words)


@pytest.mark.parametrize(("kind", "when", "words"), SOURCE_STATEMENTS)
def test_source_text_statement_is_in_the_data(
    data: Dataset, kind: str, when: str, words: tuple[str, ...]
) -> None:
    wanted = PartialDate.parse(when)
    if kind == "milestone":
        treaty = data.treaty_by_id[words[0]]
        assert any(m.date == wanted and words[1] in m.what for m in treaty.milestones)
        return
    found = [e for e in data.events if e.date == wanted and _words_in(words, e.title, e.summary)]
    assert found, f"no event on {when} mentioning {words}"


# Every quotation of the source text, verbatim (as a substring of a quote record), with its speaker.
SOURCE_QUOTES: list[tuple[str, str]] = [
    (
        "vladimir-putin",
        "a terrible precedent, which will de facto blow apart the whole system of international relations, developed not over decades, but over centuries",
    ),
    ("vladimir-putin", "they have not thought through the results of what they are doing"),
    (
        "russian-foreign-ministry",
        "If an American strategic anti-missile shield starts to be deployed near our borders, we will be forced to react not in a diplomatic fashion but with military-technical means.",
    ),
    ("barack-obama", "red line"),
    (
        "john-kerry",
        "This is an act of aggression that is completely trumped up in terms of its pretext.",
    ),
    ("barack-obama", "send a clear message to Russia"),
    (
        "new-york-times",
        "For all the outrage voiced by Democrats and Republicans in the past week about the Russian action",
    ),
    (
        "new-york-times",
        "it is worth remembering that trying to manipulate elections is a well-honed American art form.",
    ),
    (
        "russian-foreign-ministry",
        "create problems for the incoming Trump administration and complicate its relations on the international stage, as well as to force it to adopt an anti-Russia policy.",
    ),
    ("paul-selva", "spirit and intent"),
    ("dmitry-peskov", "trumped-up pretext"),
    ("dmitry-medvedev", "trade war"),  # excerpt: "all-out"; The Hill's translation: "full-scale"
    ("vladimir-putin", "in the close vicinity of Russian territory"),  # Interfax's translation
    ("sergey-lavrov", "The craziness of such ideas"),
    ("james-clapper", "almost genetically driven"),
]


@pytest.mark.parametrize(("speaker", "text"), SOURCE_QUOTES)
def test_source_text_quotation_is_a_quote(data: Dataset, speaker: str, text: str) -> None:
    """The quote's text; or, where a report of the day words it differently from the source
    text (a translation), the quote follows the report and its context gives the variant."""
    assert any(
        q.speaker == speaker
        and (
            query.fold(text) in query.fold(q.text)
            or f"'{query.fold(text)}'" in query.fold(q.context)
        )
        for q in data.quotes
    ), (speaker, text)
