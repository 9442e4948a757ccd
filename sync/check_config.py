"""`motcua hub --check-config`: the site file and the hub's database checked without starting the hub.

The site file is validated by the hub's own loader, so a file that passes here is a file the hub
accepts. The database is only read (opened read-only, never created or migrated): its schema version
against this program's, SQLite's integrity check, and the device tokens it holds. `motcua diag --site`
shows the same findings among its own.
"""
from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from motcua.config import ConfigError, SiteConfig, load_site_config
from motcua.text import Text
from sync.store import SCHEMA_VERSION

Level = Literal["ok", "warn", "fail"]
MARK: dict[str, str] = {"ok": "✔", "warn": "!", "fail": "✘", "skip": "·"}

# -- texts (Vietnamese first) --------------------------------------------------------------------------
SITE_FILE = Text("Tệp cấu hình trung tâm", "Site file")
SITE_OK = "{code} — {name}: {services} dịch vụ / services, {counters} quầy / counters"
CONFIG_BAD = "{file} — mục / key {key}: {problem}"
#: The loaders' commonest problems in Vietnamese; the rest stay as pydantic words them.
PROBLEMS_VI = {"unknown key (check the spelling)": "khóa không có trong mẫu, kiểm tra chính tả",
               "required key is missing": "thiếu khóa bắt buộc"}
FIX_KEY = Text("Sửa mục {key} trong tệp; máy chủ trạm không chạy với tệp này",
               "Fix {key} in the file; the hub refuses to start with it")
FIX_FILE = Text("Sửa tệp (đường dẫn, quyền đọc, cú pháp TOML); máy chủ trạm không chạy với tệp này",
                "Fix the file (path, read permission, TOML syntax); the hub refuses to start with it")
CENTRAL_OFF = Text("chưa khai báo máy chủ của tỉnh: không đồng bộ", "no central server set: nothing is synced")
FIX_CENTRAL_OFF = Text("Điền [central] url và token do tỉnh cấp", "Set [central] url and token from the province")
DATABASE = Text("Cơ sở dữ liệu", "Database")
DB_OK = Text("phiên bản {version}, toàn vẹn, {tokens} mã thiết bị", "schema {version}, intact, {tokens} device tokens")
DB_MISSING = Text("chưa có; máy chủ trạm sẽ tạo một cơ sở dữ liệu trống khi chạy",
                  "not there; the hub would make a new, empty one at start")
FIX_DB_MISSING = Text("Đúng nếu là lần cài đặt đầu tiên; nếu không, kiểm tra lại đường dẫn --db",
                      "Right for a first install; otherwise check the --db path")
DB_NO_FOLDER = Text("thư mục {folder} không có hoặc không ghi được", "the folder {folder} is missing or not writable")
FIX_DB_FOLDER = Text("Tạo thư mục và cho người dùng của dịch vụ quyền ghi (chown motcua)",
                     "Make the folder and let the service user write it (chown motcua)")
DB_UNREADABLE = Text("không đọc được", "cannot be read")
FIX_DB_UNREADABLE = Text("Kiểm tra quyền đọc tệp; nếu tệp hỏng, khôi phục từ bản sao lưu",
                         "Check read permission; if the file is damaged, restore from a backup")
DB_NEWER = Text("phiên bản {version}, mới hơn phần mềm này ({ours})", "schema {version}, newer than this program's ({ours})")
FIX_DB_NEWER = Text("Cài bản motcua-edge mới hơn (cơ sở dữ liệu đã được bản mới dùng)",
                    "Install the newer motcua-edge (a newer version has used this database)")
DB_OLDER = Text("phiên bản {version}; sẽ nâng lên {ours} khi máy chủ trạm chạy", "schema {version}; upgraded to {ours} "
                "when the hub starts")
FIX_DB_OLDER = Text("Sao lưu cơ sở dữ liệu trước khi chạy bản mới", "Back the database up before starting the new version")
DB_DAMAGED = Text("hỏng", "damaged")
FIX_DB_DAMAGED = Text("Dừng máy chủ trạm, khôi phục từ bản sao lưu mới nhất",
                      "Stop the hub and restore the latest backup")
DB_NO_TOKENS = Text("chưa có mã thiết bị nào", "no device tokens yet")
FIX_DB_NO_TOKENS = Text("Tạo mã cho từng thiết bị: motcua token create", "Make a token per device: motcua token create")
RESULT_OK = Text("Kết quả: ổn", "Result: all good")
RESULT_BAD = Text("Kết quả: CÓ LỖI cần xử lý", "Result: problems found")


@dataclass(frozen=True)
class Finding:
    """One finding about the site file or the database, with what to do when it is not fine."""

    level: Level
    name: Text
    detail: Text | str
    advice: Text | None = None
    data: dict[str, Any] = field(default_factory=dict)


