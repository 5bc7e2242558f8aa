"""The English and German phrases the impact parser reads: numbers, time units, periods, people.

Kept apart from the parser so that adding a phrase never touches the arithmetic.
"""

from __future__ import annotations

import re

# Working time, not calendar time: a lost "day" is a working day, a year has 46 working weeks.
HOURS_PER_UNIT = {"minute": 1 / 60, "hour": 1.0, "day": 8.0, "week": 40.0}
PERIODS_PER_YEAR = {"day": 220.0, "week": 46.0, "month": 12.0, "quarter": 4.0, "year": 1.0}
# One person cannot lose more than a working year, whatever the arithmetic says.
MAX_HOURS_PER_PERSON_YEAR = 1800.0
# One report counts at most this much (about one full-time post); above it the estimate is
# counted as this and flagged "check this estimate" (docs/analysis.md, "Hours").
MAX_HOURS_PER_REPORT_YEAR = 2000.0

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "hundred": 100,
    "a couple of": 2, "a few": 3, "half an": 0.5, "half a": 0.5, "one and a half": 1.5,
    "ein": 1, "eine": 1, "einen": 1, "einer": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "elf": 11, "zwölf": 12, "zwoelf": 12, "fünfzehn": 15, "fuenfzehn": 15, "zwanzig": 20,
    "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "fuenfzig": 50,
    "sechzig": 60, "hundert": 100, "ein paar": 2, "eine halbe": 0.5, "einer halben": 0.5,
    "einen halben": 0.5, "ein halber": 0.5, "halbe": 0.5, "anderthalb": 1.5, "eineinhalb": 1.5,
    "zweieinhalb": 2.5,
}  # fmt: skip
# Words that stand for a number of people but never for "one" ("a colleague" is no count).
SINGULAR = {"a", "an", "one", "ein", "eine", "einen", "einer", "einem", "half an", "half a"}

_WORDS_ALT = "|".join(re.escape(w) for w in sorted(NUMBER_WORDS, key=len, reverse=True))
_DIGITS = r"\d+(?:[.,]\d+)?(?:\s*(?:-|–|to|bis)\s*\d+(?:[.,]\d+)?)?"
NUM = rf"(?:{_DIGITS}|\b(?:{_WORDS_ALT})\b)"

UNITS = {
    "minute": r"min(?:ute)?s?\b\.?|minuten?\b|min\.",
    "hour": r"(?:person|man|staff)[- ]?hours?\b|(?:arbeits|personen|mann)stunden?\b|"
    r"h\b|hrs?\b\.?|hours?\b|stunden?\b|std\b\.?",
    "day": r"(?:working |work |business )?days?\b|(?:arbeits|werk)?tag(?:e|en)?\b",
    "week": r"weeks?\b|wochen?\b",
}
DURATION = re.compile(
    rf"(?P<num>{NUM})[\s-]*(?P<unit>{'|'.join(f'(?P<{k}>{v})' for k, v in UNITS.items())})",
    re.IGNORECASE,
)

