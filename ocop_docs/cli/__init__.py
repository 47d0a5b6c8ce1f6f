"""Command-line interface: `ocop-docs COMMAND ...`.

Each command group lives in its own module of this package and exposes
`register(subparsers)`, which adds its sub-command(s) with `set_defaults(func=...)`.
The function returns the process exit code.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ocop_docs import __version__
from ocop_docs.messages import msg, translate_argparse

# One module per command group, in the order `--help` lists them.
COMMAND_MODULES = [
    "ocop_docs.cli.extract_cmd",
    "ocop_docs.cli.eval_cmd",
    "ocop_docs.cli.remind_cmd",
    "ocop_docs.cli.graph_cmds",
    "ocop_docs.cli.office_cmds",
    "ocop_docs.cli.serve_cmd",
    "ocop_docs.cli.db_cmd",
    "ocop_docs.cli.jobs_cmd",
    "ocop_docs.cli.notify_cmd",
]

EXIT_OK = 0
EXIT_FAILURE = 1      # some input could not be processed
EXIT_USAGE = 2        # bad arguments


def build_parser() -> argparse.ArgumentParser:
    translate_argparse()
    parser = argparse.ArgumentParser(
        prog="ocop-docs",
        description="Đọc văn bản hành chính (kế hoạch, công văn, thông báo, quyết định), "
                    "trích xuất nhiệm vụ và theo dõi việc thực hiện.",
    )
    parser.add_argument("--version", action="version", version=f"ocop-docs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(msg("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - database failures: one line, never SQL
        message = _store_failure(exc)
        if message is None:
            raise
        print(f"ocop-docs: lỗi: {message}", file=sys.stderr)
        return EXIT_FAILURE


def _store_failure(exc: Exception) -> str | None:
    """The one line for a store or database failure (None: not one of those)."""
    from task_graph.errors import database_message
    from task_graph.store import StoreError

    if isinstance(exc, StoreError):
        return str(exc)
    return database_message(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
