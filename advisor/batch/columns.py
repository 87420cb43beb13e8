"""The columns of a registry file: which profile field each one holds, and which are carried through.

    统一社会信用代码,企业名称,企业规模,总建筑面积（平方米）,project.self_held,...
    91510105MA61XXXX0X,某某科技有限公司,小型,"1,200",是,...

A header names a field by any of
- its dotted path (project.floor_area_m2) or field name alone (floor_area_m2) when unique;
- the question's Chinese or English label (总建筑面积, "Total floor area"), or the label without
  a leading 是否 / 企业是否 / 项目是否 or a trailing 吗？ (项目建设地点在青羊区);
- the plan's own term for it when no other field shares it, or a short alias (ALIASES: 企业规模,
  建筑面积, 统一社会信用代码, 信用代码, 低风险项目, ...);
- a registry's own header, mapped by `--columns mapping.yaml` ({registry header: any of the above}).
Headers are compared after NFKC (full-width to half-width), without spaces or a trailing unit in
brackets (总建筑面积（㎡） is 总建筑面积). `id` or 编号 identifies the enterprise in the results.

The header is the first row that names a field this way (`names_a_field`), so a title above it is
passed over (rows.find_header).

Every other column (企业名称, 注册地址, ...) is unknown: reported once and carried through to the
outputs untouched, so names and ids stay beside the results. A totals row (合计, 小计, 总计 … in its
first cell with content, its id or its name column: `totals_label`) is not an enterprise: the
screener skips it and reports its line. Two columns naming the same field,
or the same header twice, stop the run before any row is screened, as does a dotted name of a
known section that is not one of its fields (project.floor_area: a typo, not a registry column).
Values: values.py. A blank cell (or a pandas NaN) is unknown, never "no".
JSON Lines rows may also be nested like the API's profile ({"project": {...}}), with `id` beside;
their unknown keys fail the row (the profile model names them).
"""

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..questions import QuestionCatalog
from .errors import BatchInputError, echo, echo_list
from .limits import MAX_COLUMNS
from .values import EnumLabels, Unfit, convert

__all__ = ["ALIASES", "ID_COLUMN", "NAME_HEADERS", "BatchInputError", "ColumnMap", "Layout", "ParsedRow", "cell_text",
           "load_mapping", "totals_label"]

ID_COLUMN = "id"
_ID_NAMES = ("id", "编号", "企业编号")
# Short names registries use, beyond the catalog's own labels (which are always accepted).
ALIASES: dict[str, tuple[str, ...]] = {
    "enterprise.credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "credit code", "uscc"),
    "enterprise.size": ("企业规模", "规模", "企业规模类型"),
    "enterprise.ownership": ("企业性质", "所有制", "企业类型"),
    "enterprise.industry": ("行业", "所属行业", "主要行业"),
    "enterprise.in_qingyang": ("在青羊区", "是否在青羊区", "注册在青羊区", "企业是否在青羊区注册或经营",
                               "在青羊区注册或经营"),
    # 项目建设地点在青羊区吗？ was this question's label before the site covered connected premises (issue 17):
    # registries made from the earlier template keep it as their header.
    "project.in_qingyang": ("项目在青羊区", "项目是否在青羊区", "建设地点在青羊区", "项目建设地点在青羊区",
                            "项目建设地点在青羊区吗？", "项目是否位于青羊区", "用水用气地点在青羊区"),
    "enterprise.function_zone": ("产业功能区", "功能区"),
    "enterprise.key_enterprise": ("重点企业", "区重点企业"),
    "project.floor_area_m2": ("总建筑面积", "建筑面积", "面积"),
    "project.height_m": ("建筑高度", "高度"),
    "project.type": ("项目类型",),
    "project.low_risk": ("低风险项目", "是否属于低风险项目", "是否低风险"),
    "project.simple_low_risk": ("简易低风险项目", "是否属于简易低风险项目"),
    "project.self_held": ("自持", "是否自持", "项目建成后是否由建设单位自持"),
    "project.district_major": ("区级重大项目", "是否为区级重大项目"),
    "project.funding": ("投资主体", "项目投资主体"),
    "utilities.water_pipe_dn": ("给水管径", "管径"),
    "ip.invention_patents": ("发明专利", "有效发明专利数", "发明专利数量"),
}
_UNIT = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")
_YES_NO = re.compile(r"^(企业|项目|人才|员工|外籍人员)?是否(为|属于|有)?")
# A totals row's label as header_key leaves it: 合计, 小计：, 总计（30家）, Grand total.
_TOTALS = re.compile(r"^(合计|小计|总计|共计|总合计|累计|total|totals|subtotal|grandtotal|sum)(:.*|\(.*\))?$")
_TOTALS_FIRST = frozenset("合小总共累tsg")  # a cheap first test: most cells are not labels


