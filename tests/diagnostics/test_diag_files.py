"""`motcua diag` on files: device files validated exactly as their apps do, every serial port they name,
site files and the hub's database (also through `motcua hub --check-config`)."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from diag_support import board_toml, checks_named, counter_toml, diag, kiosk_toml, one

from counter_display.config import load_board_config, load_counter_config
from kiosk.config import load_kiosk_config
from motcua.cli import main
from motcua.config import ConfigError, example_site_config_path
from sync.store import create_token

ROOT = Path(__file__).resolve().parents[2]
HUB = "http://127.0.0.1:9"  # nothing listens: these tests are about the files


# -- device files, exactly as the apps read them ---------------------------------------------------------
@pytest.mark.parametrize("kind,text,loader,key", [
    ("kiosk", kiosk_toml(HUB, "kiosk_token123", extra="idle_timout_s = 30\n"), load_kiosk_config,
     "kiosk.idle_timout_s"),
    ("board", board_toml(HUB, "board_token123", extra="[board]\nrecnt = 5\n"), load_board_config, "board.recnt"),
    ("counter", counter_toml(HUB, "counter_token1", number=5, extra="[[leds]]\nport = \"/dev/x\"\nmod = \"ascii\"\n"),
     load_counter_config, "leds[0].mod"),
    ("counter", counter_toml(HUB, "counter_token1", number=0), load_counter_config, "counter.number"),
    ("kiosk", kiosk_toml(HUB, "kiosk_token123").replace("technician_pin_hash", "technician_pin"),
     load_kiosk_config, "kiosk.technician_pin_hash"),
])
def test_a_device_file_the_app_refuses_is_a_failure_with_the_apps_error(kind, text, loader, key, write_file,
                                                                        capsys) -> None:  # noqa: ANN001
    path = write_file(f"{kind}.toml", text)
    with pytest.raises(ConfigError) as refused:  # what the app says at start
        loader(path)
    assert refused.value.key == key
    code, report = diag(capsys, "--config", str(path))
    check = one(report, "Device file")
    assert code == 1 and report["kind"] == kind and check["status"] == "fail"
    assert (check["data"]["file"], check["data"]["key"], check["data"]["problem"]) == (
        str(path), refused.value.key, refused.value.problem)
    assert str(path) in check["detail"] and key in check["detail"] and key in check["advice"]["vi"]


def test_a_misspelt_key_is_named_in_both_languages(write_file, capsys) -> None:  # noqa: ANN001
    path = write_file("kiosk.toml", kiosk_toml(HUB, "kiosk_token123", extra="idle_timout_s = 30\n"))
    assert main(["diag", "--config", str(path), "--timeout", "1"]) == 1
    out = capsys.readouterr().out
    assert (f"✘ Tệp cấu hình thiết bị / Device file: {path} — mục / key kiosk.idle_timout_s: "
            "khóa không có trong mẫu, kiểm tra chính tả / unknown key (check the spelling)") in out
    assert "Kết quả: ổn" not in out


@pytest.mark.parametrize("example", ["kiosk", "board", "counter"])
def test_the_shipped_examples_are_valid_device_files(example: str, capsys) -> None:  # noqa: ANN001
    path = ROOT / "assets" / f"{example}.example.toml"
    code, report = diag(capsys, "--config", str(path))
    assert report["kind"] == example and one(report, "Device file")["status"] == "ok"


def test_the_kind_is_told_from_the_tables_or_given(write_file, capsys) -> None:  # noqa: ANN001
    both = write_file("odd.toml", kiosk_toml(HUB, "kiosk_token123") + "\n[board]\nrecent = 5\n")
    code, report = diag(capsys, "--config", str(both))
    check = one(report, "Device file")
    assert code == 1 and check["status"] == "fail" and "--kind" in check["advice"]["en"]
    code, report = diag(capsys, "--config", str(both), "--kind", "kiosk")
    assert report["kind"] == "kiosk" and "board" in one(report, "Device file")["data"]["key"]
    code, report = diag(capsys, "--config", str(example_site_config_path()))
    assert report["kind"] == "site" and one(report, "Site file")["status"] == "ok"


def test_an_unreadable_device_file_is_a_failure_not_a_crash(write_file, capsys) -> None:  # noqa: ANN001
    bad = write_file("bad.toml", "[hub\n")
    code, report = diag(capsys, "--config", str(bad))
    assert code == 1 and "not valid TOML" in one(report, "Device file")["detail"]


# -- every serial port a device file names ---------------------------------------------------------------
def test_every_serial_port_a_counter_file_names_is_checked(make_hub, write_file, capsys) -> None:  # noqa: ANN001
    h = make_hub()
    pairs = [os.openpty() for _ in range(3)]
    keypad, scanner, printer = (os.ttyname(s) for _, s in pairs)
    path = write_file("counter.toml", counter_toml(h.url, h.tokens["counter"], number=1, extra=(
        f'[keypad]\nport = "{keypad}"\n\n[[leds]]\nport = "/dev/ttyUSB-motcua-missing"\n\n'
        f'[scanner]\nport = "{scanner}"\n\n[printer]\naddress = "serial://{printer}?baud=115200"\n')))
    code, report = diag(capsys, "--config", str(path))
    for m, s in pairs:
        os.close(m)
        os.close(s)
    ports = {c["data"]["role"]: c for c in checks_named(report, "Serial port")}
    assert set(ports) == {"keypad", "led", "scanner", "printer"}
    assert [ports[r]["status"] for r in ("keypad", "scanner", "printer")] == ["ok", "ok", "ok"]
    assert ports["led"]["status"] == "fail" and ports["led"]["name_en"] == "Serial port (LED display) " \
        "/dev/ttyUSB-motcua-missing"
    assert "/dev/serial/by-id/" in ports["led"]["advice"]["en"]
    assert code == 1


def test_a_port_held_by_the_running_scanner_is_fine(capsys) -> None:  # noqa: ANN001
    import serial

    master, slave = os.openpty()
    port = os.ttyname(slave)
    with serial.Serial(port, exclusive=True):  # as the scanner driver holds it
        code, report = diag(capsys, "--serial", port)
    os.close(master)
    os.close(slave)
    check = checks_named(report, "Serial port")[0]
    assert check["status"] == "ok" and check["data"]["in_use"] and "held by a running program" in check["detail"]


def test_a_port_this_user_may_not_open_names_the_group_to_join() -> None:
    """The check runs in a child process as a user outside the port's group (root passes every check)."""
    import grp
    import json

    from diagnostics.hardware import check_serial_port

    master, slave = os.openpty()
    port = os.ttyname(slave)
    groups = {g.gr_name: g.gr_gid for g in grp.getgrall()}
    if os.geteuid() == 0:
        os.chown(port, 0, groups.get("dialout", 20))
        os.chmod(port, 0o660)
    else:
        os.chmod(port, 0o000)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody when root, check, report, leave at once
        try:
            os.close(r)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            os.write(w, json.dumps(check_serial_port(port, "keypad").as_dict()).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        out = f.read()
    os.waitpid(pid, 0)
    os.close(master)
    os.close(slave)
    check = json.loads(out)
    assert check["status"] == "fail" and "cannot open it" in check["detail_en"]
    group = check["data"]["group"]
    assert f"to the {group} group" in check["advice"]["en"] and check["command"].startswith(f"sudo usermod -aG {group} ")


# -- site files and the database -------------------------------------------------------------------------
SITE = ('[site]\ncode = "TEST"\nname = "Trung tâm thử nghiệm"\n\n[[services]]\ncode = "A"\nname = "Đất đai"\n'
        '{extra}\n[[counters]]\nnumber = 1\nservices = ["A"]\n')


def test_a_site_file_is_validated_like_the_hub_does(write_file, capsys) -> None:  # noqa: ANN001
    bad = write_file("site.toml", SITE.format(extra="digts = 3\n"))
    code, report = diag(capsys, "--site", str(bad))
    check = one(report, "Site file")
    assert code == 1 and check["status"] == "fail" and check["data"]["key"] == "services[0].digts"
    code, report = diag(capsys, "--config", str(bad))  # recognised as a site file
    assert code == 1 and report["kind"] == "site" and one(report, "Site file")["data"]["key"] == "services[0].digts"
    good = write_file("good.toml", SITE.format(extra=""))
    code, report = diag(capsys, "--site", str(good))
    assert code == 0 and [c["status"] for c in checks_named(report, "Site file")] == ["ok", "warn"]  # no [central]


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_hub_check_config_validates_without_starting(tmp_path: Path, write_file, capsys) -> None:  # noqa: ANN001
    site = write_file("site.toml", SITE.format(extra=""))
    db = tmp_path / "site.db"
    create_token(db, role="kiosk", name="Ki-ốt 1")
    before = _sha(db)
    assert main(["hub", "--check-config", "--config", str(site), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "✔ Cơ sở dữ liệu / Database:" in out and "1 device tokens" in out and "Result: all good" in out
    assert _sha(db) == before  # read-only: nothing written, nothing migrated
    assert main(["hub", "--check-config", "--config", str(site), "--db", str(tmp_path / "new.db")]) == 0
    assert "would make a new, empty one" in capsys.readouterr().out and not (tmp_path / "new.db").exists()
    bad = write_file("bad.toml", SITE.format(extra="digts = 3\n"))
    assert main(["hub", "--check-config", "--config", str(bad)]) == 2
    out = capsys.readouterr().out
    assert "services[0].digts" in out and "Kết quả: CÓ LỖI cần xử lý / Result: problems found" in out
    assert main(["hub", "--check-config", "--config", str(example_site_config_path())]) == 0


def test_a_database_from_a_newer_program_or_damaged_is_refused(tmp_path: Path, write_file, capsys) -> None:  # noqa: ANN001
    site = write_file("site.toml", SITE.format(extra=""))
    newer = tmp_path / "newer.db"
    create_token(newer, role="kiosk", name="Ki-ốt 1")
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 999")
    assert main(["hub", "--check-config", "--config", str(site), "--db", str(newer)]) == 2
    assert "schema 999, newer than this program's" in capsys.readouterr().out
    damaged = tmp_path / "damaged.db"
    create_token(damaged, role="kiosk", name="Ki-ốt 1")
    with sqlite3.connect(damaged) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tokens'").fetchone()[0]
    with open(damaged, "r+b") as f:  # scribble over the tokens table's page
        f.seek((root - 1) * page + 8)
        f.write(b"\xff" * 64)
    code, report = diag(capsys, "--site", str(site), "--db", str(damaged))
    db = one(report, "Database")
    assert code == 1 and db["status"] == "fail" and ("damaged" in db["detail"] or "cannot be read" in db["detail"])
    assert "restore" in db["advice"]["en"]
