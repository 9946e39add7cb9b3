"""The closed vocabularies of the data: event kinds, tags, treaty statuses, milestone actions
and the kinds of source.

Kept in code (and documented in the README) so a typo in the data is an error, not a new tag.
To add a term, add it here with a one-line meaning and document it.
"""

from __future__ import annotations

KIND_MEANINGS: dict[str, str] = {
    "diplomacy": "recognition, embassies, envoys, visits, talks and diplomatic notes",
    "summit": "a meeting of heads of state or government",
    "agreement": "a treaty, convention or deal signed, ratified, entering force or ending",
    "statement": "a public declaration, speech, accusation or warning",
    "military": "deployments, exercises, strikes, interceptions and force postures",
    "conflict": "wars and armed interventions in which either country took part",
    "sanction": "sanctions, embargoes, export controls and their lifting",
    "espionage": "spies, defectors, arrests and intelligence operations",
    "expulsion": "expelled diplomats, closed consulates and missions",
    "election": "elections and interference in them",
    "cyber": "cyber attacks and operations",
    "incident": "accidents, shoot-downs, arrests and other single incidents",
    "prisoners": "detentions of citizens and prisoner exchanges",
    "trade": "commerce, aid, grain, energy and investment",
    "space": "space race and space cooperation",
    "culture": "art, sport, science, exchanges and public opinion",
    "legislation": "laws passed by either country's legislature about the other",
}
KINDS: tuple[str, ...] = tuple(KIND_MEANINGS)

TAG_MEANINGS: dict[str, str] = {
    "afghanistan": "Afghanistan",
    "alaska": "Alaska and Russian America",
    "arctic": "the Arctic and the Bering Sea",
    "arms-control": "limits on weapons and their verification",
    "berlin": "Berlin and divided Germany",
    "chemical-weapons": "chemical weapons and their use",
    "civil-war": "the American Civil War era",
    "cold-war": "the Cold War, 1947–1991",
    "crimea": "Crimea",
    "cuba": "Cuba",
    "cyber": "cyber operations",
    "diplomacy": "diplomatic relations and missions",
    "economy": "trade, investment, energy and aid",
    "election-interference": "interference in elections",
    "espionage": "intelligence and counter-intelligence",
    "georgia": "Georgia (the country)",
    "human-rights": "human rights, emigration, dissidents and civil society",
    "iran": "Iran",
    "iraq": "Iraq",
    "korea": "Korea",
    "kosovo": "Kosovo and the Balkans",
    "middle-east": "the Middle East",
    "missile-defense": "missile defense",
    "nato": "NATO and its enlargement",
    "nuclear": "nuclear weapons, materials and testing",
    "prisoners": "detained citizens and exchanges",
    "public-opinion": "polls and popular views of the other country",
    "recognition": "diplomatic recognition",
    "revolution": "the Russian revolutions and civil war, 1917–1922",
    "sanctions": "sanctions and export controls",
    "space": "space",
    "sport": "sport and the Olympics",
    "summit": "meetings of leaders",
    "syria": "Syria",
    "terrorism": "terrorism and counter-terrorism",
    "ukraine": "Ukraine",
    "vietnam": "Vietnam",
    "world-war-i": "the First World War",
    "world-war-ii": "the Second World War",
}
TAGS: tuple[str, ...] = tuple(TAG_MEANINGS)

STATUS_MEANINGS: dict[str, str] = {
    "in force": "the treaty as a whole is in force (for CFE or Open Skies: among other parties, "
    "though the US or Russia left; their own state is shown per party)",
    "expired": "ran its term and lapsed",
    "terminated": "ended by withdrawal or by agreement",
    "suspended": "in force on paper, but one party has suspended its implementation",
    "superseded": "replaced by a later agreement",
    "never in force": "signed but never entered into force",
    "fulfilled": "its purpose was carried out and it has nothing left to govern",
}
STATUSES: tuple[str, ...] = tuple(STATUS_MEANINGS)

# What a treaty milestone changed, and for whom (its ``party``: US, RU, or none for the treaty
# as a whole). ``treatystate`` derives each party's state on any date from these.
ACTION_MEANINGS: dict[str, str] = {
    "signed": "signed (by the party, or by both when no party is named)",
    "approved": "approved by a legislature: US Senate advice and consent, Duma or Federation Council",
    "ratified": "ratified (instrument signed or exchanged)",
    "in-force": "entered into force (for the party, or for the treaty as a whole)",
    "suspended": "the party suspended its obligations or participation",
    "resumed": "the party resumed implementing it",
    "withdrawal-announced": "the party gave notice of withdrawal",
    "withdrawn": "the party's withdrawal took effect",
    "deratified": "the party revoked its ratification",
    "rejected": "a legislature rejected it",
    "extended": "its term was extended",
    "amended": "a protocol or amendment was signed",
    "expired": "it ran its term and lapsed",
    "terminated": "the treaty as a whole ended",
    "superseded": "replaced by a later agreement",
    "fulfilled": "its purpose was carried out",
    "note": "a step that changes no party's state",
}
ACTIONS: tuple[str, ...] = tuple(ACTION_MEANINGS)

# Kinds of source, decided by the page's host (``sources.kind_of``).
SOURCE_KIND_MEANINGS: dict[str, str] = {
    "official": "a government, parliament, international organisation or presidential archive",
    "news": "a news organisation's report",
    "scholarly": "a university, journal, library, archive or specialist institute",
    "encyclopedia": "Wikipedia, Britannica and other reference works",
    "other": "a site relcli does not classify",
}
SOURCE_KINDS: tuple[str, ...] = tuple(SOURCE_KIND_MEANINGS)