def header_key(name: str) -> str:
    """A header as compared: NFKC, lower case, no spaces, no trailing (unit), no trailing ':' or '?'."""
    text = "".join(unicodedata.normalize("NFKC", name).split()).lower()
    text = _UNIT.sub("", text).rstrip(":?").lstrip("*")
    return text


NAME_HEADERS = frozenset(header_key(name) for name in ("企业名称", "名称", "企业名", "单位名称", "name",
                                                      "enterprise name", "company", "company name"))


def _totals_text(value: Any) -> str | None:
    if value.__class__ is not str:
        return None
    text = value.strip()
    if not text or unicodedata.normalize("NFKC", text[0]).lower() not in _TOTALS_FIRST:
        return None
    return text[:40] if _TOTALS.match("".join(unicodedata.normalize("NFKC", text).split()).lower()) else None


def totals_label(cells: dict[str, Any] | tuple[Any, ...], label_at: tuple[int, ...] = ()) -> str | None:
    """The label (合计, 小计, 总计 …) when a row is a totals row rather than an enterprise, else None.

    The label stands in the row's first cell with content, or in its id or name column (`label_at`,
    Layout.label_at); for a JSON Lines object, in its id or name."""
    if isinstance(cells, dict):
        values = [value for key, value in cells.items() if key.__class__ is str
                  and (key in _ID_NAMES or header_key(key) in NAME_HEADERS)]
    else:
        first = next((cell for cell in cells if cell is not None and cell != ""), None)
        values = [first, *(cells[at] for at in label_at if at < len(cells))]
    for value in values:
        label = _totals_text(value)
        if label is not None:
            return label
    return None


@dataclass(frozen=True, slots=True)
class Layout:
    """A file's header resolved: per column a field path, ID_COLUMN, or None (carried through)."""

    header: tuple[str, ...]
    targets: tuple[str | None, ...]

    @property
    def carried(self) -> tuple[str, ...]:
        """The unknown columns, in file order: written beside the results untouched."""
        return tuple(name for name, target in zip(self.header, self.targets, strict=True) if target is None)

    @property
    def carried_at(self) -> tuple[int, ...]:
        return tuple(index for index, target in enumerate(self.targets) if target is None)

    @property
    def label_at(self) -> tuple[int, ...]:
        """The id column and the name columns (企业名称 …), where a totals row may put its label."""
        return tuple(index for index, (name, target) in enumerate(zip(self.header, self.targets, strict=True))
                     if target == ID_COLUMN or (target is None and header_key(name) in NAME_HEADERS))

    def unknown_message(self, lang: str) -> str | None:
        """The one report of the carried columns (None when there are none)."""
        if not self.carried:
            return None
        names = echo_list(self.carried, lang)
        return (f"未识别为档案字段的列（原样保留在结果中）：{names}" if lang == "zh"
                else f"columns that are not profile fields (carried through to the results): {names}")


