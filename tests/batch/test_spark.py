"""advisor.batch.spark_engine.screen(df) on a real Spark session (local[2]): the results equal the local
engine's on the same rows, from a DataFrame with dotted column names, typed cells and pandas NaN."""

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.batch import run_batch
from advisor.batch.columns import BatchInputError
from advisor.batch.formats import read_records
from advisor.batch.synth import write_synthetic
from advisor.rulebase import RuleBase

from . import officefiles

pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed (pip install pyspark pandas pyarrow)")
pd = pytest.importorskip("pandas", reason="pandas is not installed")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (mapInPandas needs it)")
if shutil.which("java") is None:
    pytest.skip("no Java runtime for Spark (apt-get install default-jre-headless)", allow_module_level=True)

ROWS = 300
# PySpark 4.x warns that it does not yet fully support pandas 3; what this test uses works with both.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="module")
def spark() -> Iterator["pyspark.sql.SparkSession"]:
    from pyspark.sql import SparkSession

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)  # the Python workers need this venv, with the advisor
        session = (SparkSession.builder.master("local[2]").appName("advisor-test")
                   .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true").getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


def test_spark_results_equal_the_local_engine(spark: "pyspark.sql.SparkSession", tmp_path: Path,
                                              rulebase: RuleBase) -> None:
    from advisor.batch.spark_engine import screen

    registry = tmp_path / "registry.csv"
    write_synthetic(registry, ROWS, 41, rulebase)
    text = registry.read_text(encoding="utf-8")
    width = len(text.splitlines()[0].split(","))
    registry.write_text(text + "E-bad,abc" + "," * (width - 2) + "\n", encoding="utf-8")
    run_batch(registry, tmp_path / "local.jsonl", workers=0, lang="en", include_undetermined=True)
    expected = {record["id"]: (record["eligible"].split(), record["undetermined"].split(), record["questions"].split())
                for record in read_records(tmp_path / "local.jsonl")}

    frame = pd.read_csv(registry, dtype={"id": str})  # numbers typed, blanks as NaN, as pandas reads a registry
    assert frame.isna().to_numpy().any() and any("." in column for column in frame.columns)
    results = screen(spark.createDataFrame(frame).repartition(3)).collect()

    assert len(results) == ROWS + 1
    got = {row["id"]: (list(row["eligible"]), list(row["undetermined"]), list(row["questions"]))
           for row in results if row["errors"] is None}
    assert got == expected
    [bad] = [row for row in results if row["errors"] is not None]
    assert bad["id"] == "E-bad" and "enterprise.credit_code" in bad["errors"] and bad["eligible"] is None


def test_an_unknown_column_is_refused_before_spark_runs(spark: "pyspark.sql.SparkSession") -> None:
    from advisor.batch.spark_engine import screen

    frame = spark.createDataFrame(pd.DataFrame({"id": ["E1"], "project.floor_area": [1200]}))
    with pytest.raises(BatchInputError, match=r"project\.floor_area_m2"):  # the field it meant
        screen(frame)


@pytest.mark.parametrize("name", ["excel.csv", "unicode.txt", "title.xlsx"])
def test_an_office_file_reaches_spark_through_the_transcoder(spark: "pyspark.sql.SparkSession", tmp_path: Path,
                                                             name: str) -> None:
    """Spark's CSV reader refuses GB18030 (and knows no title rows): read_registry transcodes first."""
    from advisor.batch.spark_engine import read_registry, screen

    writers = {"excel.csv": officefiles.write_gb18030_csv, "unicode.txt": officefiles.write_unicode_text,
               "title.xlsx": officefiles.write_xlsx}
    source = writers[name](tmp_path / name)
    if name == "excel.csv":
        with pytest.raises(Exception, match="GB18030"):  # what the transcoder is for
            spark.read.option("header", True).option("encoding", "GB18030").csv(str(source)).collect()
    run_batch(source, tmp_path / "local.jsonl", workers=0, lang="en", include_undetermined=True)
    expected = {record["id"]: (record["eligible"].split(), record["undetermined"].split(), record["questions"].split())
                for record in read_records(tmp_path / "local.jsonl")}

    frame, transcoded = read_registry(spark, source, tmp_path / "spark-input")
    assert (transcoded.header_line, transcoded.rows, transcoded.unreadable) == (officefiles.HEADER_LINE, 32, [])
    results = screen(frame, lang="en").collect()

    got = {row["id"]: (list(row["eligible"]), list(row["undetermined"]), list(row["questions"]))
           for row in results if row["errors"] is None}
    assert sorted(got) == officefiles.IDS and got == expected
    totals = {row["errors"]: row["id"] for row in results if row["errors"] is not None}
    assert totals == {"a totals row (小计): not an enterprise, not screened": None,
                      "a totals row (合计): not an enterprise, not screened": "合计"}


def test_a_line_the_transcoder_cannot_read_is_returned_with_its_line(tmp_path: Path) -> None:
    from advisor.batch.spark_engine import transcode

    source = officefiles.write_gb18030_csv(tmp_path / "excel.csv")
    line = officefiles.damage(source, "Q12", b"\xff", "gb18030")
    done = transcode(source, tmp_path / "utf8.csv")
    assert done.rows == 31 and done.encoding == "gb18030"
    [(bad, (_, en))] = done.unreadable
    assert bad == line and "cannot be decoded as gb18030" in en
    text = (tmp_path / "utf8.csv").read_text(encoding="utf-8")
    assert text.startswith("编号,企业名称,") and "Q12" not in text and "Q13" in text
