"""scripts/backup.sh and scripts/restore.sh against this machine's PostgreSQL: a backup restored
into a fresh database and folder holds the same plan, reports, history and files."""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from history.models import Event
from reports.models import Attachment, ReportEntry, ReportingPeriod, ReportJob, UnitReport
from tasks.models import WorkPlan

ROOT = Path(__file__).resolve().parent.parent


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name}"


def run(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(name: str, sql: str) -> list[tuple]:
    db = connection.settings_dict
    with (
        psycopg2.connect(
            dbname=name, user=db["USER"], host=db["HOST"], port=db["PORT"], password=db["PASSWORD"]
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute(sql)
        rows = cursor.fetchall()
    conn.close()
    return rows


@pytest.fixture
def restored_name() -> Iterator[str]:
    """A database name for the restore; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_help_is_in_chinese_and_english():
    for script in ("backup.sh", "restore.sh"):
        result = run(script, "--help")
        assert result.returncode == 0
        assert "用法 / Usage" in result.stdout and "备份" in result.stdout
        assert "Exit status" in result.stdout
    assert "--force" in run("restore.sh", "-h").stdout
    missing = run("restore.sh")
    assert missing.returncode == 2 and "缺少" in missing.stderr


def test_a_backup_restored_into_a_fresh_database_has_the_same_plan_reports_and_files(
    transactional_db, settings, tmp_path, restored_name
):
    from exports.services import report_job_request, report_job_run
    from tests.conftest import World
    from unionplan.demo import demo_seed

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_seed()
    plan = WorkPlan.objects.get(year=2024)
    world = World(plan=plan, task=plan.tasks.get(number=10))
    attachment = world.submitted_attachment()
    job = report_job_run(report_job_request(period=world.period(3), user=world.user("leader")).pk)
    assert job.status == "done"
    media = Path(settings.MEDIA_ROOT)
    files = {name: sha256(media / name) for name in (attachment.file.name, job.file.name)}
    reports = sorted(UnitReport.objects.values_list("unit__name", "period__number", "submitted_at"))
    narratives = sorted(
        ReportEntry.objects.exclude(narrative="").values_list("narrative", flat=True)
    )
    events = Event.objects.count()
    assert reports and narratives and events and len(files) == 2

    source = database_url(connection.settings_dict["NAME"])
    backup = run(
        "backup.sh",
        "--dest",
        str(tmp_path / "backups"),
        env={"DATABASE_URL": source, "MEDIA_ROOT": str(media)},
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == [
        "database.dump",
        "manifest.txt",
        "media.tar.gz",
    ]
    manifest = dict(
        line.split("=", 1) for line in (folder / "manifest.txt").read_text().splitlines()
    )
    assert manifest["rows.reports_unitreport"] == str(len(reports))
    assert manifest["rows.history_event"] == str(events)

    target = database_url(restored_name)
    restored_media = tmp_path / "restored-media"
    restore = run(
        "restore.sh", str(folder), "--database-url", target, "--media", str(restored_media)
    )
    assert restore.returncode == 0, restore.stderr

    # The same plan, reports, history and files, read from the restored database and folder.
    assert query(restored_name, "SELECT year, title FROM tasks_workplan WHERE year = 2024") == [
        (plan.year, plan.title)
    ]
    assert (
        sorted(
            query(
                restored_name,
                "SELECT u.name, p.number, r.submitted_at FROM reports_unitreport r"
                " JOIN departments_unit u ON u.id = r.unit_id"
                f" JOIN {ReportingPeriod._meta.db_table} p ON p.id = r.period_id",
            )
        )
        == reports
    )
    assert query(restored_name, "SELECT count(*) FROM history_event") == [(events,)]
    assert query(
        restored_name, f"SELECT file FROM reports_attachment WHERE id = {attachment.pk}"
    ) == [(attachment.file.name,)]
    assert query(
        restored_name, f"SELECT status, file FROM reports_reportjob WHERE id = {job.pk}"
    ) == [("done", job.file.name)]
    assert {name: sha256(restored_media / name) for name in files} == files
    assert Attachment.objects.count() == 1 and ReportJob.objects.count() == 1

    # A second restore onto the now non-empty database is refused, and nothing is touched.
    again = run("restore.sh", str(folder), "--database-url", target, "--media", str(tmp_path / "x"))
    assert again.returncode == 1
    assert "拒绝覆盖" in again.stderr and "--force" in again.stderr
    assert query(restored_name, "SELECT count(*) FROM history_event") == [(events,)]
    forced = run(
        "restore.sh",
        str(folder),
        "--database-url",
        target,
        "--media",
        str(restored_media),
        "--force",
    )
    assert forced.returncode == 0, forced.stderr
    assert query(restored_name, "SELECT count(*) FROM history_event") == [(events,)]


def test_a_damaged_backup_is_refused_before_anything_is_restored(
    transactional_db, settings, tmp_path, restored_name
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    source = database_url(connection.settings_dict["NAME"])
    backup = run(
        "backup.sh",
        "--dest",
        str(tmp_path),
        env={"DATABASE_URL": source, "MEDIA_ROOT": str(tmp_path / "media")},
    )
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    result = run(
        "restore.sh",
        str(folder),
        "--database-url",
        database_url(restored_name),
        "--media",
        str(tmp_path / "restored"),
    )
    assert result.returncode == 1 and "校验和" in result.stderr
    assert not query("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{restored_name}'")
