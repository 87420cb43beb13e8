"""Charts drawn on the server as SVG: no script, no external library, prints as it looks."""

from html import escape

COLORS = {"eligible": "#2e7d32", "undetermined": "#f9a825", "not_eligible": "#9e9e9e"}


def stacked_bars(rows: list[tuple[str, dict[str, int]]], width: int = 720, bar: int = 18) -> str:
    """Horizontal stacked bars, one per label, segments by status; an SVG element."""
    label_width, gap = 220, 6
    height = max(1, len(rows)) * (bar + gap) + 10
    top = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    scale = (width - label_width - 50) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart">']
    for index, (label, counts) in enumerate(rows):
        y = 5 + index * (bar + gap)
        parts.append(f'<text x="{label_width - 6}" y="{y + bar - 5}" text-anchor="end" font-size="12">'
                     f'{escape(label[:28])}</text>')
        x = float(label_width)
        for status, color in COLORS.items():
            count = counts.get(status, 0)
            if count:
                w = count * scale
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color}">'
                             f'<title>{escape(label)}: {status} {count}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar - 5}" font-size="12">{sum(counts.values())}</text>')
    parts.append("</svg>")
    return "".join(parts)


def columns(points: list[tuple[str, int]], width: int = 720, height: int = 200) -> str:
    """Vertical bars, one per label (e.g. consultations per week); an SVG element."""
    bottom, left = 30, 30
    top = max((value for _, value in points), default=0) or 1
    slot = (width - left) / max(1, len(points))
    bar = max(4.0, slot * 0.7)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#555"/>']
    for index, (label, value) in enumerate(points):
        h = (height - bottom - 20) * value / top
        x = left + index * slot + (slot - bar) / 2
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                     f'fill="#1565c0"><title>{escape(label)}: {value}</title></rect>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom - h - 4:.1f}" text-anchor="middle" '
                     f'font-size="11">{value}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 12}" text-anchor="middle" font-size="10">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
