"""Evidence that is a zip bomb in an Office file's clothing is refused from its zip directory."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Attachment
from tests.planning.documents import zip_bomb


@pytest.fixture(autouse=True)
def pinned(settings):  # noqa: ANN001
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def test_a_zip_bomb_named_xlsx_is_refused_by_the_upload_page_and_nothing_is_saved(world):
    entry = world.entry(world.report(fill=False))
    data = zip_bomb("炸弹.xlsx")  # 200 MB of zeros in about 200 KB
    assert len(data) < 1024 * 1024
    response = world.client("reporter").post(
        f"/reports/entries/{entry.pk}/attachments/", {"file": SimpleUploadedFile("炸弹.xlsx", data)}
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="upload-error"' in html
    assert "文件“炸弹.xlsx”解压后过大（约 201 MB，上限 100 MB），疑似压缩炸弹，已拒绝。" in html
    assert not Attachment.objects.filter(entry=entry).exists()


def test_a_zip_bomb_is_refused_by_the_api_with_the_reason(world):
    entry = world.entry(world.report(fill=False))
    response = world.client("reporter").post(
        f"/api/v1/entries/{entry.pk}/attachments/",
        {"file": SimpleUploadedFile("炸弹.xlsx", zip_bomb("炸弹.xlsx"))},
    )
    assert response.status_code == 400
    body = response.json()
    assert "疑似压缩炸弹，已拒绝" in str(body) and "解压后过大" in str(body)
    assert not Attachment.objects.filter(entry=entry).exists()


def test_one_member_compressed_over_100_to_1_is_refused_even_under_the_total(world):
    entry = world.entry(world.report(fill=False))
    data = zip_bomb("比例.docx", member_mb=20)
    response = world.client("reporter").post(
        f"/api/v1/entries/{entry.pk}/attachments/", {"file": SimpleUploadedFile("比例.docx", data)}
    )
    assert response.status_code == 400
    assert "压缩比超过 100:1（解压后约 20 MB）" in str(response.json())
    assert not Attachment.objects.filter(entry=entry).exists()


def test_an_xlsx_with_more_than_1000_members_is_refused(world):
    entry = world.entry(world.report(fill=False))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for index in range(1001):
            archive.writestr(f"xl/part{index}.xml", "<x/>")
    response = world.client("reporter").post(
        f"/api/v1/entries/{entry.pk}/attachments/",
        {"file": SimpleUploadedFile("多.xlsx", out.getvalue())},
    )
    assert response.status_code == 400
    assert "包含 1002 个内部文件（最多 1000 个）" in str(response.json())


def test_an_ordinary_workbook_is_still_accepted(world):
    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.append(["律师驻点", 3])  # type: ignore[union-attr]
    book.save(out)
    entry = world.entry(world.report(fill=False))
    response = world.client("reporter").post(
        f"/api/v1/entries/{entry.pk}/attachments/",
        {"file": SimpleUploadedFile("台账.xlsx", out.getvalue())},
    )
    assert response.status_code == 201
