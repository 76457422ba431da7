"""The Jinja2 environment every HTML page renders with: autoescaping on (everything
echoed into a page is escaped, attributes included), undefined names are errors. The
shared stylesheet, script and favicon (mockcar.web.page_assets) are globals; `make_name`
shows a make id as people write it (`MERCEDES_BENZ` → Mercedes-Benz)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.templating import Jinja2Templates

from mockcar.domain.connect.brands import make_name
from mockcar.web import page_assets

TEMPLATES = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
))
TEMPLATES.env.globals.update(
    page_style=page_assets.STYLE,
    brand_filter_script=page_assets.BRAND_FILTER_SCRIPT,
    favicon_url=page_assets.FAVICON_PATH,
    logo=page_assets.LOGO,
)
TEMPLATES.env.filters["make_name"] = make_name
