"""The simulation's report: a short markdown and HTML page with SVG bar charts, for a policy office.

What the reform changes (each parameter from its base value to the reform's, the rules switched off,
replaced or added), then who gains and who loses: per provision, by enterprise size, by sector and by
function zone, with two charts (gains by provision, gains by size). Every text of the plan (titles,
quotes) is the plan's as issued: a reform changes numbers and rules, not the plan's words. The HTML is
a fragment inside a page with no inline style (it is shown under the app's Content-Security-Policy);
the charts are SVG with presentation attributes only.
"""

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

from ..conditions import plain_number
from ..messages import message
from ..rulebase import RuleBase
from ..text import Text
from .screen import DIMENSIONS, TRANSITIONS, dimension_labels

if TYPE_CHECKING:
    from .run import SimulationSummary

_WIDTH = 420  # narrow enough to read on a phone without zooming (labels above their bars)
_BAR_WIDTH = 340
_ROW = 40
_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def bar_chart(title: str, items: Iterable[tuple[str, int]], label_chars: int = 30) -> str:
    """A bar chart as a standalone SVG document: each label on its own line (shortened to `label_chars`, in full
    on hover), its bar below it, the count at the bar's end."""
    rows = list(items)
    top = max((value for _, value in rows), default=0) or 1
    height = 36 + _ROW * max(len(rows), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
             f'viewBox="0 0 {_WIDTH} {height}" role="img" aria-label="{escape(title)}" font-family="{_FONT}" '
             f'font-size="13">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="18" font-size="15" font-weight="bold" fill="#1a1a1a">{escape(title)}</text>']
    for index, (label, value) in enumerate(rows):
        y = 30 + index * _ROW
        bar = round(_BAR_WIDTH * value / top)
        parts += [f'<text x="0" y="{y + 14}" fill="#1a1a1a"><title>{escape(label)}</title>'
                  f'{escape(_short(label, label_chars))}</text>',
                  f'<rect x="0" y="{y + 20}" width="{max(bar, 1 if value else 0)}" height="14" fill="#1d6fa5"/>',
                  f'<text x="{bar + 6}" y="{y + 32}" fill="#1a1a1a">{value:,}</text>']
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


