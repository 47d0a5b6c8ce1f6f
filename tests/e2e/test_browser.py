"""End to end in headless chromium: log in, upload a seed text and a rendered scan by the
file picker (the drop zone's input), watch the progress, correct a task on the review page,
find it overdue in the dashboard, preview the reminder and download it as .docx, mark it done
with evidence. Screenshots of every page go to tests/artifacts/screenshots/."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

PASSWORD = "mật-khẩu-e2e-1"     # as in conftest.py

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "seeds" / "001_a2896014b23254db.txt"
SCAN_SEED = REPO / "corpus" / "seeds" / "000_d12cc8faf554fa00.txt"
AGENCY = "Phòng Tài chính - Kế hoạch huyện"


def _login(page, url: str, name: str) -> None:
    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def test_clerk_and_coordinator_flow(server, browser, shot, tmp_path, render_scans):
    url = server["url"]
    page = browser.new_page()

    # login page, then a wrong password, then the right one
    page.goto(url + "/documents")
    assert "/login?next=" in page.url
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    shot(page, "01-dang-nhap")
    page.fill("input[name=name]", "dieuphoi")
    page.fill("input[name=password]", "sai-mat-khau")
    page.click("button[type=submit]")
    assert page.get_by_text("Sai tên đăng nhập hoặc mật khẩu.").is_visible()
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/documents")

    # upload: a seed text and page 1 of a rendered scan, through the drop zone's picker
    scan = render_scans.render_file(SCAN_SEED, tmp_path, ["png"], max_pages=1)[0]
    page.goto(url + "/upload")
    shot(page, "02-tai-len-trong")
    page.set_input_files("#file-input", [str(SEED), str(scan)])
    items = page.locator("#progress li")
    assert items.count() == 2
    page.wait_for_function(
        "() => [...document.querySelectorAll('#progress li')].every("
        "li => ['done', 'failed', 'rejected', 'duplicate'].includes(li.dataset.status))",
        timeout=240_000)
    shot(page, "03-tai-len-xong")
    statuses = [items.nth(i).get_attribute("data-status") for i in range(2)]
    assert statuses == ["done", "done"], page.inner_text("#progress")

    # the scan's review page shows the page image beside the OCR text
    page.locator("#progress li").nth(1).locator("a.open-doc").first.click()
    page.wait_for_selector("#doc-text")
    img = page.locator(".pages img").first
    assert img.is_visible()
    assert page.evaluate("(img) => img.naturalWidth", img.element_handle()) > 0
    shot(page, "04-hieu-dinh-ban-quet", full=False)

    # the text seed's review page: the task spans are highlighted
    page.goto(url + "/upload")
    page.locator("#uploads a", has_text="57/KH-UBND").first.click()
    page.wait_for_selector("#doc-text mark.task")
    assert page.locator("#doc-text mark.task").count() >= 10
    card = page.locator(".task-card").nth(2)
    card.locator("textarea[name$='-action']").click()
    task_ref = card.get_attribute("data-ref")
    assert page.locator(f"#span-{task_ref}").get_attribute("class") == "task active"
    shot(page, "05-hieu-dinh", full=False)

    # correct the third task: lead, support, deadline
    task_id = int(task_ref.split("-")[1])
    card.locator("textarea[name$='-lead']").fill(AGENCY)
    card.locator("textarea[name$='-support']").fill("Phòng Nông nghiệp và Phát triển nông thôn")
    card.locator("input[name$='-due']").fill("30/09/2020")
    card.locator("input[name$='-deadline_text']").fill("Quý III/2020")
    page.click("text=+ Thêm nhiệm vụ")
    new = page.locator(".task-card.new").last
    new.locator("textarea[name$='-action']").fill("Tổng hợp, báo cáo kết quả thực hiện Kế "
                                                  "hoạch về UBND huyện")
    new.locator("textarea[name$='-lead']").fill("Phòng Nông nghiệp và Phát triển nông thôn")
    new.locator("input[name$='-due']").fill("15/12/2020")
    page.click("text=Lưu bản hiệu đính")
    page.wait_for_selector("p.ok")
    assert "1 thêm mới" in page.inner_text("p.ok")
    assert page.locator(f"#card-task-{task_id} textarea[name$='-lead']").input_value() == AGENCY
    shot(page, "06-da-luu-hieu-dinh", full=False)

    # the gold download of the corrected record
    with page.expect_download() as dl:
        page.click("text=Tải bản đã hiệu đính (.gold.json)")
    assert dl.value.suggested_filename == f"{SEED.name}.gold.json"
    gold = Path(dl.value.path()).read_text(encoding="utf-8")
    assert '"due": "2020-09-30"' in gold and AGENCY in gold

    # dashboard: the corrected task is overdue for that agency
    page.goto(url + "/?" + "status=overdue&as_of=2021-01-01&agency=" + AGENCY)
    row = page.locator(f"tr:has(a[href='/tasks/{task_id}'])")
    assert row.count() == 1 and "overdue" in row.get_attribute("class")
    assert "Quá hạn" in row.inner_text()
    assert page.locator("svg.timeline rect").count() >= 1
    shot(page, "07-bang-nhiem-vu")
    page.goto(url + "/?as_of=2021-01-01")
    shot(page, "08-bang-nhiem-vu-tat-ca", full=False)

    # pick the task, preview the reminder, download the .docx
    page.goto(url + "/?" + "status=overdue&as_of=2021-01-01&agency=" + AGENCY)
    page.check(f"input[name=task][value='{task_id}']")
    page.click("text=Soạn công văn đôn đốc cho các nhiệm vụ đã chọn")
    page.wait_for_selector("iframe.letter-preview")
    frame = page.frame_locator("iframe.letter-preview").first
    assert "Tài chính - Kế hoạch" in frame.locator("body").inner_text()
    shot(page, "09-cong-van", full=False)
    with page.expect_download() as dl:
        page.click("text=Ghi vào sổ và tải về (.docx)")
    assert dl.value.suggested_filename.endswith(".docx")
    data = Path(dl.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "Tài chính - Kế hoạch" in xml and "2020" in xml

    # graph, registry, task page: mark done with evidence
    page.goto(url + "/documents?q=Chư Pưh")
    assert page.locator("table.grid a", has_text="57/KH-UBND").first.is_visible()
    shot(page, "10-so-van-ban")
    page.get_by_role("link", name="Sơ đồ").first.click()
    page.wait_for_selector("svg.chain")
    shot(page, "11-so-do")
    page.goto(url + f"/tasks/{task_id}")
    page.fill("input[name=evidence]", "45/BC-TCKH")
    page.click("text=Đánh dấu đã hoàn thành")
    page.wait_for_selector("text=45/BC-TCKH")
    assert "đã xong" in page.inner_text("dl.facts")
    shot(page, "12-nhiem-vu-da-xong")
    page.goto(url + "/?" + "status=overdue&as_of=2021-01-01&agency=" + AGENCY)
    assert page.locator(f"a[href='/tasks/{task_id}']").count() == 0
    page.close()


def test_viewer_sees_no_edit_controls(server, browser, shot):
    context_page = browser.new_page()
    # a fresh session: log out the coordinator first
    context_page.goto(server["url"] + "/")
    if "/login" not in context_page.url:
        context_page.click("text=Đăng xuất")
    _login(context_page, server["url"], "xem")
    assert context_page.locator("a[href='/upload']").count() == 0
    context_page.goto(server["url"] + "/documents")
    links = context_page.locator("table.grid a[href^='/documents/']")
    if links.count():
        links.first.click()
        context_page.wait_for_selector("#doc-text")
        assert context_page.locator("text=Lưu bản hiệu đính").count() == 0
    context_page.goto(server["url"] + "/upload")
    assert "Không được phép" in context_page.inner_text("h1")
    shot(context_page, "13-nguoi-xem-khong-duoc-tai-len")
    context_page.close()
