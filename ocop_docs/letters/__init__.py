"""Follow-up letters (công văn đôn đốc) for overdue or soon-due tasks.

Public API:
    draft_letters(tasks, settings, as_of, ...)  -> list[ReminderLetter]   (compose)
    render(letter, fmt, template)               -> bytes                  (render)
    write_letter(letter, out_dir, fmt, template) -> Path                  (render)
    draft_corpus_letters(gold_dir, out_dir, as_of, issuer, ...) -> list[Path]  (corpus)
"""
from ocop_docs.letters.compose import LetterSettings, draft_letters, tasks_from_extraction
from ocop_docs.letters.model import (AssignedTask, OutstandingTask, PreviousReminder,
                                     ReminderLetter, SourceDocument)
from ocop_docs.letters.render import LetterTemplateError, render, render_text, write_letter

__all__ = [
    "AssignedTask", "LetterSettings", "LetterTemplateError", "OutstandingTask",
    "PreviousReminder", "ReminderLetter", "SourceDocument", "draft_letters", "render",
    "render_text", "tasks_from_extraction", "write_letter",
]
