"""Device TOML files: the examples load; mistakes name the file and the key."""
from __future__ import annotations

from pathlib import Path

import pytest

from counter_display.config import load_board_config, load_counter_config
from motcua.config import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_examples_load() -> None:
    b = load_board_config(ROOT / "assets" / "board.example.toml")
    assert b.announcer.voice == "vi" and b.board.recent == 8 and b.announcer.chime.exists()
    c = load_counter_config(ROOT / "assets" / "counter.example.toml")
    assert c.counter.number == 5 and c.counter.staff_sign_in and not c.clerks and c.keypad is None
    from counter_display.rating_app import load_rating_config

    r = load_rating_config(ROOT / "assets" / "rating.example.toml")
    assert r.rating.counter == 5 and r.rating.screen == 1


@pytest.mark.parametrize("text,key,words", [
    ('[board]\nrecent = 3', "hub", "required key is missing"),
    ('[hub]\ntoken = "t"\nurl = "127.0.0.1:8470"', "hub.url", "http://"),
    ('[hub]\ntoken = "t"\n[board]\nrecnt = 3', "board.recnt", "unknown key"),
    ('[hub]\ntoken = "t"\n[announcer]\ndialect = "west"', "announcer.dialect", "north"),
    ('[hub]\ntoken = "t"\n[announcer]\ntemplate = "Mời số {so}"', "announcer.template", "{so}"),
])
def test_board_errors_name_file_and_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    p = tmp_path / "board.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_board_config(p)
    assert e.value.path == str(p) and e.value.key == key and words in e.value.problem
    assert str(p) in str(e.value)


@pytest.mark.parametrize("text,key", [
    ('[hub]\ntoken = "t"\n[counter]\nnumber = 0', "counter.number"),
    ('[hub]\ntoken = "t"\n[counter]\nnumber = 1\n[[clerks]]\nname = "A"\npin = "12"', "clerks[0].pin"),
    ('[hub]\ntoken = "t"\n[counter]\nnumber = 1\n[[leds]]\nport = "/dev/x"\nmode = "hex"', "leds[0].mode"),
    ('[hub]\ntoken = "t"\n[counter]\nnumber = 1\n[keypad]\nport = "/dev/x"\n[[leds]]\nport = "/dev/x"',
     "keypad.port"),
    ('[hub]\ntoken = "t"\n[counter]\nnumber = 1\n[[leds]]\nport = "/dev/x"\nmode = "ascii"\n'
     '[[leds]]\nport = "/dev/x"\naddress = 2', "leds[1].port"),
])
def test_counter_errors_name_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    p = tmp_path / "counter.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_counter_config(p)
    assert e.value.key == key, e.value


def test_not_toml(tmp_path: Path) -> None:
    p = tmp_path / "b.toml"
    p.write_text("[hub\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_board_config(p)
    with pytest.raises(ConfigError, match="cannot read"):
        load_board_config(tmp_path / "missing.toml")


def test_cli_reports_config_errors(tmp_path: Path, capsys) -> None:
    from counter_display import board_main, counter_main

    p = tmp_path / "bad.toml"
    p.write_text("[board]\n", encoding="utf-8")
    assert board_main.main(["--config", str(p)]) == 2
    assert "Lỗi cấu hình" in capsys.readouterr().err
    assert counter_main.main(["--config", str(p), "--headless"]) == 2
