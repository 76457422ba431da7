"""The Jinja2 environment every HTML page renders with: autoescaping on (everything
echoed into a page is escaped, attributes included), undefined names are errors. The
shared stylesheet, script and favicon (mockcar.web.page_assets) are globals; `make_name`
shows a make id as people write it (`MERCEDES_BENZ` → Mercedes-Benz).

Jinja2 is imported, and the environment made, when the first page is rendered: a server
that only answers the API (a test suite's, a container's health check) never pays for
it at start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockcar.domain.connect.brands import make_name
from mockcar.web import page_assets

if TYPE_CHECKING:
    import jinja2
    from starlette.templating import Jinja2Templates, _TemplateResponse

TEMPLATE_DIR = Path(__file__).parent.parent / "templates"


class Templates:
    """`starlette.templating.Jinja2Templates`, made on first use."""

    def __init__(self) -> None:
        self._templates: Jinja2Templates | None = None

    @property
    def templates(self) -> Jinja2Templates:
        if self._templates is None:
            self._templates = _make()
        return self._templates

    @property
    def env(self) -> jinja2.Environment:
        return self.templates.env

    def TemplateResponse(self, *args: Any, **kwargs: Any) -> _TemplateResponse:
        return self.templates.TemplateResponse(*args, **kwargs)


def _make() -> Jinja2Templates:
    import jinja2
    from starlette.templating import Jinja2Templates

    templates = Jinja2Templates(env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    ))
    templates.env.globals.update(
        page_style=page_assets.STYLE,
        brand_filter_script=page_assets.BRAND_FILTER_SCRIPT,
        favicon_url=page_assets.FAVICON_PATH,
        logo=page_assets.LOGO,
    )
    templates.env.filters["make_name"] = make_name
    return templates


TEMPLATES = Templates()