PERIOD_WORDS = {
    "day": r"(?:working |work |business )?days?|workdays?|mornings?|evenings?|"
    r"(?:arbeits|werk)?tage?n?|morgens?|abends?",
    "week": r"weeks?|wochen?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|"
    r"montags?|dienstags?|mittwochs?|donnerstags?|freitags?",
    "month": r"months?|monate?n?|monats",
    "quarter": r"quarters?|quartale?n?|quartals",
    "year": r"years?|jahre?n?|jahres",
}
_PERIOD_ALT = "|".join(f"(?P<{k}>{v})" for k, v in PERIOD_WORDS.items())
_ARTICLE = (
    r"per|a|an|each|every|pro|je|jede[nrsm]?|am|im|in\s+the|in\s+der|in\s+einem|in\s+einer|"
    r"einmal\s+(?:im|in\s+der|pro|am)|every\s+single"
)
_TIMES = (
    rf"(?P<count>{NUM})\s*(?:times|x|mal|-mal)|(?P<once>once|einmal)|(?P<twice>twice|zweimal)|"
    r"(?P<thrice>dreimal|three\s+times)"
)
# "every two weeks", "alle zwei Wochen", "every other day", "jeden zweiten Tag".
EVERY_NTH = re.compile(
    rf"\b(?:every|alle|jede[nrs]?)\s+(?P<nth>{NUM}|other|second|zweite[nrs]?|dritte[nrs]?)\s+"
    rf"(?:{_PERIOD_ALT})\b",
    re.IGNORECASE,
)
FREQUENCY = re.compile(
    rf"(?:\b(?:{_TIMES})\s+)?\b(?P<art>{_ARTICLE})\s+(?:{_PERIOD_ALT})\b", re.IGNORECASE
)
ADVERBS = {
    "day": r"daily|every\s*day|täglich|taeglich|tagtäglich|tagtaeglich|jeden\s+tag",
    "week": r"weekly|wöchentlich|woechentlich|montags|dienstags|mittwochs|donnerstags|freitags",
    "month": r"monthly|monatlich",
    "quarter": r"quarterly|vierteljährlich|vierteljaehrlich|quartalsweise",
    "year": r"yearly|annually|every\s+year|jährlich|jaehrlich|alljährlich|alljaehrlich",
}
ADVERB = re.compile(
    r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in ADVERBS.items()) + r")\b", re.IGNORECASE
)
FORTNIGHT = re.compile(r"\b(?:fortnightly|biweekly|every\s+fortnight|vierzehntägig)\b", re.I)
# "10 approvals a month": a count of things right before a frequency.
COUNT_BEFORE = re.compile(rf"(?P<num>{NUM})\s+(?:[^\W\d]+\s+){{0,2}}$", re.IGNORECASE)

PERSON_NOUNS = (
    r"people|persons|person|colleagues|co-?workers|employees|staff|members|team\s+members|"
    r"users|engineers|nurses|teachers|managers|clerks|workers|agents|"
    r"personen|leute|menschen|kollegen|kolleginnen|kolleg(?:\*|:|_|i)?innen|kollegi?nnen|"
    r"mitarbeiter(?:\*innen|:innen|innen|_innen)?|mitarbeitende[n]?|beschäftigte[n]?|"
    r"beschaeftigte[n]?|angestellte[n]?|nutzer(?:innen)?|teammitglieder|lehrkräfte|"
    r"lehrkraefte|lehrer(?:innen)?|pflegekräfte|pflegekraefte|sachbearbeiter(?:innen)?"
)
PEOPLE = [
    re.compile(rf"\b(?:all|alle)\s+(?:of\s+(?:the|us)\s+)?(?:unsere[rn]?\s+)?(?P<num>{NUM})\b",
               re.I),
    re.compile(rf"\b(?P<num>{NUM})\s+(?:of\s+us|von\s+uns)\b", re.I),
    re.compile(rf"\b(?:we|wir)\s+(?:are\s+|sind\s+|all\s+|alle\s+)?(?P<num>{NUM})\b", re.I),
    re.compile(rf"\b(?:team|abteilung|department)\s+(?:of|von|mit|aus)\s+(?P<num>{NUM})\b", re.I),
    re.compile(rf"\b(?P<num>{NUM})[\s-]*köpfige[nsm]?\b", re.I),
    re.compile(rf"\b(?P<num>{NUM})\s+(?:[^\W\d]+\s+)?(?:{PERSON_NOUNS})\b", re.I),
]  # fmt: skip
# Words around a duration that make it an elapsed time ("seit 3 Tagen", "two weeks ago").
ELAPSED_BEFORE = {"seit", "since", "vor", "nach", "after", "in", "within", "innerhalb", "ago"}
ELAPSED_AFTER = {"ago", "her", "lang", "later", "später", "spaeter", "old", "alt"}
SENTENCE_END = re.compile(r"[.!?;\n]+(?:\s|$)")
