"""`motcua fee qr|words` (a public contract), run as the installed command."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import zxingcpp
from PIL import Image

from motcua.config import example_site_config_path
from motcua.vietqr import parse

MOTCUA = [sys.executable, "-m", "motcua.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTCUA, "fee", *args], capture_output=True, text=True, timeout=60)


def test_qr_with_the_sites_account_and_a_png(tmp_path: Path) -> None:
    png = tmp_path / "fee.png"
    r = run("qr", "--amount", "80000", "--note", "TAM-BNI-TTHCC-261126-0001", "--png", str(png))
    assert r.returncode == 0, r.stderr
    payload = r.stdout.strip()
    assert r.stdout.count("\n") == 1  # the payload alone on stdout: fit for a pipe
    qr = parse(payload)
    assert (qr.account.bin, qr.account.number, qr.amount, qr.note, qr.dynamic) == (
        "970415", "113366668888", 80000, "TAM-BNI-TTHCC-261126-0001", True)
    found = [x.text for x in zxingcpp.read_barcodes(Image.open(png).convert("L"))]
    assert found == [payload]
    # The account of a service, and an account given on the command line.
    assert parse(run("qr", "--amount", "50000", "--service", "DD").stdout.strip()).account.number == "12010000123456"
    given = parse(run("qr", "--amount", "1", "--account", "970436:0881000458086").stdout.strip())
    assert (given.account.bin, given.account.number, given.amount, given.note) == ("970436", "0881000458086", 1, "")


def test_qr_folds_a_vietnamese_note_and_says_so() -> None:
    r = run("qr", "--amount", "8000", "--note", "Phí hồ sơ TPHT")
    assert r.returncode == 0 and parse(r.stdout.strip()).note == "Phi ho so TPHT" and "Phi ho so TPHT" in r.stderr


def test_qr_errors_are_clear(tmp_path: Path) -> None:
    for args, words in ((("--amount", "0"), "amount"), (("--amount", "5", "--account", "97:1"), "BIN"),
                        (("--amount", "5", "--service", "NOPE"), "NOPE")):
        r = run("qr", *args)
        assert r.returncode == 2 and words in r.stderr and r.stdout == "" and "Traceback" not in r.stderr
    site = tmp_path / "site.toml"
    text = example_site_config_path().read_text(encoding="utf-8")
    site.write_text(text.split("[[payment_accounts]]")[0] + "[[priority_categories]]" +
                    text.split("[[priority_categories]]", 1)[1], encoding="utf-8")
    r = run("qr", "--amount", "5", "--config", str(site))
    assert r.returncode == 2 and str(site) in r.stderr and "payment_accounts" in r.stderr


def test_words() -> None:
    assert run("words", "1250000").stdout == "Một triệu hai trăm năm mươi nghìn đồng chẵn\n"
    assert run("words", "1005").stdout == "Một nghìn không trăm linh năm đồng\n"
    assert run("words", "1005", "--south").stdout == "Một ngàn không trăm lẻ năm đồng\n"
    assert run("words", "24000", "--tu", "--no-round").stdout == "Hai mươi tư nghìn đồng\n"
    r = run("words", "1000000000000")
    assert r.returncode == 2 and "out of range" in r.stderr


def test_print_sample_receipt(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from escpos_parse import parse as parse_escpos

    from motcua.cli import main as motcua

    out, png = tmp_path / "r.bin", tmp_path / "r.png"
    assert motcua(["print", "sample", "--layout", "receipt", "--printer", f"file://{out}", "--copies", "both",
                   "--preview", str(png)]) == 0
    parsed = parse_escpos(out.read_bytes())
    assert parsed.cuts == 2 and parsed.qr_payloads[1].startswith("http://hcc.bacninh.local:8470/d/")
    assert parse(parsed.qr_payloads[0]).amount == 80000  # the paid fee's VietQR, CRC verified
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(png).convert("L"))]
    assert sorted(found) == sorted(parsed.qr_payloads)
