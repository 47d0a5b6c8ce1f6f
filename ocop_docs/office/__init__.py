"""The offices' own tools: edXML packages (QCVN 102:2016/BTTTT) in and out, the Excel
follow-up table and its read-back, iCalendar feeds of deadlines, and the summary report.

Each concern is its own module: `edxml` (package structure, parse, build), `followup` (Excel),
`calendar` (.ics), `report` (the .docx report), `feeds` (per-feed secret tokens). The CLI
(`ocop_docs.cli.office_cmds`) and the web (`ocop_docs.web.office`) call them.
"""
from __future__ import annotations


class OfficeFileError(ValueError):
    """A file a clerk gave that cannot be used; str() is one line naming the file."""

    def __init__(self, path: str, problem: str):
        self.path, self.problem = str(path), " ".join(str(problem).split())
        super().__init__(f"{self.path}: {self.problem}")
