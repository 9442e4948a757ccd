"""Receiving accounts for fees ([[payment_accounts]] of the site file): validated with errors naming the file and
the key, chosen by service, and reloaded live (the next QR uses the new account)."""
from __future__ import annotations

import copy
import tomllib
import uuid
from pathlib import Path

import pytest
import requests
from support import toml_text

from motcua.config import ConfigError, example_site_config_path, load_site_config, parse_site_config
from motcua.reload import plan
from motcua.vietqr import parse


def example() -> dict:
    return tomllib.loads(example_site_config_path().read_text(encoding="utf-8"))


def test_accounts_by_service() -> None:
    site = load_site_config(example_site_config_path())
    assert [a.bank_bin for a in site.payment_accounts] == ["970415", "970418"]
    assert site.payment_account("DD").account == site.payment_account("TNMT").account == "12010000123456"
    assert site.payment_account("TPHT").account == site.payment_account("YT").account == "113366668888"
    data = example()
    data["payment_accounts"] = [data["payment_accounts"][1]]  # only the land registry's: others pay cash
    only = parse_site_config(data)
    assert only.payment_account("DD") is not None and only.payment_account("TPHT") is None


@pytest.mark.parametrize("change,key,words", [
    (lambda a: a[0].update(bank_bin="97041"), "payment_accounts[0].bank_bin", "pattern"),
    (lambda a: a[1].update(account="1201-0000"), "payment_accounts[1].account", "pattern"),
    (lambda a: a[1].update(services=["DD", "NOPE"]), "payment_accounts[1].services[1]", "unknown service 'NOPE'"),
    (lambda a: a[0].update(services=["TNMT"]), "payment_accounts[1].services[1]", "already has payment_accounts[0]"),
    (lambda a: a[1].update(services=[]), "payment_accounts[1].services", "only one account may leave services empty"),
    (lambda a: a[0].update(bank="BIDV"), "payment_accounts[0].bank", "unknown key"),
    (lambda a: a[0].update(tax_code="MST 23001"), "payment_accounts[0].tax_code", "pattern"),
    (lambda a: a[0].pop("account"), "payment_accounts[0].account", "required key is missing"),
])
def test_errors_name_the_file_and_the_key(tmp_path: Path, change, key: str, words: str) -> None:  # noqa: ANN001
    data = example()
    change(data["payment_accounts"])
    path = tmp_path / "site.toml"
    path.write_text(toml_text(data), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_site_config(path)
    assert err.value.key == key and words in err.value.problem and str(path) in str(err.value)


def test_accounts_reload_live() -> None:
    old = parse_site_config(example())
    data = example()
    data["payment_accounts"][0]["account"] = "999988887777"
    p = plan(old, parse_site_config(data))
    assert p.ok and p.changed == ["payment_accounts"]


def test_a_reloaded_account_is_in_the_next_qr(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    data = example()
    path = tmp_path / "site.toml"
    path.write_text(toml_text(data), encoding="utf-8")
    h = make_hub(data, central_url="")
    h.hub.config_path = path
    headers = {"Authorization": f"Bearer {h.tokens['counter']}"}

    def qr_of_a_new_dossier() -> str:
        r = requests.post(f"{h.url}/api/v1/dossiers", headers=headers, timeout=10,
                          json={"id": str(uuid.uuid4()), "procedure": "TPHT.04", "applicant": {"name": "Lê Văn Bình"}})
        return str(r.json()["fee"]["qr"])

    earlier = qr_of_a_new_dossier()
    assert parse(earlier).account.number == "113366668888"
    changed = copy.deepcopy(data)
    changed["payment_accounts"][0].update(bank_bin="970436", account="0881000458086", bank_name="Vietcombank")
    path.write_text(toml_text(changed), encoding="utf-8")
    r = requests.post(f"{h.url}/api/v1/admin/reload", headers={"Authorization": f"Bearer {h.tokens['admin']}"},
                      timeout=10)
    assert r.status_code == 200 and r.json()["changed"] == ["payment_accounts"], r.text
    later = parse(qr_of_a_new_dossier())
    assert (later.account.bin, later.account.number) == ("970436", "0881000458086")
