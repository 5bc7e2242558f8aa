"""Which implementation each stage uses. ``TAPECUT_ANALYSIS_SKIP`` lists stages to replace by
their do-nothing versions (e.g. ``themes,duplicates``), for a deployment that wants less, or a
benchmark that measures one stage at a time."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

from tapecut.ai.base import ChatModel, Embedder, NullChat, NullEmbedder
from tapecut.analysis.stages import embedding
from tapecut.analysis.stages.category import (
    CategoryClassifier,
    NullCategoryClassifier,
    TaxonomyClassifier,
)
from tapecut.analysis.stages.clustering import AgglomerativeClusterer, Clusterer, NullClusterer
from tapecut.analysis.stages.duplicates import (
    DuplicateFinder,
    HybridDuplicateFinder,
    NullDuplicateFinder,
    Space,
)
from tapecut.analysis.stages.impact import (
    ImpactEstimator,
    NullImpactEstimator,
    PhraseImpactEstimator,
)
from tapecut.analysis.stages.labels import ChatLabeler, Labeler, NullLabeler
from tapecut.analysis.stages.language import (
    FastLanguageDetector,
    LanguageDetector,
    NullLanguageDetector,
)
from tapecut.analysis.stages.redaction import LayeredRedactor, NullRedactor, Redactor

STAGE_NAMES = ("language", "redaction", "impact", "embedding", "duplicates", "category", "themes")


@dataclass
class Stages:
    language: LanguageDetector
    redactor: Redactor
    impact: ImpactEstimator
    embedder: Embedder
    space: Space
    duplicates: DuplicateFinder
    category: CategoryClassifier
    themes_enabled: bool
    clusterer: Clusterer
    labeler: Labeler


_lock = threading.Lock()
_cached: dict[str, Stages] = {}


def current_chat() -> ChatModel:
    try:
        from tapecut.ai import registry
    except ImportError:
        return NullChat()
    return registry.get_chat()


def build(skip: set[str]) -> Stages:
    unknown = skip - set(STAGE_NAMES)
    if unknown:
        raise ValueError(f"TAPECUT_ANALYSIS_SKIP names unknown stages: {sorted(unknown)}")
    embedder = NullEmbedder() if "embedding" in skip else embedding.current_embedder()
    base = embedding.baseline(embedder) if embedder.dim > 1 else 0.0
    space = Space(embedder.name, base)
    themes_on = "themes" not in skip
    return Stages(
        language=NullLanguageDetector() if "language" in skip else FastLanguageDetector(),
        redactor=NullRedactor() if "redaction" in skip else LayeredRedactor(),
        impact=NullImpactEstimator() if "impact" in skip else PhraseImpactEstimator(),
        embedder=embedder,
        space=space,
        duplicates=NullDuplicateFinder() if "duplicates" in skip else HybridDuplicateFinder(),
        category=(
            NullCategoryClassifier() if "category" in skip else TaxonomyClassifier(embedder, base)
        ),
        themes_enabled=themes_on,
        clusterer=AgglomerativeClusterer(
            settings.TAPECUT_THEME_COHESION, settings.TAPECUT_THEME_MIN_SIZE
        )
        if themes_on
        else NullClusterer(),
        labeler=ChatLabeler(current_chat) if themes_on else NullLabeler(),
    )


def stages() -> Stages:
    """The configured stages, built once per process and embedder (the classifier keeps its
    model between reports)."""
    skip = {s.strip() for s in settings.TAPECUT_ANALYSIS_SKIP if s.strip()}
    embedder = "" if "embedding" in skip else embedding.current_embedder().name
    key = f"{sorted(skip)}|{embedder}"
    with _lock:
        if key not in _cached:
            _cached[key] = build(skip)
        return _cached[key]


def reset(**kwargs: Any) -> None:
    with _lock:
        _cached.clear()


def connect_signals() -> None:
    setting_changed.connect(reset, dispatch_uid="tapecut.analysis.stages_config")
