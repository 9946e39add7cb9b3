"""The actors listing as ``layout`` rows: name and id, country, then each dated role on lines of
its own.

A Rich table drew these at ~0.4 ms a row (5,000 actors of a big file: 2.1 s) and cut ids with
"…" on a narrow terminal. Here an id is a handle for ``relcli actor ID``: it is never cut or
folded; names and roles wrap as quotes do (``quoteblocks.fold``), a word longer than its column
folded onto the next line, nothing cut. The name column takes what the names need up to a
third of the width; on a terminal too narrow for three columns, the country and the roles go
under the name.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Actor, Role
from .layout import Line, _pad, cells
from .quoteblocks import fold, with_id
from .safety import clean

GAP = "  "
NARROWEST_ROLES = 20  # cells; below this, the country and the roles go under the name


def role_text(role: Role) -> str:
    """``Minister of Foreign Affairs, 9 Mar 2004 – present``."""
    end = role.end.human() if role.end else "present"
    return f"{role.title}, {role.start.human()} – {end}"


def actor_rows(actors: Sequence[Actor], width: int) -> list[Line]:
    if not actors:
        return []
    ids = [clean(a.id, one_line=True) for a in actors]
    names = [clean(a.name, one_line=True) for a in actors]
    countries = [clean(a.country, one_line=True) for a in actors]
    roles = [[clean(role_text(r), one_line=True) for r in a.roles] or ["—"] for a in actors]
    country_width = max(7, *map(cells, countries))
    natural = max(cells(n) + len(GAP) + cells(i) for n, i in zip(names, ids, strict=True))
    room = width - country_width - 2 * len(GAP)
    name_width = max(min(natural, room // 3), *map(cells, ids), 4)
    roles_width = room - name_width
    stacked = roles_width < NARROWEST_ROLES
    if stacked:
        name_width = roles_width = max(width - len(GAP), 1)
    heading: list[Line] = [
        [
            ("name" + " " * (name_width - 4), "head"),
            (GAP, ""),
            ("country" + " " * (country_width - 7), "head"),
            (GAP, ""),
            ("roles", "head"),
        ]
    ]
    if stacked:  # as the rows below: the name, then the rest under it
        heading = [[("name", "head")], [(GAP, ""), ("country, roles", "head")]]
    lines: list[Line] = [*heading, [("─" * width, "rule")]]
    for name, id_, country, held in zip(names, ids, countries, roles, strict=True):
        left = with_id([(name, "bold")], id_, name_width)  # a long word folded, not cut
        right = [line for role in held for line in fold([(role, "")], roles_width)]
        if stacked:
            lines += left
            lines += [[(GAP, ""), *line] for line in [[(country, "")], *right]]
            continue
        for row in range(max(len(left), len(right))):
            cell = country if row == 0 else ""
            lines.append(
                [
                    *_pad(left[row] if row < len(left) else [], name_width),
                    (GAP, ""),
                    (cell + " " * (country_width - cells(cell)), ""),
                    (GAP, ""),
                    *(right[row] if row < len(right) else []),
                ]
            )
    return lines
