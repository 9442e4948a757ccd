"""Procedure catalog (motcua.catalog): loading the shipped seed, browsing by field, diacritic-insensitive search."""
from __future__ import annotations

import json
import unicodedata
from datetime import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog import (
    CatalogError,
    Delivery,
    Procedure,
    ProcessingTime,
    by_field,
    by_service,
    default_catalog_path,
    fields,
    fold,
    load_catalog,
    parse_catalog,
    procedure_from_dict,
    search,
)

CATALOG = load_catalog(default_catalog_path())
VI_LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
VI_TEXT = st.text(alphabet=VI_LOWER + VI_LOWER.upper() + "0123456789 ,.-/()\t", max_size=40)


def _names(found: list[Procedure]) -> list[str]:
    return [p.name for p in found]


def test_loads_the_shipped_seed_catalog() -> None:
    assert len(CATALOG) >= 40
    birth = next(p for p in CATALOG if p.name == "Đăng ký khai sinh")
    assert birth.field == "Hộ tịch" and birth.service == "TPHT"
    assert birth.cutoff == time(15, 0)
    assert birth.processing_time.unit == "days" and birth.processing_time.text_vi() == "Trong ngày làm việc"
    assert Delivery.CENTER in birth.delivery and birth.documents
    assert all(unicodedata.is_normalized("NFC", p.name) for p in CATALOG)
    hours = [p for p in CATALOG if p.processing_time.unit == "hours"]
    assert hours and hours[0].processing_time.text_vi().endswith("giờ làm việc")


@pytest.mark.parametrize("query", [
    "dang ky khai sinh", "đăng ký khai sinh", "DANG KY KHAI SINH", "ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh",
    "khai sinh", "KHAI SINH", "dkks", "  dang   ky\tkhai  sinh  ", "khai si", "TPHT.01", "tpht 01",
    unicodedata.normalize("NFD", "Đăng ký khai sinh"), unicodedata.normalize("NFD", "khai sinh"),
    "Dang ky khai sinh", "đang ky khai sinh", "dăng ky khai sinh",
])
def test_finds_birth_registration(query: str) -> None:
    assert _names(search(CATALOG, query))[0] == "Đăng ký khai sinh"


def test_search_ranks_and_limits() -> None:
    found = _names(search(CATALOG, "dang ky"))
    assert all(n.startswith("Đăng ký") for n in found[:4])
    assert len(search(CATALOG, "dang ky", limit=2)) == 2
    assert _names(search(CATALOG, "giay phep lai xe"))[:2] == ["Cấp lại giấy phép lái xe",
                                                               "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp"]
    assert "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam" in _names(search(CATALOG, "ly lich tu phap"))
    assert search(CATALOG, "") == [] and search(CATALOG, "  ,. ") == [] and search(CATALOG, "xyzzy") == []


def test_diacritics_typed_are_preferred_among_equals() -> None:
    ban = Procedure(code="X.1", name="Bán đấu giá", service="X", field="F", processing_time=ProcessingTime(1))
    ban2 = Procedure(code="X.0", name="Bàn giao", service="X", field="F", processing_time=ProcessingTime(1))
    assert fold(ban.name).split()[0] == fold(ban2.name).split()[0] == "ban"
    assert _names(search([ban, ban2], "bán")) == ["Bán đấu giá", "Bàn giao"]
    assert _names(search([ban, ban2], "bàn")) == ["Bàn giao", "Bán đấu giá"]


def test_browse_by_field() -> None:
    groups = fields(CATALOG)
    assert [g.name for g in groups][0] == "Đất đai"
    assert sum(len(g.procedures) for g in groups) == len(CATALOG)
    civil = by_field(CATALOG, "ho tich")
    assert _names(civil) == [p.name for p in CATALOG if p.field == "Hộ tịch"]
    assert by_field(CATALOG, "HỘ TỊCH") == civil
    assert by_service(CATALOG, "TPHT")[0].code == "TPHT.01"


