"""Made-up reports with known duplicate groups: form-letter campaigns among distinct reports.

A campaign is a letter of several real sentences that thousands of people send, each copy with a
few word edits (a word dropped, added or replaced) and signed with the sender's own name and
address. A distinct report is 4 to 7 real sentences drawn at random. Group labels: campaign
``c`` is ``c``; distinct report number ``i`` is ``campaigns + i``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Anna Ben Clara David Elif Felix Greta Hannes Ida Jonas Katrin Lukas Mia Noah Olga "
    "Paul Rosa Simon Tina Umut Vera Wolfgang Yusuf Zoe Erika Max Lena Deniz Markus Sophie"
)
LAST = _words(
    "Schmidt Yilmaz Hoffmann Weber Becker Wagner Schulz Keller Fischer Meyer Wolf Kaya "
    "Neumann Braun Richter Koch Klein Zimmermann Hartmann Lange Krause Peters Jung Vogel"
)
STREETS = _words(
    "Hauptstrasse Bahnhofstrasse Seestrasse Marktplatz Gartenweg Lindenallee Rosenweg "
    "Schulstrasse Kirchgasse Muehlenweg Bergstrasse Am Hafen Wallgutstrasse Ringstrasse"
)
CITIES = _words("Konstanz Singen Radolfzell Ulm Freiburg Basel Zuerich Lindau Kempten Ravensburg")
FILLERS = _words(
    "bitte wirklich dringend auch sehr leider unbedingt endlich nochmals ausdruecklich "
    "please really urgently also very again finally"
)
OPENINGS = ("Sehr geehrte Damen und Herren,", "Guten Tag,", "Dear Sir or Madam,", "Hallo,")


@dataclass(frozen=True)
class Dataset:
    texts: list[str]
    truth: np.ndarray  # group label per report


def generate(
    n: int,
    sentences: list[str],
    rng: random.Random,
    *,
    campaigns: int = 50,
    share: float = 0.3,
    max_edits: int = 6,
) -> Dataset:
    """``n`` reports, ``share`` of them copies of ``campaigns`` letters, shuffled."""
    pool = list(sentences)
    rng.shuffle(pool)
    letters = [pool[i * 8 : i * 8 + rng.randint(6, 8)] for i in range(campaigns)]
    rest = pool[campaigns * 8 :]  # distinct reports never quote a campaign letter
    copies = int(n * share) if campaigns else 0
    labels = [rng.randrange(campaigns) for _ in range(copies)]
    labels += list(range(campaigns, campaigns + n - copies))
    rng.shuffle(labels)
    texts = [
        campaign_copy(letters[label], rng, max_edits)
        if label < campaigns
        else distinct_report(rest, rng)
        for label in labels
    ]
    return Dataset(texts, np.asarray(labels, dtype=np.int64))


def campaign_copy(letter: list[str], rng: random.Random, max_edits: int) -> str:
    words = " ".join(letter).split()
    for _ in range(rng.randint(0, max_edits)):
        at = rng.randrange(len(words))
        roll = rng.random()
        if roll < 1 / 3 and len(words) > 1:
            del words[at]
        elif roll < 2 / 3:
            words.insert(at, rng.choice(FILLERS))
        else:
            words[at] = rng.choice(FILLERS)
    return f"{OPENINGS[0]}\n{' '.join(words)}\n{signature(rng)}"


def signature(rng: random.Random) -> str:
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
    return f"Mit freundlichen Gruessen\n{name}\n{street}, {rng.randint(10000, 99999)} " + (
        rng.choice(CITIES)
    )


def distinct_report(sentences: list[str], rng: random.Random) -> str:
    opening = rng.choice(OPENINGS) + "\n" if rng.random() < 0.3 else ""
    return opening + " ".join(rng.sample(sentences, rng.randint(4, 7)))
