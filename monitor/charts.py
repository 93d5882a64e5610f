"""Bar charts as SVG strings, drawn here (no chart library), for the PDF (WeasyPrint) and the HTML preview.

Readable in black and white: every bar carries its value as text; the two years of a comparison differ in
grey shade and pattern, not in colour; a suppressed value ("<5") is a short hatched stub with "<5", so its
length gives nothing away. Only presentation attributes are used (no `style=`), which the Content
Security Policy of the preview allows. Labels are escaped.
"""

import itertools

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .formatting import aantal
from .suppression import SUPPRESSED

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
INK = "#1b1b1b"
BAR = "#4d4d4d"  # this year: dark grey, solid
BAR_PREVIOUS = "#bdbdbd"  # last year: light grey with diagonal lines
STUB = 12  # width of the bar drawn for a suppressed value

_ids = itertools.count(1)


def _numeric(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _defs(ident):
    return (
        f'<defs><pattern id="{ident}-arcering" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{INK}" stroke-width="2"/></pattern>'
        f'<pattern id="{ident}-vorig" width="5" height="5" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(-45)"><rect width="5" height="5" fill="{BAR_PREVIOUS}"/>'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="#6e6e6e" stroke-width="1"/></pattern></defs>'
    )


def _svg(ident, width, height, title, body):
    return mark_safe(  # noqa: S308 - every text in body went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bzt-grafiek" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-titel" '
        f'font-family="{FONT}" font-size="11" fill="{INK}">'
        f'<title id="{ident}-titel">{escape(title)}</title>{_defs(ident)}{body}</svg>'
    )


def _text(x, y, content, *, anchor="start", weight=None, size=None):
    extra = (f' font-weight="{weight}"' if weight else "") + (f' font-size="{size}"' if size else "")
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def _bar(x, y, length, height, value, fill, ident, fmt):
    """One horizontal bar with its value right after it."""
    if value == SUPPRESSED:
        rect = (
            f'<rect x="{x}" y="{y:.1f}" width="{STUB}" height="{height}" fill="url(#{ident}-arcering)" '
            f'stroke="{INK}" stroke-width="0.8"/>'
        )
        return rect + _text(x + STUB + 5, y + height / 2 + 4, SUPPRESSED)
    number = _numeric(value)
    if number is None:
        return _text(x + 5, y + height / 2 + 4, fmt(value))
    rect = f'<rect x="{x}" y="{y:.1f}" width="{max(length, 0):.1f}" height="{height}" fill="{fill}"/>' if length else ""
    return rect + _text(x + max(length, 0) + 5, y + height / 2 + 4, fmt(number))


def _label_width(labels, most=210):
    """Room for the longest label (DejaVu Sans at 11 units: about 6.6 units per character)."""
    return min(most, max(40, int(max(len(str(label)) for label in labels) * 6.6) + 6))


def bar_chart(rows, *, title, fmt=aantal, width=420, label_width=None):
    """Horizontal bars. rows: [(label, value)], value a number, "<5" or None; empty rows give no chart."""
    rows = list(rows)
    if not rows:
        return ""
    label_width = label_width or _label_width(label for label, _ in rows)
    ident = f"grafiek-{next(_ids)}"
    row_height, bar_height, top = 22, 14, 6
    x0 = label_width + 8
    room = width - x0 - 62
    largest = max([_numeric(v) or 0 for _, v in rows] + [0])
    body = [f'<line x1="{x0}" y1="{top - 3}" x2="{x0}" y2="{top + row_height * len(rows)}" stroke="{INK}"/>']
    for i, (label, value) in enumerate(rows):
        y = top + i * row_height + (row_height - bar_height) / 2
        body.append(_text(label_width, y + bar_height / 2 + 4, str(label), anchor="end"))
        length = (_numeric(value) or 0) / largest * room if largest else 0
        body.append(_bar(x0, y, length, bar_height, value, BAR, ident, fmt))
    return _svg(ident, width, top * 2 + row_height * len(rows), title, "".join(body))


def column_chart(rows, *, title, fmt=aantal, width=420, height=170):
    """Vertical columns (e.g. per month). rows: [(short label, value)]."""
    rows = list(rows)
    if not rows:
        return ""
    ident = f"grafiek-{next(_ids)}"
    bottom, top, left = height - 22, 18, 8
    slot = (width - 2 * left) / len(rows)
    column = min(slot * 0.62, 40)
    largest = max([_numeric(v) or 0 for _, v in rows] + [0])
    body = [f'<line x1="{left}" y1="{bottom}" x2="{width - left}" y2="{bottom}" stroke="{INK}"/>']
    for i, (label, value) in enumerate(rows):
        middle = left + slot * i + slot / 2
        x = middle - column / 2
        body.append(_text(middle, bottom + 15, str(label), anchor="middle"))
        if value == SUPPRESSED:
            body.append(
                f'<rect x="{x:.1f}" y="{bottom - STUB}" width="{column:.1f}" height="{STUB}" '
                f'fill="url(#{ident}-arcering)" stroke="{INK}" stroke-width="0.8"/>'
            )
            body.append(_text(middle, bottom - STUB - 4, SUPPRESSED, anchor="middle"))
            continue
        number = _numeric(value) or 0
        length = number / largest * (bottom - top) if largest else 0
        if length:
            body.append(
                f'<rect x="{x:.1f}" y="{bottom - length:.1f}" width="{column:.1f}" height="{length:.1f}" fill="{BAR}"/>'
            )
        body.append(_text(middle, bottom - length - 4, fmt(value), anchor="middle"))
    return _svg(ident, width, height, title, "".join(body))


def comparison_chart(rows, *, title, labels, fmt=aantal, width=620, label_width=None):
    """Two bars per row: this year (dark, solid) and last year (light, hatched), with a legend.
    rows: [(label, this year, last year)]; labels: (this year's name, last year's name)."""
    rows = list(rows)
    if not rows:
        return ""
    label_width = label_width or _label_width(label for label, _, _ in rows)
    ident = f"grafiek-{next(_ids)}"
    bar_height, gap, legend = 12, 10, 24
    group = 2 * bar_height + 2 + gap
    x0 = label_width + 8
    room = width - x0 - 62
    largest = max([_numeric(v) or 0 for _, a, b in rows for v in (a, b)] + [0])
    body = [
        f'<rect x="{x0}" y="4" width="14" height="10" fill="{BAR}"/>',
        _text(x0 + 19, 13, labels[0]),
        f'<rect x="{x0 + 110}" y="4" width="14" height="10" fill="url(#{ident}-vorig)" stroke="#6e6e6e" '
        'stroke-width="0.5"/>',
        _text(x0 + 129, 13, labels[1]),
        f'<line x1="{x0}" y1="{legend - 2}" x2="{x0}" y2="{legend + group * len(rows)}" stroke="{INK}"/>',
    ]
    for i, (label, now, before) in enumerate(rows):
        y = legend + i * group + gap / 2
        body.append(_text(label_width, y + bar_height + 5, str(label), anchor="end"))
        for j, (value, fill) in enumerate(((now, BAR), (before, f"url(#{ident}-vorig)"))):
            length = (_numeric(value) or 0) / largest * room if largest else 0
            body.append(_bar(x0, y + j * (bar_height + 2), length, bar_height, value, fill, ident, fmt))
    return _svg(ident, width, legend + group * len(rows) + 4, title, "".join(body))
