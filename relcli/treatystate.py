"""What a treaty was, as a whole and for each of the United States and Russia, on any date.

One source of truth: the treaty's dated milestones and their ``action`` (``vocabulary.ACTIONS``).
A party's state is the result of walking its milestones (and the treaty-wide ones) in date
order up to a day. The treaty's stored ``status`` is what the walk gives today; ``relcli
validate`` reports a treaty whose stored status disagrees with its milestones.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .dates import PartialDate
from .model import Milestone, Treaty

PARTIES = ("US", "RU")
PARTY_NAMES = {"US": "United States", "RU": "Russia"}

# A party's state after each action that changes it.
_PARTY_STATE = {
    "signed": "signed",
    "approved": "approved",
    "ratified": "ratified",
    "in-force": "in force",
    "suspended": "suspended",
    "resumed": "in force",
    "withdrawal-announced": "withdrawal announced",
    "withdrawn": "withdrawn",
    "deratified": "ratification revoked",
    "rejected": "rejected",
}
# Treaty-wide endings: every party still in it shares the treaty's fate.
_ENDINGS = {
    "expired": "expired",
    "terminated": "terminated",
    "superseded": "superseded",
    "fulfilled": "fulfilled",
}
# Those a party can be in only while the treaty does not bind it (for the treaty's own state).
_OUTSIDE = {"withdrawn", "ratification revoked", "rejected"}


class PartyState:
    """A party's state, since when, and the milestone that put it there (None: not yet signed)."""

    __slots__ = ("milestone", "since", "state")

    def __init__(self, state: str, since: PartialDate | None, milestone: Milestone | None) -> None:
        self.state, self.since, self.milestone = state, since, milestone

    def __repr__(self) -> str:
        return f"PartyState({self.state!r}, {self.since})"

    def to_json(self) -> dict[str, str | None]:
        return {"state": self.state, "since": self.since.iso() if self.since else None}


def _applies(milestone: Milestone, party: str) -> bool:
    return milestone.party is None or milestone.party == party


def _milestones(treaty: Treaty, on: PartialDate | None, before: date | None) -> list[Milestone]:
    """The milestones that count: all; those begun by the end of ``on``; or those wholly over
    before the day ``before``."""
    if before is not None:
        return [m for m in treaty.milestones if m.date.end < before]
    if on is not None:
        return [m for m in treaty.milestones if m.date.start <= on.end]
    return list(treaty.milestones)


def party_states(
    treaty: Treaty, on: PartialDate | None = None, *, before: date | None = None
) -> dict[str, PartyState]:
    """Each party's state after every milestone that begins on or before ``on`` (default: all),
    or, with ``before``, after those wholly over before that day.

    A milestone known only to the month or year counts once its first day has come: on
    ``2019-03-01`` a step of ``2019-03`` has (by then) possibly happened and is counted.
    """
    states = {party: PartyState("not signed", None, None) for party in PARTIES}
    ended: str | None = None
    counted = _milestones(treaty, on, before)
    for milestone in counted:
        action = milestone.action
        if action in _ENDINGS and (milestone.party is None or action == "fulfilled"):
            ended = _ENDINGS[action]
            for party, current in states.items():
                if current.state not in _OUTSIDE:
                    states[party] = PartyState(ended, milestone.date, milestone)
            continue
        new = _PARTY_STATE.get(action or "")
        if new is None:
            continue
        for party in states:
            if not _applies(milestone, party):
                continue
            current = states[party].state
            if ended is not None and current == ended:
                continue
            if new in ("approved", "ratified") and current in ("in force", "suspended"):
                continue  # a later ratification step does not undo entry into force
            if new == "signed" and current != "not signed":
                continue
            states[party] = PartyState(new, milestone.date, milestone)
    if ended is None and treaty.status == "fulfilled" and len(counted) == len(treaty.milestones):
        last = treaty.milestones[-1]  # carried out with no dated ending (see ``disagreement``)
        for party, current in states.items():
            if current.state == "in force":
                states[party] = PartyState("fulfilled", last.date, last)
    return states


