#!/usr/bin/env bash
# Back up unionplan: the PostgreSQL database (pg_dump, custom format) and the media folder
# (uploaded evidence and generated workbooks) into one dated folder, with a manifest.
set -euo pipefail

usage() {
  cat <<'EOF'
用法 / Usage: scripts/backup.sh [--dest 目录/DIR]

备份 unionplan：数据库（pg_dump 自定义格式）和媒体文件夹（佐证材料、生成的报表）写入一个带日期的
文件夹 DIR/unionplan-年月日-时分秒/：
  database.dump   pg_dump -Fc 导出的整个数据库（用 scripts/restore.sh 或 pg_restore 恢复）
  media.tar.gz    MEDIA_ROOT 的全部文件
  manifest.txt    时间、数据库名、版本、各表行数、文件数和两个文件的 SHA-256
读取环境变量 DATABASE_URL（postgres://用户:密码@主机:端口/库名，必填）和 MEDIA_ROOT（默认 ./media）；
--dest 默认为 $BACKUP_DIR，未设置时为 ./var/backups。pg_dump 的主版本不能低于数据库服务器的主版本。

Backs up unionplan: the database (pg_dump custom format) and the media folder (evidence files,
generated workbooks) into one dated folder DIR/unionplan-YYYYmmdd-HHMMSS/ holding database.dump,
media.tar.gz and manifest.txt (time, database, versions, row counts, file count, SHA-256 of both
files). Reads DATABASE_URL (required) and MEDIA_ROOT (default ./media); --dest defaults to
$BACKUP_DIR, else ./var/backups. pg_dump's major version must not be older than the server's.
Exit status: 0 done, 1 failed, 2 wrong usage.
EOF
}

dest="${BACKUP_DIR:-var/backups}"
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --dest) [ $# -ge 2 ] || { echo "--dest 需要一个目录 / needs a folder" >&2; exit 2; }
      dest="$2"; shift 2 ;;
    *) echo "未知参数 / unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

url="${DATABASE_URL:-}"
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "DATABASE_URL 必须是 postgres://… / must be a postgres:// URL (see --help)" >&2; exit 2 ;;
esac
media="${MEDIA_ROOT:-media}"
[ -d "$media" ] || { echo "MEDIA_ROOT 不是文件夹 / is not a folder: $media" >&2; exit 1; }

client_major="$(pg_dump --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"
server_major="$(psql "$url" -XAtqc "SELECT current_setting('server_version_num')::int / 10000")"
if [ "$client_major" -lt "$server_major" ]; then
  echo "pg_dump $client_major 比服务器 $server_major 旧，请安装 postgresql-client-$server_major" \
    "/ pg_dump $client_major is older than server $server_major" >&2
  exit 1
fi

stamp="$(date +%Y%m%d-%H%M%S)"
folder="$dest/unionplan-$stamp"
mkdir -p "$folder"
partial=1
trap '[ "$partial" = 1 ] && rm -rf "$folder" && echo "备份失败，已删除不完整的 $folder / backup failed" >&2' EXIT

pg_dump --format=custom --compress=6 --no-owner --file="$folder/database.dump" "$url"
tar -czf "$folder/media.tar.gz" -C "$media" .

count() { psql "$url" -XAtqc "SELECT count(*) FROM $1" 2>/dev/null || echo "-"; }
{
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database=$(psql "$url" -XAtqc 'SELECT current_database()')"
  echo "server_version=$(psql "$url" -XAtqc 'SHOW server_version')"
  echo "pg_dump=$(pg_dump --version)"
  for table in tasks_workplan tasks_keytask reports_unitreport reports_reportentry \
    reports_attachment reports_reportjob history_event history_action departments_user; do
    echo "rows.$table=$(count "$table")"
  done
  echo "media.files=$(find "$media" -type f | wc -l)"
  echo "media.bytes=$(du -sb "$media" | cut -f1)"
  (cd "$folder" && sha256sum database.dump media.tar.gz | sed -E 's/^([0-9a-f]+)  (.*)$/sha256.\2=\1/')
} >"$folder/manifest.txt"

partial=0
echo "$folder"
