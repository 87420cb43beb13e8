"""/readyz touches the database (503 problem+json when it cannot); /metrics speaks Prometheus."""

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from advisor.settings import Settings
from tests.servers import advisor_serve, clean_env, free_port, serving
from tests.web.conftest import WAREHOUSE

from .conftest import KeyedDatabase

ROOT = Path(__file__).resolve().parents[2]


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_ready_with_its_database_and_metrics_count_what_was_answered(keyed_db: KeyedDatabase) -> None:
    with serving(Settings()) as (url, _), httpx.Client(base_url=url, timeout=30) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}
        before = _samples(client.get("/metrics").text)
        for profile in (WAREHOUSE, WAREHOUSE, {"project": {"floor_area_m2": "lots"}}):
            client.post("/api/v1/assessments", json={"profile": profile, "view": "compact"})
        client.get("/api/v1/provisions/joint-acceptance-small-industrial")
        scraped = client.get("/metrics")
    assert scraped.headers["content-type"].startswith("text/plain")
    after = _samples(scraped.text)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("advisor_assessments_total", status="200") == 2
    assert grew("advisor_assessments_total", status="422") == 1
    assert grew("advisor_http_requests_total", method="POST", route="/api/v1/assessments", status="200") == 2
    # Routes by their template, so one series per endpoint rather than one per provision.
    assert grew("advisor_http_requests_total", method="GET", route="/api/v1/provisions/{provision_id}",
                status="200") == 1
    assert grew("advisor_http_request_duration_seconds_count", route="/api/v1/assessments") == 3
    assert grew("advisor_http_request_duration_seconds_bucket", route="/api/v1/assessments", le="+Inf") == 3


def test_not_ready_without_its_database() -> None:
    gone = f"postgresql+psycopg://advisor@127.0.0.1:{free_port()}/advisor"
    with serving(Settings(database_url=gone)) as (url, _):  # the app's own settings, not the environment's
        answer = httpx.get(f"{url}/readyz", headers={"Accept-Language": "en"}, timeout=30)
        alive = httpx.get(f"{url}/healthz", timeout=30)
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"] == "the database cannot be reached"
    assert alive.status_code == 200  # alive, just not ready


def test_metrics_add_up_every_worker_of_a_host(tmp_path: Path) -> None:
    env = clean_env(ADVISOR_DATABASE_URL=f"sqlite:///{tmp_path / 'advisor.db'}", ADVISOR_DATA_DIR=str(tmp_path),
                    ADVISOR_SECRET_KEY="s" * 40)
    with advisor_serve(env, tmp_path / "serve.log", "--workers", "2", "--log-level", "warning") as server:
        url = server.url
        for _ in range(30):  # a new connection each: the two workers share them
            assert httpx.get(f"{url}/api/v1/schemas/profile", headers={"Connection": "close"}).status_code == 200
        scrapes = [_samples(httpx.get(f"{url}/metrics", headers={"Connection": "close"}).text) for _ in range(6)]
    key = ("advisor_http_requests_total", (("method", "GET"), ("route", "/api/v1/schemas/profile"), ("status", "200")))
    assert [scrape.get(key) for scrape in scrapes] == [30.0] * 6  # whichever worker answers the scrape
