# unionplan — one image for web (gunicorn), celery worker, celery beat and migrate.
#
# No "# syntax=" directive on purpose: it would make BuildKit fetch a frontend
# image from a public registry, which the intranet build hosts cannot reach.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# tzdata: IANA zone data for zoneinfo (Asia/Shanghai). Slim images may lack it
# (the Debian 13 based python:*-slim tags do), so install it explicitly.
# Pango and the Noto CJK fonts: WeasyPrint lays out the quarterly briefing (季度通报) with them
# and embeds the fonts in the PDF; the year-end summary (.docx) names them too.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first so this layer stays cached while only code changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Collect static files into the image (WhiteNoise serves them).
# This must run in production mode: only UNIONPLAN_PRODUCTION=1 selects
# WhiteNoise's CompressedManifestStaticFilesStorage, and the runtime (also
# production mode) needs the staticfiles.json manifest it writes. With
# UNIONPLAN_PRODUCTION=0 the plain storage writes no manifest and every
# {% static %} then fails at runtime ("Missing staticfiles manifest entry").
# The dummy values below exist for this build step only (production settings
# insist on a 50+ character key and allowed hosts); collectstatic touches no
# database or broker. The running containers get the real values from
# docker-compose.yml.
RUN UNIONPLAN_PRODUCTION=1 \
    DJANGO_SECRET_KEY=build-only-dummy-key-never-used-at-runtime-0123456789abcdef \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput

# Non-root runtime user. Code and collected static files stay root-owned
# (read-only for the app); only the media dir (uploads/exports, a named
# volume shared by web and worker) is writable. A new empty named volume
# mounted at /app/media takes this directory's ownership.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app

EXPOSE 8000

CMD ["gunicorn", "unionplan.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