def test_fee_and_document_texts() -> None:
    p = procedure_from_dict({"code": "A.1", "name": "Thủ tục A", "service": "A", "field": "F",
                             "processing_time": {"value": 2.5, "unit": "days"}, "fee": 1200000,
                             "fee_note": "nộp khi nhận kết quả",
                             "documents": [{"name": "Tờ khai", "originals": 1, "copies": 2}],
                             "delivery": ["post", "center", "post"]})
    assert p.fee_text == "1.200.000 đ (nộp khi nhận kết quả)"
    assert p.processing_time.text_vi() == "2,5 ngày làm việc"
    assert p.documents[0].text_vi() == "Tờ khai (01 bản chính, 02 bản sao)" and p.documents[0].count == 3
    assert p.delivery == (Delivery.POST, Delivery.CENTER)
    assert Delivery.POST.label_vi == "Nhận qua bưu điện"


@pytest.mark.parametrize(("patch", "key"), [
    ({"code": None}, "code"), ({"name": ""}, "name"), ({"processing_time": 5}, "processing_time"),
    ({"processing_time": {"value": -1}}, "processing_time.value"),
    ({"processing_time": {"value": 1, "unit": "weeks"}}, "processing_time.unit"),
    ({"cutoff": "25:00"}, "cutoff"), ({"fee": -5}, "fee"), ({"fee": "free"}, "fee"),
    ({"delivery": ["drone"]}, "delivery"), ({"delivery": []}, "delivery"), ({"documents": {}}, "documents"),
])
def test_bad_records_name_the_key(patch: dict, key: str) -> None:
    good = {"code": "A.1", "name": "Thủ tục A", "service": "A", "field": "F", "processing_time": {"value": 1}}
    with pytest.raises(CatalogError) as info:
        procedure_from_dict({**good, **patch})
    assert info.value.key == key


def test_loader_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(bad)
    assert str(bad) in str(info.value)
    with pytest.raises(CatalogError):
        load_catalog(tmp_path / "missing.json")
    with pytest.raises(CatalogError) as info:
        parse_catalog({"format": 2, "procedures": []})
    assert info.value.key == "format"
    record = json.loads(default_catalog_path().read_text(encoding="utf-8"))["procedures"][0]
    with pytest.raises(CatalogError) as info:
        parse_catalog([record, record])
    assert "duplicate" in info.value.problem
    assert parse_catalog({"procedures": [record | {"new_key_from_central": 1}]})[0].code == record["code"]


# -- normalisation properties (hypothesis) ----------------------------------------------------------------

@given(st.text(max_size=60))
def test_fold_is_idempotent_and_ascii_words(text: str) -> None:
    f = fold(text)
    assert fold(f) == f
    assert f == f.strip() and "  " not in f


@given(st.text(max_size=60))
def test_fold_ignores_unicode_normal_form(text: str) -> None:
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


@given(VI_TEXT)
def test_fold_of_vietnamese_is_plain_ascii_lowercase(text: str) -> None:
    f = fold(text)
    assert f.isascii() and f == f.lower()
    assert "đ" not in f and all(ch.isalnum() or ch == " " for ch in f)


@given(VI_TEXT)
def test_fold_ignores_case_diacritics_and_spacing(text: str) -> None:
    f = fold(text)
    assert fold(text.upper()) == f == fold(text.lower())
    assert fold("  " + "   ".join(text.split()) + " ") == f
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    assert fold(stripped.replace("đ", "d").replace("Đ", "D")) == f


@settings(max_examples=60)
@given(st.sampled_from(CATALOG), st.sampled_from(["nfc", "nfd", "upper", "lower", "ascii", "spaces"]))
def test_every_procedure_is_found_by_its_name_in_any_form(p: Procedure, form: str) -> None:
    name = p.name
    query = {"nfc": name, "nfd": unicodedata.normalize("NFD", name), "upper": name.upper(), "lower": name.lower(),
             "ascii": fold(name), "spaces": "  " + "   ".join(name.split()) + " "}[form]
    assert search(CATALOG, query)[0] is p
