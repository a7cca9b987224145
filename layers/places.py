"""Place names in prose: which places a scene's words name, and which of them a map labels.

Names match without case or accents ("Ségou" is "Segou"), as whole words. Pure functions: the
stage uses them to label the places a scene talks about first, and ``rehearse`` to report the
ones its map still does not show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any


def fold(text: str) -> str:
    """Lower case without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _has(name: str, folded_text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", folded_text) is not None


def named_places(text: str, gazetteer: Iterable[str]) -> frozenset[str]:
    """The names of ``gazetteer`` that ``text`` mentions, folded."""
    folded = fold(text)
    return frozenset(fold(name) for name in gazetteer if _has(name, folded))


def map_labels(spec: dict[str, Any]) -> str:
    """Every label a map spec draws (regions, countries, places), tags removed, folded, joined."""
    texts: list[str] = []
    for trace in spec["data"]:
        if trace.get("visible") is False or trace.get("type") != "scattergeo":
            continue
        text = trace.get("text")
        texts += [str(x) for x in text] if isinstance(text, list) else [str(text or "")]
    return fold(" | ".join(re.sub(r"<[^>]+>", " ", x) for x in texts))


def missing_places(text: str, spec: dict[str, Any], gazetteer: Iterable[str]) -> list[str]:
    """Places of ``gazetteer`` named in ``text`` that the map does not label (folded, sorted)."""
    shown = map_labels(spec)
    return sorted(name for name in named_places(text, gazetteer) if not _has(name, shown))
