"""A rendered PDF's text layer, made to say what the page shows, once.

Chromium prints a label's white halo (a CSS text shadow: ``layers.map_base.HALO``, plotly's
``"auto"``) as a masked fill *and* a copy of the label's text drawn fully transparent, once per
shadow. The page looks right, but copying or searching it reads "Kidal Kidal 1 1 1 1 1", and
a report writer who pastes "Kidal 11" has a wrong number. So a text drawn with a fill opacity
of 0 is taken out of the text layer when the page also shows the same text where it can be seen
(Chromium's only copy of a text it drew as shapes, for a font it could not embed, stays), and
when the next text operator places the text anew (so nothing after it moves). Every mark that
can be seen is left as it was. Form XObjects are not entered (Chromium draws labels on the page),
and the text render mode is not read (Chromium draws its halos' copies in the default one).
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject

log = logging.getLogger(__name__)

SHOW = (b"Tj", b"TJ", b"'", b'"')
# The text operators that set where the next text goes, whatever came before it (' and " move to
# the next line before they show).
PLACE = (b"Td", b"TD", b"Tm", b"T*", b"ET", b"'", b'"')


def _clear_states(resources: DictionaryObject | None) -> dict[str, bool]:
    """Each named graphics state that sets the fill opacity: whether it sets it to 0."""
    states = resources.get("/ExtGState") if resources is not None else None
    if states is None:
        return {}
    out = {}
    for name, ref in states.get_object().items():
        state = ref.get_object()
        if "/ca" in state:
            out[str(name)] = float(state["/ca"]) == 0
    return out


def _bytes(value: object) -> bytes:
    raw = getattr(value, "original_bytes", value)  # a text string keeps the bytes it was read from
    return bytes(raw) if isinstance(raw, (bytes, bytearray)) else str(raw).encode("latin-1", "replace")


def _shown(operands: list) -> bytes:
    """The bytes a text-showing operator shows (a TJ's strings joined; its spacings left out)."""
    value = operands[-1] if operands else b""
    parts = value if isinstance(value, ArrayObject) else [value]
    return b"".join(_bytes(x) for x in parts if not isinstance(x, (int, float)))


def _shows(operations: list, clear: dict[str, bool]) -> list[tuple[int, tuple[str, bytes], bool]]:
    """(index, (font, bytes shown), whether the fill opacity was 0) of each text-showing operator.
    The font is part of what is shown: a subset font's bytes are glyph numbers, which mean other
    letters in another font.
    """
    saved: list[bool] = []
    invisible, font, out = False, "", []
    for i, (operands, op) in enumerate(operations):
        if op == b"q":
            saved.append(invisible)
        elif op == b"Q":
            invisible = saved.pop() if saved else False
        elif op == b"gs" and operands and str(operands[0]) in clear:
            invisible = clear[str(operands[0])]
        elif op == b"Tf" and operands:
            font = str(operands[0])
        elif op in SHOW:
            out.append((i, (font, _shown(operands)), invisible))
    return out


def _replaced_next(operations: list, i: int) -> bool:
    """Whether the text after the show at ``i`` is placed anew before anything else is shown."""
    for _, op in operations[i + 1:]:
        if op in PLACE:
            return True
        if op in SHOW:  # Tj, TJ: shown where the dropped text would have ended
            return False
    return True


def _visible_operations(operations: list, clear: dict[str, bool]) -> tuple[list, int]:
    """The operations without the invisible copies of texts the page shows; how many went."""
    shows = _shows(operations, clear)
    seen = {text for _, text, invisible in shows if not invisible}
    drop = {i for i, text, invisible in shows if invisible and text in seen and _replaced_next(operations, i)}
    out = []
    for i, (operands, op) in enumerate(operations):
        if i not in drop:
            out.append((operands, op))
        elif op in (b"'", b'"'):  # they move to the next line as they show: the move stays
            if op == b'"':  # and set the word and character spacing
                out += [([operands[0]], b"Tw"), ([operands[1]], b"Tc")]
            out.append(([], b"T*"))
    return out, len(drop)


def without_invisible_text(pdf: bytes) -> bytes:
    """``pdf`` without the invisible copies of the texts its pages show; the same bytes when it
    has none, or when it cannot be read (the text layer is a nicety: the export goes out).
    """
    try:
        return _clean(pdf)
    except Exception as exc:  # noqa: BLE001  (any reader failure: the rendered file is still good)
        log.warning("PDF text layer left as rendered: %s: %s", type(exc).__name__, exc)
        return pdf


def _clean(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    changed = False
    for page in writer.pages:
        clear = _clear_states(page.get("/Resources"))
        if not any(clear.values()):
            continue
        content = ContentStream(page.get_contents(), writer)
        operations, dropped = _visible_operations(content.operations, clear)
        if dropped:
            content.operations = operations
            page.replace_contents(content)
            page.compress_content_streams()  # as Chromium wrote it: a map page is mostly paths
            changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
