"""`motcua print sample` and `motcua print status` through the real dispatcher."""
from __future__ import annotations

import json

import zxingcpp
from escpos_parse import parse
from PIL import Image

from motcua.cli import main as motcua


def test_print_sample_ticket_to_a_file_with_preview(tmp_path, capsys):
    out, png = tmp_path / "t.bin", tmp_path / "t.png"
    rc = motcua(["print", "sample", "--layout", "ticket", "--printer", f"file://{out}", "--preview", str(png)])
    assert rc == 0
    assert "Đã in / Printed" in capsys.readouterr().out
    parsed = parse(out.read_bytes())
    assert parsed.qr_payloads[0].startswith("http://hcc.bacninh.local:8470/t/")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(png).convert("L"))] == parsed.qr_payloads


def test_print_sample_slip_both_copies_json(capsys):
    rc = motcua(["print", "sample", "--layout", "slip", "--printer", "dummy:?paper=58", "--copies", "both",
                 "--json"])
    assert rc == 0
    result = json.loads(capsys.readouterr().out)
    assert result["outcome"] == "printed" and result["job_bytes"] == result["bytes_sent"]


def test_print_sample_test_page_paper_out_fails(capsys):
    rc = motcua(["print", "sample", "--layout", "test", "--printer", "dummy:?state=paper_out"])
    assert rc == 1
    assert "Máy in hết giấy" in capsys.readouterr().out


def test_print_status_and_bad_address(capsys):
    assert motcua(["print", "status", "--printer", "dummy:", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "ready"
    assert motcua(["print", "status", "--printer", "dummy:?state=unknown"]) == 3
    assert motcua(["print", "sample", "--layout", "ticket", "--printer", "lpt://1"]) == 2
    assert "Không hỗ trợ" in capsys.readouterr().err
