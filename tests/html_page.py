"""Build an HTML page, as a government portal publishes it, from a seed's scraped text: plain
lines become paragraphs, runs of tab-indented lines (the scraper's table cells, one run per
row, rows separated by blank lines) become a <table>, with a portal's menu, script and style
around the body."""
from __future__ import annotations

from html import escape


def seed_to_html(text: str, *, charset: str = "utf-8") -> str:
    body: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []

    def close_row():
        nonlocal row
        if row:
            rows.append(row)
            row = []

    def close_table():
        close_row()
        if rows:
            width = max(len(r) for r in rows)
            body.append("<table border='1'>")
            for r in rows:
                cells = "".join(f"<td>{escape(c.strip()) or '&nbsp;'}</td>" for c in r)
                span = f"<td colspan='{width - len(r)}'></td>" if len(r) < width else ""
                body.append(f"<tr>{cells}{span}</tr>")
            body.append("</table>")
            rows.clear()

    for line in text.splitlines():
        if line.startswith("\t"):
            row.append(line[1:])
        elif not line.strip():
            close_row()
        else:
            close_table()
            body.append(f"<p>{escape(line.strip())}</p>")
    close_table()
    return (f"<!DOCTYPE html>\n<html lang='vi'><head><meta charset='{charset}'>"
            "<title>Cổng thông tin điện tử</title><style>p {margin: 0}</style>"
            "<script>window.analytics = 'Home | Login | Search';</script></head><body>"
            "<nav><ul><li><a href='/'>Home</a></li><li>Login</li></ul></nav>"
            "<div class='article'>\n" + "\n".join(body) + "\n</div>"
            "<form><input name='q'><button>Search</button></form></body></html>")
