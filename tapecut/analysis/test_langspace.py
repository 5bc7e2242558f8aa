"""The language-neutral space, the clusterer that works in it, and titles from reports."""

from __future__ import annotations

from typing import Any

import numpy as np

from tapecut.analysis import langspace
from tapecut.analysis.stages.clustering import AgglomerativeClusterer
from tapecut.analysis.stages.titles import representative_titles, title_from_text


def translated_topics(seed: int = 0) -> tuple[np.ndarray, list[str], list[int], list[int]]:
    """Texts about 4 topics in 3 languages; each language adds a strong common direction,
    stronger than the topic, as multilingual encoders do."""
    rng = np.random.default_rng(seed)
    dim = 48
    topics = rng.normal(size=(4, dim))
    offsets = {lang: 3.0 * rng.normal(size=dim) for lang in ("de", "en", "pt")}
    rows, langs, topic_of, group = [], [], [], []
    for item in range(150):
        topic = item % 4
        meaning = topics[topic] + 0.6 * rng.normal(size=dim)  # this item's own content
        for lang, offset in offsets.items():
            rows.append(meaning + offset + 0.1 * rng.normal(size=dim))
            langs.append(lang)
            topic_of.append(topic)
            group.append(item)
    return langspace.unit(np.vstack(rows)), langs, topic_of, group


def test_removing_each_languages_mean_brings_translations_together() -> None:
    vectors, langs, _topics, group = translated_topics()
    raw_nearest = (vectors @ vectors.T - 2 * np.eye(len(vectors))).argmax(axis=1)
    space = langspace.fit(vectors, langs)
    neutral = space.transform(vectors, langs)
    nearest = (neutral @ neutral.T - 2 * np.eye(len(vectors))).argmax(axis=1)
    raw_hits = np.mean([group[i] == group[j] for i, j in enumerate(raw_nearest)])
    hits = np.mean([group[i] == group[j] for i, j in enumerate(nearest)])
    assert raw_hits < 0.2 and hits > 0.95


def test_a_language_with_few_reports_leans_on_the_mean_of_all() -> None:
    vectors, langs, _topics, _group = translated_topics()
    space = langspace.fit(vectors[:10], ["xx"] * 10)
    assert not space.fitted  # below MIN_FIT the space is the raw one
    assert np.allclose(space.transform(vectors[:3], ["xx"] * 3), vectors[:3], atol=1e-6)
    space = langspace.fit(vectors, langs)
    means, overall = space.means()
    assert set(means) == {"de", "en", "pt"}
    unknown = space.transform(vectors[:1], ["ja"])  # a language never seen: the overall mean
    assert np.allclose(unknown, langspace.unit(vectors[:1] - overall), atol=1e-5)


def test_clusters_follow_topics_and_keep_translations_together() -> None:
    vectors, langs, topics, group = translated_topics()
    neutral = langspace.fit(vectors, langs).transform(vectors, langs)
    labels = AgglomerativeClusterer(cohesion=0.1, min_cluster_size=3).cluster(neutral)
    together = [
        len({labels[i] for i in range(len(group)) if group[i] == g}) == 1 for g in set(group)
    ]
    assert all(together)
    purity = sum(
        max(np.bincount([topics[i] for i in np.flatnonzero(labels == c)])) for c in set(labels)
    )
    assert purity / len(labels) > 0.9 and (labels >= 0).all()


def test_titles_are_the_subject_or_the_key_sentence() -> None:
    assert title_from_text("AW: Taxi receipts are not refunded\n\nHello, I paid ...") == (
        "Taxi receipts are not refunded"
    )
    body = (
        "Hallo zusammen,\n\nich schreibe wegen der Dienstreise. Jeder Reiseantrag braucht drei "
        "Unterschriften vom Chef. Das dauert Wochen."
    )
    assert title_from_text(body, ["unterschriften", "reiseantrag"]) == (
        "Jeder Reiseantrag braucht drei Unterschriften vom Chef"
    )
    long = "word " * 40
    assert title_from_text(long).endswith("…") and len(title_from_text(long)) <= 80


def test_one_title_per_language_from_the_report_nearest_the_centre() -> None:
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], dtype=np.float32)
    texts = [
        "Taxi receipts are refused",
        "Taxi bills take weeks to pay",
        "Taxiquittungen abgelehnt",
    ]
    got = representative_titles(vectors, np.array([0.95, 0.05]), texts, ["en", "en", "de"])
    assert got == {"en": "Taxi receipts are refused", "de": "Taxiquittungen abgelehnt"}


def test_many_reports_take_the_nearest_cluster_of_a_sample(monkeypatch: Any) -> None:
    from tapecut.analysis.stages import clustering

    vectors, langs, topics, _group = translated_topics()
    neutral = langspace.fit(vectors, langs).transform(vectors, langs)
    monkeypatch.setattr(clustering, "DIRECT_LIMIT", 200)  # 450 rows: the sampled path
    labels = AgglomerativeClusterer(cohesion=0.1, min_cluster_size=3).cluster(neutral)
    assert (labels >= 0).mean() > 0.9
    kept = labels[labels >= 0]
    purity = sum(
        max(np.bincount([topics[i] for i in np.flatnonzero(labels == c)])) for c in set(kept)
    )
    assert purity / len(kept) > 0.9