def config_error_finding(name: Text, exc: ConfigError, *, fix_key: Text, fix_file: Text) -> Finding:
    """A loader's ConfigError as a failed finding naming the file, the key and what was expected."""
    vi = PROBLEMS_VI.get(exc.problem)
    problem = f"{vi} / {exc.problem}" if vi else exc.problem
    if exc.key:
        detail = CONFIG_BAD.format(file=exc.path, key=exc.key, problem=problem)
        advice = fix_key.format(key=exc.key)
    else:
        detail, advice = f"{exc.path}: {problem}", fix_file
    return Finding("fail", name, detail, advice, {"file": exc.path, "key": exc.key, "problem": exc.problem})


def check_site_file(path: str | Path) -> tuple[SiteConfig | None, list[Finding]]:
    """The site file through the hub's own loader."""
    try:
        config = load_site_config(path)
    except ConfigError as exc:
        return None, [config_error_finding(SITE_FILE, exc, fix_key=FIX_KEY, fix_file=FIX_FILE)]
    from sync.hub_transport import check_transport

    try:  # [tls] files, [public], [central] url and ca_file: what `motcua hub` checks before it starts
        check_transport(config, path)
    except ConfigError as exc:
        return config, [config_error_finding(SITE_FILE, exc, fix_key=FIX_KEY, fix_file=FIX_FILE)]
    findings = [Finding("ok", SITE_FILE, SITE_OK.format(code=config.site.code, name=config.site.name,
                                                         services=len(config.services),
                                                         counters=len(config.counters)),
                        data={"file": str(path), "site": config.site.code})]
    if not config.central.url:
        findings.append(Finding("warn", SITE_FILE, CENTRAL_OFF, FIX_CENTRAL_OFF))
    return config, findings


def check_database(path: str | Path) -> list[Finding]:
    """The hub's database, read-only: there, schema version, integrity, device tokens."""
    p = Path(path)
    if not p.exists():
        folder = p.resolve().parent
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            return [Finding("fail", DATABASE, f"{p}: {DB_NO_FOLDER.format(folder=folder)}", FIX_DB_FOLDER)]
        return [Finding("warn", DATABASE, f"{p}: {DB_MISSING}", FIX_DB_MISSING)]
    try:
        # mode=ro: never create, never migrate, never take the writer's lock (the hub may be running).
        conn = sqlite3.connect(f"file:{quote(str(p.resolve()))}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as exc:
        return [Finding("fail", DATABASE, f"{p}: {DB_UNREADABLE}: {exc}", FIX_DB_UNREADABLE)]
    try:
        return _inspect(conn, p)
    except sqlite3.Error as exc:
        return [Finding("fail", DATABASE, f"{p}: {DB_UNREADABLE}: {exc}", FIX_DB_UNREADABLE)]
    finally:
        conn.close()


def _inspect(conn: sqlite3.Connection, p: Path) -> list[Finding]:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    data: dict[str, Any] = {"path": str(p), "schema": version, "program_schema": SCHEMA_VERSION}
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        return [Finding("fail", DATABASE, f"{p}: {DB_DAMAGED}: {'; '.join(problems)}", FIX_DB_DAMAGED,
                        data)]
    if version > SCHEMA_VERSION:
        return [Finding("fail", DATABASE, f"{p}: {DB_NEWER.format(version=version, ours=SCHEMA_VERSION)}",
                        FIX_DB_NEWER, data)]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tokens = 0
    if "tokens" in tables:
        tokens = int(conn.execute("SELECT COUNT(*) FROM tokens WHERE revoked_at IS NULL").fetchone()[0])
    data["tokens"] = tokens
    if version < SCHEMA_VERSION:
        return [Finding("warn", DATABASE, f"{p}: {DB_OLDER.format(version=version, ours=SCHEMA_VERSION)}",
                        FIX_DB_OLDER, data)]
    if tokens == 0:
        return [Finding("warn", DATABASE, f"{p}: {DB_NO_TOKENS}", FIX_DB_NO_TOKENS, data)]
    return [Finding("ok", DATABASE, f"{p}: {DB_OK.format(version=version, tokens=tokens)}", data=data)]


def render_line(mark: str, name: Text, detail: Text | str) -> str:
    """One result line: mark, name in both languages, detail (both languages when it is words)."""
    return f"{mark} {name.vi} / {name.en}: {detail}"


def render_advice(advice: Text) -> str:
    """The line under a problem: what to do."""
    return f"    → {advice.vi} / {advice.en}"


def check_config_main(config: str | Path, db: str | Path | None) -> int:
    """Print the findings for a site file (and a database); 0 when the hub would start, 2 when not."""
    _, findings = check_site_file(config)
    if db is not None:
        findings += check_database(db)
    print(f"motcua hub --check-config — {socket.gethostname()}: {config}" + (f", {db}" if db else ""))
    for f in findings:
        print(render_line(MARK[f.level], f.name, f.detail))
        if f.advice is not None and f.level != "ok":
            print(render_advice(f.advice))
    failed = any(f.level == "fail" for f in findings)
    print(RESULT_BAD if failed else RESULT_OK)
    return 2 if failed else 0
