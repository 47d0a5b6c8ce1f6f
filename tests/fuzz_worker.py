"""A reader process for tests/test_fuzz_readers.py: reads file paths, one a line, from stdin,
runs `read_document` on each and answers one JSON line per file on stdout:

    {"outcome": "read" | "refused" | "traceback", "message": ..., "peak_mb": ...}

"refused" is an IngestError (its one-line message); "traceback" is any other exception, with
the formatted traceback as message. The address space is capped (RLIMIT_AS, argv[1] MB) so a
reader that allocates without bound fails here instead of taking the machine; the OCR pool's
workers, forked from this process's fork server, inherit the cap.
"""
from __future__ import annotations

import json
import resource
import sys
import traceback


def main() -> None:
    limit_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    from ocop_docs.ingest import IngestError, read_document    # imported before the cap

    if limit_mb:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        path = line.rstrip("\n")
        try:
            doc = read_document(path)
            answer = {"outcome": "read", "message": f"{len(doc.text)} characters"}
        except IngestError as exc:
            answer = {"outcome": "refused", "message": str(exc)}
        except BaseException:                      # noqa: BLE001 - the fuzzer's finding
            answer = {"outcome": "traceback", "message": traceback.format_exc()}
        answer["peak_mb"] = int([x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]) / 1024
        print(json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
