"""Under `mockcar serve` the templates' compiled code is kept in the user's cache folder
(mockcar.web.templating): a later start takes it from there instead of compiling, for
the very source it was compiled from; a file others may write is never read. Checked by
whether Jinja compiles, never by timing."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from mockcar.web import templating

PAGE = "dashboard/start.html"


def refuse_to_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    def compile_(*args: object, **kwargs: object) -> object:
        raise AssertionError("compiled, though the code was kept")

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)


def kept(folder: Path) -> list[Path]:
    return sorted((folder / "templates").glob("*.jinja"))


def test_a_later_start_takes_the_templates_code_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = templating.Templates()
    first.keep_compiled(tmp_path)
    code = first.env.get_template(PAGE).root_render_func.__code__
    assert len(kept(tmp_path)) == 1  # the page (the layout it extends: when rendered)
    for path in kept(tmp_path):
        assert path.stat().st_mode & 0o077 == 0
    later = templating.Templates()
    later.keep_compiled(tmp_path)
    with monkeypatch.context() as patched:
        refuse_to_compile(patched)
        again = later.env.get_template(PAGE).root_render_func.__code__
    assert again.co_code == code.co_code and again.co_consts == code.co_consts
    # without a folder, as the library and the test suite use it: nothing kept
    assert templating.Templates().compiled_in is None


def test_a_changed_template_is_compiled_again(tmp_path: Path) -> None:
    sources = {"page.html": "Hello {{ name }}"}

    def environment() -> jinja2.Environment:
        return jinja2.Environment(loader=jinja2.DictLoader(sources), autoescape=True,
                                  bytecode_cache=templating._compiled_templates(tmp_path))

    assert environment().get_template("page.html").render(name="Ada") == "Hello Ada"
    sources["page.html"] = "Goodbye {{ name }}"
    assert environment().get_template("page.html").render(name="Ada") == "Goodbye Ada"


def test_a_kept_file_others_may_write_is_not_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = templating.Templates()
    first.keep_compiled(tmp_path)
    first.env.get_template(PAGE)
    for path in kept(tmp_path):
        path.chmod(0o666)
    later = templating.Templates()
    later.keep_compiled(tmp_path)
    with monkeypatch.context() as patched, pytest.raises(AssertionError, match="compiled"):
        refuse_to_compile(patched)
        later.env.get_template(PAGE)