@dataclass(slots=True)
class ParsedRow:
    """A row as the screener needs it: the id, the raw nested profile, the cells that did not fit
    their field (path, zh, en), and the carried-through cells."""

    ident: str | None
    nested: dict[str, dict[str, Any]]
    problems: list[tuple[str, str, str]]
    carried: tuple[Any, ...]


def load_mapping(path: Path) -> dict[str, str]:
    """A --columns file: a YAML mapping {registry header: field path, label, alias or id}."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise BatchInputError(f"{path.name}: cannot read the column mapping: {str(error)[:200]}",
                              f"{path.name}：无法读取列映射文件：{str(error)[:200]}") from error
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise BatchInputError(f"{path.name}: the column mapping must be 'registry header: field' lines",
                              f"{path.name}：列映射文件应为“表头: 字段”的形式")
    return data


class ColumnMap:
    """Resolves headers to profile fields and converts rows to raw profiles."""

    def __init__(self, questions: QuestionCatalog, mapping: dict[str, str] | None = None) -> None:
        self.by_path = questions.by_path
        self.sections = {section.id for section in questions.sections}
        self.paths = list(self.by_path)
        self.enums = {path: EnumLabels(q) for path, q in self.by_path.items() if q.type == "enum"}
        self.names = self._names()
        self.mapping: dict[str, str] = {}
        for header, target in (mapping or {}).items():
            resolved = self.names.get(header_key(target))
            if resolved is None:
                raise BatchInputError(
                    f"column mapping: {echo(header)} -> {echo(target)}: not a profile field, label or 'id'",
                    f"列映射：{echo(header)} -> {echo(target)}：不是档案字段、问题名称或 id")
            self.mapping[header_key(header)] = resolved

    def _names(self) -> dict[str, str]:
        """Every accepted spelling (as header_key) -> field path or ID_COLUMN; ambiguous spellings left out."""
        spellings: dict[str, set[str]] = {}

        def add(name: str, target: str) -> None:
            spellings.setdefault(header_key(name), set()).add(target)

        for path, question in self.by_path.items():
            label = header_key(question.label.zh).removesuffix("吗")  # 项目建设地点在青羊区吗？
            for name in (path, question.id, question.label.zh, question.label.en, label, question.term or "",
                         _YES_NO.sub("", question.label.zh), *ALIASES.get(path, ())):
                add(name, path)
        names = {key: next(iter(targets)) for key, targets in spellings.items() if len(targets) == 1 and key}
        for path in self.by_path:  # a dotted path always wins
            names[header_key(path)] = path
        for name in _ID_NAMES:
            names[header_key(name)] = ID_COLUMN
        return names

    def target(self, name: str) -> str | None:
        """The field path (or ID_COLUMN) a header names; None for a column to carry through."""
        key = header_key(name)
        return self.mapping.get(key) or self.names.get(key)

    def names_a_field(self, cells: Sequence[Any]) -> bool:
        """Whether a row's cells name a profile field or the id column: the test of a header row."""
        return any(cell.__class__ is str and self.target(cell) is not None for cell in cells)

    def layout(self, header: list[str] | tuple[str, ...]) -> Layout:
        """Resolve a header; BatchInputError (capped echo) for duplicates, dotted typos or too many columns."""
        if len(header) > MAX_COLUMNS:
            raise BatchInputError(f"the header has {len(header):,} columns; at most {MAX_COLUMNS:,} are read",
                                  f"表头有{len(header):,}列，最多可读取{MAX_COLUMNS:,}列")
        targets = tuple(self.target(name) for name in header)
        typos = [name for name, target in zip(header, targets, strict=True)
                 if target is None and name.partition(".")[0] in self.sections]
        if typos:
            hints = [f"{echo(name)}（{'、'.join(difflib.get_close_matches(name, self.paths, 1)) or '?'}）"
                     for name in typos[:5]]
            raise BatchInputError(
                f"unknown field(s) {echo_list(typos, 'en')}; did you mean: {', '.join(hints)}",
                f"无法识别的字段：{echo_list(typos, 'zh')}；是否应为：{'、'.join(hints)}")
        seen: dict[str, str] = {}
        clashes: list[str] = []
        for name, target in zip(header, targets, strict=True):
            key = target or f"\0{name}"  # carried columns clash only by identical header
            if key in seen:
                clashes.append(f"{echo(seen[key])} / {echo(name)}")
            seen.setdefault(key, name)
        if clashes:
            joined = "; ".join(clashes[:5])
            raise BatchInputError(f"duplicate columns (each field may appear once): {joined}",
                                  f"列重复（每个字段只能出现一次）：{joined}")
        return Layout(tuple(header), targets)

    def check_columns(self, columns: list[str]) -> Layout:
        """layout() under its older name (the web upload checks a file before queueing it)."""
        return self.layout(columns)

    def parse(self, cells: dict[str, Any] | tuple[Any, ...], layout: Layout | None = None) -> ParsedRow:
        """A row (cells aligned with `layout`, or a JSON Lines mapping) as a ParsedRow. Blank cells are left out."""
        if isinstance(cells, dict):
            return self._parse_mapping(cells)
        assert layout is not None, "a tuple row needs its layout"
        ident: Any = None
        nested: dict[str, dict[str, Any]] = {}
        problems: list[tuple[str, str, str]] = []
        by_path, enums = self.by_path, self.enums
        for target, value in zip(layout.targets, cells, strict=True):
            if target is None or value is None or value == "" or (value.__class__ is str and not value.strip()) \
                    or value != value:  # NaN: a blank cell of a pandas frame
                continue  # most cells of a registry are blank: skip them first
            if target == ID_COLUMN:
                ident = value
                continue
            question = by_path[target]
            converted = convert(question, enums.get(target), value)
            if converted.__class__ is Unfit:
                zh, en = converted.problem
                problems.append((target, zh, en))
                continue
            nested.setdefault(question.section, {})[question.id] = converted
        carried = tuple(cells[index] for index in layout.carried_at)
        return ParsedRow(None if ident is None else str(ident), nested, problems, carried)

    def _parse_mapping(self, cells: dict[str, Any]) -> ParsedRow:
        ident: Any = None
        nested: dict[str, dict[str, Any]] = {}
        problems: list[tuple[str, str, str]] = []
        for column, value in cells.items():
            if value is None or value == "" or (value.__class__ is str and not value.strip()) or value != value:
                continue
            target = self.target(column) if column not in self.sections else None
            if target == ID_COLUMN:
                ident = value
                continue
            if target is None:
                if column in self.sections and isinstance(value, dict):  # a nested section
                    for name, inner in value.items():
                        self._put(nested, problems, f"{column}.{name}", inner)
                    continue
                section, _, name = column.partition(".")  # unknown: let the profile model name it
                nested.setdefault(section, {})[name] = value
                continue
            self._put(nested, problems, target, value)
        return ParsedRow(None if ident is None else str(ident), nested, problems, ())

    def _put(self, nested: dict[str, dict[str, Any]], problems: list[tuple[str, str, str]], path: str,
             value: Any) -> None:
        question = self.by_path.get(path)
        section, _, name = path.partition(".")
        if question is None or value is None:
            nested.setdefault(section, {})[name] = value  # the profile model names it
            return
        converted = convert(question, self.enums.get(path), value)
        if converted.__class__ is Unfit:
            problems.append((path, *converted.problem))
        else:
            nested.setdefault(section, {})[name] = converted

    def row(self, profile: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """A raw nested profile as a flat typed row {dotted path: value} (writers turn it into text)."""
        return {f"{section}.{name}": value for section, values in profile.items() for name, value in values.items()}


def cell_text(value: Any) -> str:
    """A typed value as a registry cell: true/false, numbers as written, blank for unknown."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

