"""The catalog loads every article of the plan, and a broken file fails loudly with file and field."""

from pathlib import Path

import pytest
from pydantic import BaseModel

from advisor.catalog import load_catalog
from advisor.datafile import DataFileError, load_model


def test_all_35_articles_are_cut_from_the_plan() -> None:
    catalog = load_catalog()
    assert len(catalog.articles) == 35
    assert catalog.articles["（四）"].title.zh == "深化工程建设项目审批制度改革"
    assert "1500 平 方米以下" in catalog.articles["（四）"].text
    assert catalog.articles["（三十一）"].title.zh == "强化“清”“亲”政商关系"


def test_every_outside_fact_names_its_confidence() -> None:
    for source in load_catalog().sources.values():
        assert source.confidence and source.says.zh and source.says.en


class _Item(BaseModel):
    id: str
    count: int


class _File(BaseModel):
    items: list[_Item]


def test_a_broken_data_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("items:\n  - {id: a, count: many}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_model(path, _File)
    assert str(path) in str(caught.value) and "items.0.count" in str(caught.value)
