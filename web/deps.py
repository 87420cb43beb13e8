"""The shared objects of a process (one Advisor, one Presenter), reached through the app state.

The getters are async on purpose: FastAPI runs a plain `def` dependency in the thread pool, and that hop
cost more than a whole /healthz answer under load."""

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from advisor.assess import Advisor
from advisor.present import Presenter


async def get_advisor(request: Request) -> Advisor:
    """The process's Advisor, built once by create_app."""
    return request.app.state.advisor  # type: ignore[no-any-return]


async def get_presenter(request: Request) -> Presenter:
    """The process's Presenter over the same rule base."""
    return request.app.state.presenter  # type: ignore[no-any-return]


AdvisorDep = Annotated[Advisor, Depends(get_advisor)]
PresenterDep = Annotated[Presenter, Depends(get_presenter)]
