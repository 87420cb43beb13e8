"""Fixtures shared by every test: one rule base and one advisor per test session."""

import pytest

from advisor.assess import Advisor
from advisor.present import Presenter
from advisor.rulebase import RuleBase, load_rulebase

pytest_plugins = ["tests.clocks", "tests.web.partner"]  # the clock fixtures; the server the API clients use


@pytest.fixture(scope="session")
def rulebase() -> RuleBase:
    return load_rulebase()


@pytest.fixture(scope="session")
def advisor(rulebase: RuleBase) -> Advisor:
    return Advisor(rulebase)


@pytest.fixture(scope="session")
def presenter(rulebase: RuleBase) -> Presenter:
    return Presenter(rulebase)
