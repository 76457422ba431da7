"""The Jinja2 environment every HTML page renders with: autoescaping on (everything
echoed into a page is escaped, attributes included), undefined names are errors. The
shared stylesheet, script and favicon (mockcar.web.page_assets) are globals; `make_name`
shows a make id as people write it (`MERCEDES_BENZ` → Mercedes-Benz).

Jinja2 is imported, and the environment made, when the first page is rendered: a server
that only answers the API (a test suite's, a container's health check) never pays for
it at start. Under `mockcar serve` the templates' compiled code is kept between starts
in the user's cache folder (`keep_compiled`, `CompiledTemplates`): the first page of a
later start skips Jinja's parse and compile of its templates."""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from mockcar import user_cache
from mockcar.domain.connect.brands import make_name
from mockcar.domain.vehicles.vehicle import region_name
from mockcar.web import page_assets

if TYPE_CHECKING:
    import jinja2
    import jinja2.bccache
    from starlette.templating import Jinja2Templates, _TemplateResponse

TEMPLATE_DIR = Path(__file__).parent.parent / "templates"
# What the templates compile under (their kept code is for these only).
_OPTIONS: dict[str, Any] = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}


class Templates:
    """`starlette.templating.Jinja2Templates`, made on first use."""

    def __init__(self) -> None:
        self._templates: Jinja2Templates | None = None
        self.compiled_in: Path | None = None

    def keep_compiled(self, folder: Path | None) -> None:
        """Keep the templates' compiled code in `folder` between starts (`mockcar serve`
        passes the user's cache folder); the environment is made later, on first use."""
        self.compiled_in = folder

    @property
    def templates(self) -> Jinja2Templates:
        if self._templates is None:
            self._templates = _make(self.compiled_in)
        return self._templates

    @property
    def env(self) -> jinja2.Environment:
        return self.templates.env

    def TemplateResponse(self, *args: Any, **kwargs: Any) -> _TemplateResponse:
        return self.templates.TemplateResponse(*args, **kwargs)


def _make(compiled_in: Path | None = None) -> Jinja2Templates:
    import jinja2
    from starlette.templating import Jinja2Templates

    templates = Jinja2Templates(env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        **_OPTIONS,
        bytecode_cache=None if compiled_in is None else _compiled_templates(compiled_in),
    ))
    templates.env.globals.update(
        page_style=page_assets.STYLE,
        brand_filter_script=page_assets.BRAND_FILTER_SCRIPT,
        favicon_url=page_assets.FAVICON_PATH,
        logo=page_assets.LOGO,
    )
    templates.env.filters["make_name"] = make_name
    templates.env.filters["region_name"] = region_name
    return templates


TEMPLATES = Templates()

# A compiled template is at most this large (mockcar's are a few kB).
_MAX_COMPILED = 2**20


def _compiled_templates(folder: Path) -> jinja2.bccache.BytecodeCache:
    import jinja2
    import jinja2.bccache

    class CompiledTemplates(jinja2.bccache.BytecodeCache):
        """Jinja's code for each template in `folder`, one file per template, read only
        when it is this user's and nobody else may write it (mockcar.user_cache), and
        only for the very source it was compiled from (Jinja's checksum of it), this
        Jinja, these options (`_OPTIONS`) and this Python. Code and checksum are
        marshalled (Jinja's own file caches pickle the checksum)."""

        def __init__(self) -> None:
            self.stamp = hashlib.sha256(repr((
                jinja2.__version__, importlib.util.MAGIC_NUMBER, sorted(_OPTIONS.items()),
            )).encode()).hexdigest()[:16].encode()

        def _path(self, bucket: jinja2.bccache.Bucket) -> Path:
            return folder / "templates" / f"{bucket.key}.{self.stamp.decode()}.jinja"

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            data = user_cache.read(self._path(bucket), _MAX_COMPILED)
            head = self.stamp + b"\0" + bucket.checksum.encode() + b"\0"
            if data is None or not data.startswith(head):
                return
            try:
                code = marshal.loads(memoryview(data)[len(head):])
            except (EOFError, ValueError, TypeError):
                return
            if isinstance(code, CodeType):
                bucket.code = code

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if bucket.code is not None:
                head = self.stamp + b"\0" + bucket.checksum.encode() + b"\0"
                user_cache.write(self._path(bucket), head + marshal.dumps(bucket.code))

    return CompiledTemplates()
