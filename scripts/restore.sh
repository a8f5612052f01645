#!/usr/bin/env bash
# Restore a unionplan backup made by scripts/backup.sh: the database into a named database and the
# media files into a folder; checks the files' checksums first and the row counts after.
set -euo pipefail

usage() {
  cat <<'EOF'
用法 / Usage: scripts/restore.sh 备份文件夹/BACKUP_FOLDER --database-url postgres://…/新库名
                                 --media 目录/DIR [--force]

把 scripts/backup.sh 生成的备份恢复到指定的数据库和媒体文件夹：
  1. 核对 manifest.txt 中两个文件的 SHA-256；
  2. 数据库不存在时创建它；已存在且有数据表时拒绝覆盖，除非加 --force（先删除再重建该库）；
  3. pg_restore 恢复数据库；
  4. 把媒体文件解压到 --media（文件夹非空时拒绝，除非加 --force）；
  5. 比对恢复后各表行数与 manifest.txt，不一致时报错退出。
恢复后把应用的 DATABASE_URL 和 MEDIA_ROOT 指向新库和新文件夹，并重启 web、worker 和 beat。

Restores a backup of scripts/backup.sh: verifies the SHA-256 of its files, creates the database
of --database-url (refuses one that has tables unless --force, which drops and recreates it),
pg_restores into it, unpacks the media into --media (refuses a non-empty folder unless --force),
and compares the restored row counts with the manifest. Then point DATABASE_URL and MEDIA_ROOT at
them and restart web, worker and beat. Exit status: 0 done, 1 failed or refused, 2 wrong usage.
EOF
}

backup="" url="" media="" force=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --database-url) [ $# -ge 2 ] || { echo "--database-url 需要一个值 / needs a value" >&2; exit 2; }
      url="$2"; shift 2 ;;
    --media) [ $# -ge 2 ] || { echo "--media 需要一个目录 / needs a folder" >&2; exit 2; }
      media="$2"; shift 2 ;;
    --force) force=1; shift ;;
    -*) echo "未知参数 / unknown argument: $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$backup" ] || { echo "只能给一个备份文件夹 / one backup folder only" >&2; exit 2; }
      backup="$1"; shift ;;
  esac
done
if [ -z "$backup" ] || [ -z "$url" ] || [ -z "$media" ]; then
  echo "缺少备份文件夹、--database-url 或 --media / missing an argument (see --help)" >&2
  exit 2
fi
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "--database-url 必须是 postgres://… / must be a postgres:// URL" >&2; exit 2 ;;
esac
for file in database.dump media.tar.gz manifest.txt; do
  [ -f "$backup/$file" ] || { echo "备份不完整，缺少 / incomplete backup, missing: $backup/$file" >&2; exit 1; }
done

manifest() { sed -n "s/^$1=//p" "$backup/manifest.txt"; }
for file in database.dump media.tar.gz; do
  actual="$(sha256sum "$backup/$file" | cut -d' ' -f1)"
  if [ "$actual" != "$(manifest "sha256.$file")" ]; then
    echo "$file 的校验和与 manifest.txt 不符，备份已损坏 / checksum mismatch: $file" >&2
    exit 1
  fi
done

base="${url%%\?*}"
name="${base##*/}"
if ! [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
  echo "数据库名只能含字母、数字和下划线 / database name must be letters, digits, _: $name" >&2
  exit 2
fi
server="${base%/*}/postgres"
exists="$(psql "$server" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$name'")"
if [ "$exists" = 1 ]; then
  tables="$(psql "$url" -XAtqc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
  if [ "$tables" != 0 ]; then
    if [ "$force" != 1 ]; then
      echo "数据库 $name 已有 $tables 张表，拒绝覆盖；确认要替换请加 --force" \
        "/ database $name has $tables tables: refused (use --force to replace it)" >&2
      exit 1
    fi
    psql "$server" -XAtqc "DROP DATABASE \"$name\" WITH (FORCE)"
    exists=""
  fi
fi
[ "$exists" = 1 ] || psql "$server" -XAtqc "CREATE DATABASE \"$name\""

if [ -d "$media" ] && [ -n "$(ls -A "$media")" ] && [ "$force" != 1 ]; then
  echo "媒体文件夹 $media 不是空的，拒绝覆盖；确认要覆盖请加 --force" \
    "/ media folder $media is not empty: refused (use --force)" >&2
  exit 1
fi

pg_restore --exit-on-error --no-owner --dbname="$url" "$backup/database.dump"
mkdir -p "$media"
tar -xzf "$backup/media.tar.gz" -C "$media"

status=0
while IFS='=' read -r key expected; do
  table="${key#rows.}"
  [ "$expected" = "-" ] && continue
  actual="$(psql "$url" -XAtqc "SELECT count(*) FROM $table")"
  if [ "$actual" != "$expected" ]; then
    echo "$table: 恢复后 $actual 行，备份时 $expected 行 / restored $actual rows, backed up $expected" >&2
    status=1
  fi
done < <(grep '^rows\.' "$backup/manifest.txt")
files="$(find "$media" -type f | wc -l)"
if [ "$files" -lt "$(manifest media.files)" ]; then
  echo "媒体文件 $files 个，少于备份时的 $(manifest media.files) 个 / fewer media files than backed up" >&2
  status=1
fi
[ "$status" = 0 ] && echo "已恢复 / restored: $name, $media"
exit "$status"
