"""`ocop-docs remind [AGENCY] --as-of DATE ...`: draft công văn đôn đốc for overdue tasks."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ocop_docs.messages import msg

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ: {text!r} (dạng YYYY-MM-DD)")


def register(sub) -> None:
    p = sub.add_parser(
        "remind", help="soạn công văn đôn đốc các nhiệm vụ quá hạn hoặc sắp đến hạn",
        description="Soạn công văn đôn đốc (theo Nghị định 30/2020/NĐ-CP) gửi từng cơ quan "
                    "có nhiệm vụ quá hạn, hoặc sắp đến hạn với --upcoming. Mỗi cơ quan một "
                    "công văn; các công văn được ghi vào cơ sở dữ liệu để lần sau ghi rõ là "
                    "đôn đốc lần thứ mấy.")
    p.add_argument("agency", nargs="?", metavar="AGENCY",
                   help="cơ quan cần đôn đốc (mặc định: mọi cơ quan có nhiệm vụ quá hạn)")
    p.add_argument("--as-of", type=_date, default=date.today(), metavar="DATE",
                   help="ngày xét quá hạn (YYYY-MM-DD, mặc định hôm nay)")
    p.add_argument("--issuer", metavar="NAME",
                   help='cơ quan ban hành công văn, vd. "Ủy ban nhân dân tỉnh Hòa Bình"; chỉ '
                        "đôn đốc nhiệm vụ do cơ quan này giao (mặc định: mỗi cơ quan giao "
                        "nhiệm vụ tự đôn đốc nhiệm vụ của mình)")
    p.add_argument("--all-sources", action="store_true",
                   help="với --issuer: đôn đốc cả nhiệm vụ do cơ quan khác giao")
    p.add_argument("--parent-issuer", metavar="NAME", help="cơ quan chủ quản (dòng trên)")
    p.add_argument("--place", help="địa danh ở dòng ngày tháng (mặc định lấy từ tên cơ quan)")
    p.add_argument("--date", dest="letter_date", type=_date, metavar="DATE",
                   help="ngày của công văn (mặc định: --as-of)")
    p.add_argument("--signer", metavar="NAME", help="họ tên người ký")
    p.add_argument("--signer-title", metavar="TITLE",
                   help='thẩm quyền và chức vụ người ký, vd. "KT. CHỦ TỊCH|PHÓ CHỦ TỊCH" '
                        'hoặc "CHỦ TỊCH"')
    p.add_argument("--reply-by", type=_date, metavar="DATE",
                   help="hạn báo cáo (mặc định: ngày công văn + 10 ngày)")
    p.add_argument("--report-to", metavar="NAME",
                   help="nơi nhận báo cáo (mặc định: cơ quan ban hành)")
    p.add_argument("--symbol", help='ký hiệu sau số, vd. "UBND-KT" (mặc định: <cơ quan>-<đơn '
                                    'vị soạn thảo>)')
    p.add_argument("--drafting-unit", default="KT", metavar="UNIT",
                   help='đơn vị soạn thảo, ghi ở "Lưu: VT, UNIT." (mặc định: KT)')
    p.add_argument("--cc", action="append", default=[], metavar="NAME",
                   help="thêm nơi nhận (lặp lại được)")
    p.add_argument("--upcoming", type=int, metavar="N",
                   help="đôn đốc nhiệm vụ đến hạn trong N ngày tới thay vì nhiệm vụ quá hạn")
    p.add_argument("--task", dest="task_ids", type=int, action="append", default=[],
                   metavar="ID", help="đôn đốc đúng các nhiệm vụ này (mã nhiệm vụ, lặp lại "
                                      "được; như khi chọn nhiệm vụ trên trang web)")
    p.add_argument("--format", choices=("docx", "html", "txt", "edxml"), default="docx",
                   help="định dạng tệp (mặc định: docx; edxml: gói QCVN 102:2016 kèm .docx và "
                        "bản PDF, cho phần mềm liên thông văn bản)")
    p.add_argument("--organ-id", metavar="ID",
                   help="với --format edxml: mã định danh của cơ quan ban hành (mặc định: mã "
                        "đã biết từ các gói edXML đã nhận)")
    p.add_argument("--to-organ-id", metavar="ID",
                   help="với --format edxml: mã định danh của cơ quan nhận")
    p.add_argument("--out", type=Path, default=Path("out") / "cong-van-don-doc", metavar="DIR",
                   help="thư mục ghi công văn (mặc định: out/cong-van-don-doc)")
    p.add_argument("--template", type=Path, metavar="PATH",
                   help="mẫu của cơ quan: một thư mục như templates/ hoặc một tệp "
                        "*.xml.j2 / *.html.j2 / *.txt.j2")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--db", metavar="URL", help="cơ sở dữ liệu (mặc định: $OCOP_DOCS_DB "
                                                  "hoặc var/ocop-docs.sqlite3)")
    src.add_argument("--from-extraction", nargs="+", type=Path, metavar="PATH",
                     help="lấy nhiệm vụ từ tệp/thư mục JSON trích xuất (vd. corpus/gold) "
                          "thay vì cơ sở dữ liệu; không ghi lại công văn")
    p.add_argument("--no-record", action="store_true",
                   help="không ghi công văn vào cơ sở dữ liệu (xem thử)")
    p.add_argument("--set-number", nargs=2, metavar=("LETTER_ID", "NUMBER"),
                   help="ghi số vào sổ của công văn đôn đốc đã soạn (mã LETTER_ID in ra khi "
                        "soạn và trong `ocop-docs task show`), vd. --set-number 3 215; lần "
                        "đôn đốc sau sẽ dẫn công văn này theo số đó")
    p.set_defaults(func=run)


def _signer(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    if "|" in text:
        authority, title = (part.strip() for part in text.split("|", 1))
        return authority, title
    return "", text.strip()     # a head signing in their own name: no authority prefix


def run_set_number(args) -> int:
    from ocop_docs.letters import ledger
    from task_graph import open_store

    letter_id, number = args.set_number
    if not letter_id.isdigit():
        print(f"ocop-docs: lỗi: mã công văn không hợp lệ: {letter_id!r}", file=sys.stderr)
        return EXIT_USAGE
    if args.from_extraction:
        print("ocop-docs: lỗi: --set-number ghi vào cơ sở dữ liệu, không dùng với "
              "--from-extraction", file=sys.stderr)
        return EXIT_USAGE
    store = open_store(args.db)
    try:
        ledger.set_number(store.engine, int(letter_id), number)
    except (LookupError, ValueError) as exc:
        print(msg("cli.error", message=exc), file=sys.stderr)
        return EXIT_FAILURE
    finally:
        store.close()
    print(f"công văn đôn đốc mã {letter_id}: số {number.split('/')[0].strip()}")
    return EXIT_OK


def run(args) -> int:
    if args.set_number:
        return run_set_number(args)
    from ocop_docs.letters import LetterSettings, LetterTemplateError, draft_letters
    from ocop_docs.letters.corpus import load_tasks
    from ocop_docs.letters.render import write_letter

    authority, title = _signer(args.signer_title)
    settings = LetterSettings(
        issuer=args.issuer, parent_issuer=args.parent_issuer, place=args.place,
        letter_date=args.letter_date, reply_by=args.reply_by, signer_name=args.signer,
        signer_authority=authority, signer_title=title, symbol=args.symbol,
        drafting_unit=args.drafting_unit, report_to=args.report_to, copies_to=args.cc)
    store = None
    try:
        if args.from_extraction:
            tasks = load_tasks(args.from_extraction)
            letters = draft_letters(tasks, settings, args.as_of, args.agency, args.upcoming,
                                    all_sources=args.all_sources)
        else:
            from ocop_docs.letters.from_store import draft_from_store
            from task_graph import open_store
            store = open_store(args.db)
            letters = draft_from_store(store, settings, args.as_of, agency=args.agency,
                                       upcoming_days=args.upcoming,
                                       task_ids=args.task_ids, all_sources=args.all_sources)
        if not letters:
            what = "sắp đến hạn" if args.upcoming is not None else "quá hạn"
            who = f" của {args.agency}" if args.agency else ""
            print(f"ocop-docs: không có nhiệm vụ {what}{who} tính đến ngày "
                  f"{args.as_of.isoformat()}; không soạn công văn nào.", file=sys.stderr)
            return EXIT_FAILURE if args.agency else EXIT_OK
        for letter in letters:
            if args.format == "edxml":
                from ocop_docs.office.letter_package import write_letter_package
                path = write_letter_package(letter, args.out, template=args.template,
                                            from_organ_id=args.organ_id,
                                            to_organ_id=args.to_organ_id, store=store)
            else:
                path = write_letter(letter, args.out, args.format, args.template)
            recorded = ""
            if store is not None and not args.no_record:
                from ocop_docs.letters import ledger
                letter_id = ledger.record_letter(store.engine, letter, str(path))
                recorded = f"\tmã {letter_id}"
            note = f" (lần {letter.ordinal})" if letter.is_repeat else ""
            print(f"{path}\t{letter.recipient_agency}\t{len(letter.tasks)} nhiệm vụ{note}"
                  f"{recorded}")
        return EXIT_OK
    except LetterTemplateError as exc:
        print(f"ocop-docs: lỗi mẫu công văn: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except (FileNotFoundError, ValueError) as exc:
        print(msg("cli.error", message=exc), file=sys.stderr)
        return EXIT_FAILURE
    except RuntimeError as exc:
        if type(exc).__name__ != "ConversionError":   # ocop_docs.office.convert
            raise
        print(msg("cli.error", message=exc), file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:
        if type(exc).__name__ != "StoreError":      # task_graph.store.StoreError
            raise
        print(msg("cli.error", message=exc), file=sys.stderr)
        return EXIT_FAILURE
    finally:
        if store is not None:
            store.close()
