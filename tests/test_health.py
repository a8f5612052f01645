"""The health check answers for the real database and the real Redis broker."""

from __future__ import annotations

from django.test import Client


def test_health_check_reports_database_and_broker_ok(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_check_fails_when_the_broker_is_unreachable(db, settings):
    from unionplan.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = Client().get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")
