"""The request's language (zh first) and the user-interface strings of the pages."""

from starlette.requests import Request

from advisor.text import Lang


def accept_language(header: str | None) -> Lang | None:
    """The first of zh/en in an Accept-Language header, by quality; None if neither is named."""
    if not header:
        return None
    ranked: list[tuple[float, int, Lang]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and quality > 0:
            ranked.append((-quality, index, "zh" if primary == "zh" else "en"))
    return min(ranked)[2] if ranked else None


def request_lang(request: Request, explicit: str | None = None) -> Lang:
    """The language to answer in: explicit (body) > ?lang= > Accept-Language > zh."""
    for candidate in (explicit, request.query_params.get("lang")):
        if candidate in ("zh", "en"):
            return "zh" if candidate == "zh" else "en"
    return accept_language(request.headers.get("accept-language")) or "zh"