def treaty_state(
    treaty: Treaty,
    on: PartialDate | None = None,
    *,
    before: date | None = None,
    parties: dict[str, PartyState] | None = None,
) -> str:
    """The treaty as a whole: ``not signed``, ``signed``, ``in force``, ``never in force`` (once
    every party has left it before it took effect), or its ending. ``parties``: the parties'
    states at the same point, if the caller has them already."""
    state = "not signed"
    counted = _milestones(treaty, on, before)
    for milestone in counted:
        action = milestone.action
        if milestone.party is not None:
            continue
        if action == "signed" and state == "not signed":
            state = "signed"
        elif action == "in-force":
            state = "in force"
        elif action in _ENDINGS:
            state = _ENDINGS[action]
    if any(m.action == "fulfilled" for m in counted):  # whoever carried it out
        state = "fulfilled"
    if (
        state == "in force"
        and treaty.status == "fulfilled"
        and len(counted) == len(treaty.milestones)
    ):
        state = "fulfilled"  # carried out, with no dated ending: so after its last step
    if parties is None:
        parties = party_states(treaty, on, before=before)
    if state == "signed" and any(p.state in _OUTSIDE for p in parties.values()):
        return "never in force"
    return state


class Snapshot:
    """A treaty over an interval of days (``--on 2019`` is 1 Jan to 31 Dec 2019): its state and
    each party's at the start and at the end, and the milestones that fall inside.

    At the start count the milestones wholly over before the first day; at the end, those begun
    by the last day. So a milestone known only to its month or year that overlaps the interval
    is in ``changed`` (it happened inside, or may have), never silently before or after it.
    """

    def __init__(self, treaty: Treaty, start: date, end: date) -> None:
        self.treaty, self.start, self.end = treaty, start, end
        last = PartialDate.from_date(end)
        self.parties_at_start = party_states(treaty, before=start)
        self.parties_on = party_states(treaty, last)
        self.status_at_start = treaty_state(treaty, before=start, parties=self.parties_at_start)
        self.status_on = treaty_state(treaty, last, parties=self.parties_on)
        self.changed = [
            m for m in treaty.milestones if m.action and m.date.start <= end and m.date.end >= start
        ]

    @property
    def signed_by_then(self) -> bool:
        return self.status_on != "not signed"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.treaty.id,
            "name": self.treaty.name,
            "on": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "status_at_start": self.status_at_start,
            "status_on": self.status_on,
            "parties_at_start": {p: s.to_json() for p, s in self.parties_at_start.items()},
            "parties_on": {p: s.to_json() for p, s in self.parties_on.items()},
            "changed": [m.to_json() for m in self.changed],
        }


def expected_status(treaty: Treaty) -> str | None:
    """The status the milestones imply today, or None where they say too little (no actions)."""
    if not any(m.action for m in treaty.milestones):
        return None
    state = treaty_state(treaty)
    if state == "signed":
        return "never in force" if treaty.status == "never in force" else "signed"
    return state


def disagreement(treaty: Treaty) -> str | None:
    """Why the stored status cannot be right given the milestones, or None."""
    expected = expected_status(treaty)
    if expected is None or expected == treaty.status:
        return None
    if expected == "signed" and treaty.status == "never in force":
        return None
    if expected == "in force" and treaty.status == "fulfilled":
        return None  # carried out: a purchase paid, relations established; no dated ending
    return (
        f'status is "{treaty.status}" but its milestones say "{expected}" '
        "(a treaty-wide milestone with action in-force, expired, terminated, superseded or "
        "fulfilled decides it)"
    )


def describe(treaty: Treaty) -> str:
    """One line a person reads: the treaty's state, then what each party did, e.g.
    "in force among other parties; Russia withdrawn 7 Nov 2023; United States suspended 7 Dec 2023"."""
    states = party_states(treaty)
    whole = treaty.status
    parts = []
    left = [p for p, s in states.items() if s.state in _OUTSIDE | {"suspended"}]
    if whole == "in force" and left and len(left) == len(states):
        whole = "in force among other parties"
    parts.append(whole)
    for party, state in states.items():
        if state.since is None or state.state == treaty.status:
            continue
        parts.append(f"{PARTY_NAMES[party]} {state.state} {state.since.human()}")
    return "; ".join(parts)
