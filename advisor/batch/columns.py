"""The column mapping of a registry file: one column per profile field, named by its dotted path.

    id,enterprise.size,project.floor_area_m2,project.self_held,...
    E001,small,1200,是,...

- `id` (optional) identifies the enterprise in the results (a name, a credit code, a row key);
  without it the line number does.
- Every other column is a profile field named SECTION.FIELD, as in catalog/questions.yaml and
  `advisor synth` output. An unknown column stops the run before any row is screened.
- Values are text: yes/no as true/false, 是/否, yes/no or 1/0; numbers as written (1200, 0.5);
  enum fields by value (`small`) or by their Chinese or English label (`小型`). A blank cell means
  unknown: it is never read as "no". A value that does not fit its field fails that row only,
  with the field named (the profile model's own messages).
JSON Lines rows may also be nested like the API's profile ({"project": {...}}), with `id` beside.
"""

from typing import Any

from ..questions import Question, QuestionCatalog

ID_COLUMN = "id"
_TRUE = {"true", "t", "yes", "y", "1", "是", "有", "对"}
_FALSE = {"false", "f", "no", "n", "0", "否", "无", "不是"}


class BatchInputError(ValueError):
    """The registry file cannot be screened at all (unreadable, or an unknown column)."""

    def __init__(self, en: str, zh: str | None = None) -> None:
        super().__init__(en)
        self.zh = zh or en

    def message(self, lang: str) -> str:
        """The reason in the user's language (zh or en)."""
        return self.zh if lang == "zh" else str(self)


class ColumnMap:
    """Converts registry rows to raw profiles and profiles back to text rows."""

    def __init__(self, questions: QuestionCatalog) -> None:
        self.by_path = questions.by_path
        self.sections = {section.id for section in questions.sections}
        self.paths = list(self.by_path)
        self._labels: dict[str, dict[str, str]] = {
            path: {label: option.value for option in q.options for label in (option.zh, option.en.lower())}
            for path, q in self.by_path.items() if q.type == "enum"
        }

    def check_columns(self, columns: list[str]) -> None:
        """Raise BatchInputError naming every column that is not `id` or a profile field."""
        unknown = [name for name in columns if name != ID_COLUMN and name not in self.by_path]
        if unknown:
            names = ", ".join(repr(name) for name in unknown)
            raise BatchInputError(
                f"unknown column(s) {names}: name each column by a profile field's dotted path, e.g. "
                f"project.floor_area_m2 (see `advisor synth` output), or '{ID_COLUMN}'",
                f"无法识别的列：{names}。列名应为档案字段的路径，如 project.floor_area_m2"
                f"（参见 advisor synth 的输出），或 {ID_COLUMN}")

    def _convert(self, question: Question, value: Any) -> Any:
        if not isinstance(value, str):
            return value  # XLSX and JSON cells arrive typed already
        text = value.strip()
        if question.type == "bool":
            low = text.lower()
            return True if low in _TRUE else False if low in _FALSE else text
        if question.type in ("integer", "number"):
            for kind in (int, float):
                try:
                    return kind(text.replace(",", ""))
                except ValueError:
                    continue
            return text  # the profile model names the field: "must be a number"
        if question.type == "enum":
            return self._labels[question.path].get(text, self._labels[question.path].get(text.lower(), text))
        return text

    def profile(self, cells: dict[str, Any] | tuple[Any, ...],
                header: list[str] | tuple[str, ...] = ()) -> tuple[str | None, dict[str, Any]]:
        """(enterprise id, raw nested profile) from a row: a mapping, or cells aligned with `header`.

        Blank cells are left out (unknown)."""
        items = cells.items() if isinstance(cells, dict) else zip(header, cells, strict=True)
        ident: Any = None
        nested: dict[str, Any] = {}
        by_path = self.by_path
        for column, value in items:
            if value is None or value == "" or (value.__class__ is str and not value.strip()):
                continue  # most cells of a registry are blank: skip them first
            if column == ID_COLUMN:
                ident = value
                continue
            question = by_path.get(column)
            if question is None:
                if column in self.sections and isinstance(value, dict):  # a nested JSON Lines section
                    nested.setdefault(column, {}).update(value)
                    continue
                section, _, name = column.partition(".")  # unknown: let the profile model name it
                nested.setdefault(section, {})[name] = value
                continue
            nested.setdefault(question.section, {})[question.id] = self._convert(question, value)
        return (None if ident is None else str(ident)), nested

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
