"""Render a `ReminderLetter` with the jinja2 templates: .docx (via the intermediate XML and
python-docx), HTML and plain text. An office replaces the templates with `template=PATH`."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2

from ocop_docs.letters.docx_builder import LayoutError, build_docx
from ocop_docs.letters.model import ReminderLetter
from ocop_docs.letters.wording import FILTERS, slug
from ocop_docs.resources import templates_dir

FORMATS = {"docx": "reminder/letter.docx.xml.j2", "html": "reminder/letter.html.j2",
           "txt": "reminder/letter.txt.j2"}


class LetterTemplateError(Exception):
    """A template could not be read or rendered; the message names the file and line."""

    def __init__(self, message: str, filename: str | None = None, lineno: int | None = None):
        where = filename or "?"
        if lineno:
            where = f"{where}, dòng {lineno}"
        super().__init__(f"{where}: {message}")
        self.filename, self.lineno = filename, lineno


def template_loader(template: str | Path | None) -> tuple[jinja2.BaseLoader, str | None]:
    """An office's templates before the defaults of templates/: `template` is a directory laid
    out like templates/ or one file (its name is returned, to use instead of the default)."""
    loaders: list[jinja2.BaseLoader] = []
    one_file = None
    if template is not None:
        path = Path(template)
        if path.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(path)))
        elif path.is_file():
            loaders.append(jinja2.FileSystemLoader(str(path.parent)))
            one_file = path.name
        else:
            raise LetterTemplateError("không tìm thấy mẫu (template not found)", str(path))
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    return jinja2.ChoiceLoader(loaders), one_file


def environment(template: str | Path | None = None, fmt: str = "html"
                ) -> tuple[jinja2.Environment, dict[str, str]]:
    """The jinja2 environment for `fmt` and the template name for each format.

    HTML and XML escaping is on for every template of the docx and html environments, the
    shared wording included (a macro's output is not escaped again by its caller), and off for
    text.

    `template` is either a directory laid out like `templates/` (its files replace the
    defaults of the same name, e.g. `reminder/content.j2` for the wording), or one file that
    replaces the layout of the format it is named for (`*.html.j2`, `*.txt.j2`, `*.xml.j2`);
    its `{% import "reminder/content.j2" %}` still finds the default wording."""
    names = dict(FORMATS)
    loader, one_file = template_loader(template)
    if one_file is not None:
        fmt = _format_of(Path(template))
        names[fmt] = one_file
    env = jinja2.Environment(
        loader=loader,
        autoescape=fmt != "txt",
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env, names


def _format_of(path: Path) -> str:
    name = path.name.lower()
    for fmt, suffixes in (("html", (".html.j2", ".html", ".htm.j2")),
                          ("txt", (".txt.j2", ".txt")), ("docx", (".xml.j2", ".xml"))):
        if name.endswith(suffixes):
            return fmt
    raise LetterTemplateError("tên tệp mẫu phải kết thúc bằng .html.j2, .txt.j2 hoặc .xml.j2 "
                              "để biết mẫu dùng cho định dạng nào", str(path))


def _template_frame(tb) -> tuple[str | None, int | None]:
    """The innermost traceback frame that belongs to a template (jinja2 rewrites them)."""
    found = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".txt", ".xml")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_text(letter: ReminderLetter, fmt: str = "html",
                template: str | Path | None = None) -> str:
    """The letter through the template of `fmt` ("docx" gives the intermediate XML)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    env, names = environment(template, fmt)
    try:
        return env.get_template(names[fmt]).render(letter=letter)
    except jinja2.TemplateSyntaxError as exc:
        raise LetterTemplateError(f"lỗi cú pháp mẫu: {exc.message}",
                                  exc.filename or exc.name, exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        raise LetterTemplateError(f"không tìm thấy mẫu {exc.name!r}", str(template or
                                                                     templates_dir())) from exc
    except Exception as exc:  # runtime error inside a template: undefined name, bad filter...
        filename, lineno = _template_frame(sys.exc_info()[2])
        if filename is None:
            raise
        raise LetterTemplateError(f"lỗi khi điền mẫu: {exc}", filename, lineno) from exc


def render(letter: ReminderLetter, fmt: str = "docx",
           template: str | Path | None = None) -> bytes:
    """The letter as file content: .docx bytes, or UTF-8 HTML / text."""
    text = render_text(letter, fmt, template)
    if fmt != "docx":
        return text.encode("utf-8")
    try:
        return build_docx(text)
    except ET.ParseError as exc:
        env, names = environment(template, fmt)
        source = env.get_template(names["docx"]).filename
        raise LetterTemplateError(
            f"mẫu sinh ra XML không hợp lệ ({exc}; dòng {exc.position[0]} của kết quả)",
            source) from exc
    except LayoutError as exc:
        env, names = environment(template, fmt)
        raise LetterTemplateError(str(exc), env.get_template(names["docx"]).filename) from exc


def file_name(letter: ReminderLetter, fmt: str) -> str:
    """`2021-03-01-hoa-binh-so-cong-thuong.docx` (date, place of the issuer, addressee); a
    repeat reminder adds `-lan-2`."""
    stem = (f"{letter.letter_date.isoformat()}-{slug(letter.place or letter.issuer)}-"
            f"{slug(letter.recipient_agency)}")
    if letter.is_repeat:
        stem += f"-lan-{letter.ordinal}"
    return f"{stem}.{fmt}"


def write_letter(letter: ReminderLetter, out_dir: str | Path, fmt: str = "docx",
                 template: str | Path | None = None) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / file_name(letter, fmt)
    path.write_bytes(render(letter, fmt, template))
    return path