class _Report:
    """The report's content once, rendered as markdown or HTML."""

    def __init__(self, summary: "SimulationSummary", base: RuleBase, reformed: RuleBase) -> None:
        self.summary = summary
        self.base = base
        self.reformed = reformed
        self.lang = "zh" if summary.lang == "zh" else "en"
        self.labels = dimension_labels(base, self.lang)
        self.colon = message("colon", self.lang)
        self.label_chars = 30 if self.lang == "zh" else 56  # what fits the chart's width

    def words(self, key: str, **values: object) -> str:
        """One of the report's own words (catalog/messages.yaml, sim_report_*) in the report's language."""
        return message(f"sim_report_{key}", self.lang, **values)

    def unit(self, unit: str) -> str:
        return message(f"unit_{unit}", self.lang)

    def text(self, text: Text) -> str:
        """A bilingual text in the report's language."""
        return text.zh if self.lang == "zh" else text.en

    def title_of(self, rule_id: str) -> str:
        rule = self.reformed.rules.get(rule_id) or self.base.rules[rule_id]
        return self.text(rule.spec.title)

    @property
    def heading(self) -> str:
        return self.words("title") + self.colon + self.text(self.summary.reform.spec.title)

    def head(self) -> list[tuple[str, str]]:
        """(label, text) lines describing the run."""
        summary, words, spec = self.summary, self.words, self.summary.reform.spec
        name = words("name", reform=spec.reform, day=spec.in_force_from)
        registry = words("rows", rows=summary.rows, screened=summary.screened, failed=summary.failed)
        if summary.skipped:
            registry += self.words("list_sep") + words("skipped", count=len(summary.skipped))
        lines = [(words("reform"), self.text(spec.title) + name),
                 (words("as_of"), summary.as_of.isoformat()),
                 (words("registry"), registry)]
        if spec.summary:
            lines.insert(1, ("", self.text(spec.summary)))
        return lines

    def changes(self) -> list[str]:
        """What the reform changes, one line each."""
        spec, words, out = self.summary.reform.spec, self.words, []
        for name, value in spec.parameters.items():
            parameter = self.base.parameters.parameters[name]
            unit = self.unit(parameter.spec.unit)
            before = self.base.values.get(name)
            shown = "-" if before is None else f"{plain_number(before):,}"
            description = self.text(parameter.spec.description)
            where = words("article", a=parameter.spec.article) if parameter.spec.article else ""
            out.append(f"{description}{where}{self.colon}{shown} → {plain_number(value):,} {unit} [`{name}`]")
        for name, new in spec.new_parameters.items():
            reading = f" — {self.text(new.reading)}" if new.reading else ""
            out.append(f"{self.text(new.description)}{self.colon}{plain_number(new.value):,} "
                       f"{self.unit(new.unit)} [`{name}`]{reading}")
        reform = self.summary.reform
        for key, ids in (("switched_off", reform.switched_off), ("replaced", reform.replaced),
                         ("added", reform.added)):
            if ids:
                out.append(f"{words(key)}{self.colon}" + words("list_sep").join(
                    f"{self.title_of(i)} [`{i}`]" for i in sorted(ids)))
        return out

    def result(self) -> str:
        summary, words = self.summary, self.words
        if not summary.enterprises.get("changed"):
            text = words("nothing")
        else:
            text = words("enterprises", changed=summary.enterprises["changed"],
                                               gain=summary.enterprises.get("gain", 0),
                                               loss=summary.enterprises.get("loss", 0))
        if summary.reform_failed:
            text += " " + words("reform_failed", count=summary.reform_failed)
        return text

    def provision_rows(self) -> tuple[list[str], list[list[str]]]:
        summary, words = self.summary, self.words
        header = [words("provision"), words("base_eligible"), words("reform_eligible"),
                  *(words(kind) for kind in TRANSITIONS)]
        rows = [[f"{self.title_of(rule_id)} `{rule_id}`", f"{summary.base_eligible.get(rule_id, 0):,}",
                 f"{summary.reform_eligible.get(rule_id, 0) if rule_id in self.reformed.rules else 0:,}",
                 *(f"{summary.transitions.get((rule_id, kind), 0):,}" for kind in TRANSITIONS)]
                for rule_id in summary.affected]
        return header, rows

    def dimension_rows(self, dimension: str) -> tuple[list[str], list[list[str]]]:
        """Per value of the dimension, each kind of change summed over the provisions."""
        label, values = self.labels[dimension]
        totals: dict[str, dict[str, int]] = {}
        for (which, value, _, kind), count in self.summary.by.items():
            if which == dimension:
                totals.setdefault(value, dict.fromkeys(TRANSITIONS, 0))[kind] += count
        order = list(values)
        rows = [[values.get(value, value), *(f"{totals[value][kind]:,}" for kind in TRANSITIONS)]
                for value in sorted(totals, key=lambda v: order.index(v) if v in order else len(order))]
        return [label, *(self.words(kind) for kind in TRANSITIONS)], rows

    def by(self, dimension: str) -> str:
        """The heading of a dimension's table: 按企业规模 / By enterprise size."""
        label = self.labels[dimension][0]
        return self.words("by", label=label if self.lang == "zh" else label[:1].lower() + label[1:])

    def chart_provisions(self) -> str:
        items = [(self.title_of(rule_id), self.summary.transitions.get((rule_id, "gain"), 0))
                 for rule_id in self.summary.affected]
        return bar_chart(self.words("chart_provisions"), sorted(items, key=lambda item: -item[1]), self.label_chars)

    def chart_size(self) -> str:
        _, values = self.labels["size"]
        gains: dict[str, int] = dict.fromkeys(values, 0)
        for (which, value, _, kind), count in self.summary.by.items():
            if which == "size" and kind == "gain":
                gains[value] = gains.get(value, 0) + count
        return bar_chart(self.words("chart_size"), [(values.get(value, value), count)
                                                    for value, count in gains.items()], self.label_chars)

    def notes(self) -> list[str]:
        spec = self.summary.reform.spec
        return [self.text(note) for note in spec.notes] + [self.words("disclaimer")]

    # --- markdown ------------------------------------------------------------------------------
    def markdown(self) -> str:
        words, out = self.words, []
        out.append(f"# {self.heading}\n")
        out += [f"- {label + self.colon if label else ''}{text}" for label, text in self.head()]
        out.append(f"\n## {words('what')}\n")
        out += [f"- {line}" for line in self.changes()]
        out.append(f"\n## {words('result')}\n\n{self.result()}\n")
        out.append(f"\n## {words('by_provision')}\n")
        out += _md_table(*self.provision_rows())
        out.append(f"\n![{words('chart_provisions')}](gains-by-provision.svg)\n")
        for dimension in DIMENSIONS:
            out.append(f"\n## {self.by(dimension)}\n")
            out += _md_table(*self.dimension_rows(dimension))
            if dimension == "size":
                out.append(f"\n![{words('chart_size')}](gains-by-size.svg)\n")
        out.append(f"\n## {words('notes')}\n")
        out += [f"- {note}" for note in self.notes()]
        return "\n".join(out) + "\n"

    # --- HTML ----------------------------------------------------------------------------------
    def fragment(self) -> str:
        """The report as an HTML fragment (no inline style): for the staff page and report.html."""
        words, out = self.words, []
        out.append(f"<h1>{escape(self.heading)}</h1>")
        out.append("<dl>" + "".join(f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>" if label
                                    else f"<dd>{escape(text)}</dd>" for label, text in self.head()) + "</dl>")
        out.append(f"<h2>{escape(words('what'))}</h2><ul>"
                   + "".join(f"<li>{_code(line)}</li>" for line in self.changes()) + "</ul>")
        out.append(f"<h2>{escape(words('result'))}</h2><p>{escape(self.result())}</p>")
        out.append(f"<h2>{escape(words('by_provision'))}</h2>")
        out.append(_html_table(*self.provision_rows()))
        out.append(f"<figure>{_inline(self.chart_provisions())}</figure>")
        for dimension in DIMENSIONS:
            out.append(f"<h2>{escape(self.by(dimension))}</h2>")
            out.append(_html_table(*self.dimension_rows(dimension)))
            if dimension == "size":
                out.append(f"<figure>{_inline(self.chart_size())}</figure>")
        out.append(f"<h2>{escape(words('notes'))}</h2><ul>"
                   + "".join(f"<li>{escape(note)}</li>" for note in self.notes()) + "</ul>")
        return "\n".join(out) + "\n"

    def html(self) -> str:
        lang = "zh-CN" if self.lang == "zh" else "en"
        return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
                f'<title>{escape(self.heading)}</title>\n</head>\n<body>\n{self.fragment()}</body>\n</html>\n')


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    cell = lambda text: text.replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return lines


def _code(text: str) -> str:
    """Escaped text with `name` shown as <code>."""
    parts = escape(text).split("`")
    return "".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts))


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    """A table whose first column names the row and the others count (class "num"); it scrolls sideways
    inside its wrapper on a narrow screen."""
    def cells(row: list[str], tag: str) -> str:
        scope = ' scope="col"' if tag == "th" else ""
        number = ' class="num"'
        return "".join(f"<{tag}{scope}{number if index else ''}>{_code(cell)}</{tag}>"
                       for index, cell in enumerate(row))

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return (f'<div class="table-scroll"><table><thead><tr>{cells(header, "th")}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _inline(svg: str) -> str:
    """An SVG document as an element inside HTML (without its XML namespace line breaks)."""
    return svg.strip()


def render_reports(summary: "SimulationSummary", base: RuleBase, reformed: RuleBase) -> dict[str, str]:
    """The report files by name: report.md, report.html and the two charts."""
    report = _Report(summary, base, reformed)
    return {"report.md": report.markdown(), "report.html": report.html(),
            "gains-by-provision.svg": report.chart_provisions(), "gains-by-size.svg": report.chart_size()}
