"""A rendered PDF's text layer, made to say what the page shows, once.

Chromium prints a label's white halo (a CSS text shadow: ``layers.map_base.HALO``, plotly's
``"auto"``) as a masked fill *and* a copy of the label's text drawn fully transparent, once per
shadow. The page looks right, but copying or searching it reads "Kidal Kidal 1 1 1 1 1", and
a report writer who pastes "Kidal 11" has a wrong number. Text drawn with a fill opacity of 0 can
never be seen, so its glyphs are taken out of the text layer (its positioning stays, so nothing
after it moves); every mark that can be seen is left as it was.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject

SHOW_TEXT = (b"Tj", b"TJ")
# The two operators that move to the next line as they show text: the move is kept.
NEXT_LINE_SHOW = (b"'", b'"')


def _clear_states(resources: DictionaryObject) -> dict[str, bool]:
    """Each named graphics state that sets the fill opacity: whether it sets it to 0."""
    states = resources.get("/ExtGState")
    if states is None:
        return {}
    out = {}
    for name, ref in states.get_object().items():
        state = ref.get_object()
        if "/ca" in state:
            out[str(name)] = float(state["/ca"]) == 0
    return out


def _visible_operations(operations: list, clear: dict[str, bool]) -> tuple[list, int]:
    """The operations without the text shown while the fill opacity is 0, and how many went."""
    out, saved, invisible, dropped = [], [], False, 0
    for operands, op in operations:
        if op == b"q":
            saved.append(invisible)
        elif op == b"Q":
            invisible = saved.pop() if saved else False
        elif op == b"gs" and operands and str(operands[0]) in clear:
            invisible = clear[str(operands[0])]
        elif invisible and op in SHOW_TEXT:
            dropped += 1
            continue
        elif invisible and op in NEXT_LINE_SHOW:
            dropped += 1
            if op == b'"':  # word and character spacing are set as the text is shown: keep them
                out += [([operands[0]], b"Tw"), ([operands[1]], b"Tc")]
            out.append(([], b"T*"))
            continue
        out.append((operands, op))
    return out, dropped


def without_invisible_text(pdf: bytes) -> bytes:
    """``pdf`` with the glyphs it draws fully transparent taken out of its pages' text; the same
    bytes when it has none.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    changed = False
    for page in writer.pages:
        clear = _clear_states(page["/Resources"])
        if not any(clear.values()):
            continue
        content = ContentStream(page.get_contents(), writer)
        operations, dropped = _visible_operations(content.operations, clear)
        if dropped:
            content.operations = operations
            page.replace_contents(content)
            changed = True
    if not changed:
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
