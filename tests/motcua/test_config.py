"""Site configuration: the example loads, and a bad file names the file, the key and what was expected."""
from __future__ import annotations

from pathlib import Path

import pytest

from motcua.config import ConfigError, Span, example_site_config_path, load_site_config


def test_example_site_is_a_realistic_provincial_center() -> None:
    cfg = load_site_config(example_site_config_path())
    names = {s.name for s in cfg.services}
    for field in ("Đất đai", "Đăng ký kinh doanh", "Tư pháp - Hộ tịch", "Xây dựng",
                  "Lao động - Thương binh và Xã hội", "Tài nguyên và Môi trường", "Giao thông vận tải", "Y tế"):
        assert field in names
    assert len(cfg.services) >= 8 and len(cfg.counters) >= 12
    assert cfg.service("CT").display(7) == "C007"
    assert cfg.service("DD").display(1023) == "1023"
    assert cfg.central.url and cfg.central.token
    assert [p.code for p in cfg.priority_categories][:3] == ["elderly", "disability", "pregnant"]


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "site.toml"
    p.write_text(text, encoding="utf-8")
    return p


BASE = """
[site]
code = "X"
name = "Trung tâm"
[[services]]
code = "A"
name = "Đất đai"
{svc_extra}
[[counters]]
number = 1
services = [{counter_services}]
"""


@pytest.mark.parametrize(("svc_extra", "counter_services", "key", "expect"), [
    ('digits = "four"', '"A"', "services[0].digits", "integer"),
    ("digits = 9", '"A"', "services[0].digits", "less than or equal to 6"),
    ('prefix = "AB"', '"A"', "services[0].prefix", "pattern"),
    ("first_number = 100000", '"A"', "services[0]", "does not fit in 4 digits"),
    ("", '"Z"', "counters[0].services[0]", "unknown service 'Z'"),
    ("colour = 1", '"A"', "services[0].colour", "unknown key"),
    ("daily_quota = 0", '"A"', "services[0].daily_quota", "greater than or equal to 1"),
])
def test_bad_values_name_the_key(tmp_path: Path, svc_extra: str, counter_services: str, key: str,
                                 expect: str) -> None:
    p = write(tmp_path, BASE.format(svc_extra=svc_extra, counter_services=counter_services))
    with pytest.raises(ConfigError) as err:
        load_site_config(p)
    assert err.value.path == str(p)
    assert err.value.key == key
    assert expect in err.value.problem
    assert str(p) in str(err.value) and key in str(err.value)


def test_missing_key_and_syntax_error(tmp_path: Path) -> None:
    p = write(tmp_path, '[site]\ncode = "X"\n[[services]]\ncode="A"\nname="A"\n[[counters]]\nnumber=1\nservices=["A"]\n')
    with pytest.raises(ConfigError) as err:
        load_site_config(p)
    assert err.value.key == "site.name" and "required" in err.value.problem
    p = write(tmp_path, '[site\ncode = "X"')
    with pytest.raises(ConfigError) as err:
        load_site_config(p)
    assert "not valid TOML" in str(err.value) and str(p) in str(err.value)
    with pytest.raises(ConfigError) as err:
        load_site_config(tmp_path / "missing.toml")
    assert "cannot read" in str(err.value)


def test_hours_spans(tmp_path: Path) -> None:
    assert str(Span.parse("07:30-11:30")) == "07:30-11:30"
    assert Span.parse("00:00-24:00").end_min == 1440
    for bad in ("7-11", "11:30-07:30", "25:00-26:00"):
        with pytest.raises(ValueError):
            Span.parse(bad)
    p = write(tmp_path, BASE.format(svc_extra="", counter_services='"A"') + '[hours]\nmon = ["13:00-17:00", "07:30-11:30"]\n')
    with pytest.raises(ConfigError) as err:
        load_site_config(p)
    assert err.value.key == "hours.mon"


def test_hub_refuses_to_start_on_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from motcua.cli import main

    p = write(tmp_path, BASE.format(svc_extra="digits = 0", counter_services='"A"'))
    assert main(["hub", "--config", str(p), "--db", str(tmp_path / "x.db")]) == 2
    err = capsys.readouterr().err
    assert str(p) in err and "services[0].digits" in err
