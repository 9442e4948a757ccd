"""Electronic declaration forms (issue 17): the shipped definitions, validation, pre-fill from a CCCD, and the
administrative units after the 2025 reorganisation."""
from __future__ import annotations

import json
from datetime import date

import pytest

from motcua import admin_units, forms
from motcua.catalog import default_catalog_path, procedure_from_dict
from motcua.cccd import parse_cccd
from motcua.forms import FieldType, FormError, form_from_dict, validate

TODAY = date(2026, 11, 26)
CARD = "001190012345|123456789|Nguyễn Thị Hồng Nhung|15031990|Nữ|Số 25 Ngô Gia Tự, Suối Hoa, Bắc Ninh|01072021"


def shipped(form_id: str) -> forms.FormDefinition:
    return next(f for f in forms.shipped_forms() if f.id == form_id)


def test_shipped_forms_are_attached_to_their_procedures_and_every_procedure_still_parses() -> None:
    entries = forms.attach_forms(json.loads(default_catalog_path().read_text(encoding="utf-8"))["procedures"])
    with_form = {e["code"]: e["form"]["id"] for e in entries if "form" in e}
    assert with_form == {"TPHT.01": "TP-KS", "TPHT.03": "TP-KT", "TPHT.07": "LLTP-03", "DKKD.01": "DKKD-I1"}
    for e in entries:
        procedure_from_dict(e)  # the catalog reader ignores the new key
        form = forms.form_of(e)
        assert form is None or form.procedures == ()  # "procedures" is the shipped file's, not the entry's
    # Every field type the issue names is used by some shipped form, and every CCCD field pre-fills something.
    used = {f.type for form in forms.shipped_forms() for f in form.fields()}
    assert {FieldType.TEXT, FieldType.DATE, FieldType.CCCD, FieldType.PHONE, FieldType.CHOICE,
            FieldType.ADMIN_UNIT} <= used
    sources = {f.prefill for form in forms.shipped_forms() for f in form.fields()}
    assert {"cccd.name", "cccd.dob", "cccd.gender", "cccd.address", "cccd.id", "cccd.issued"} <= sources


def test_an_entry_from_the_central_server_keeps_its_own_form() -> None:
    own = {"id": "X", "title": "T", "sections": [{"fields": [{"key": "a", "label": "A"}]}]}
    [entry] = forms.attach_forms([{"code": "TPHT.01", "form": own}])
    assert entry["form"] is own


def test_prefill_from_the_card_fills_name_date_of_birth_sex_address_number_and_issue_date() -> None:
    card = parse_cccd(CARD)
    lltp = forms.prefill(shipped("LLTP-03"), card)
    assert lltp == {"name": "Nguyễn Thị Hồng Nhung", "sex": "Nữ", "dob": "1990-03-15",
                    "permanent_residence": "Số 25 Ngô Gia Tự, Suối Hoa, Bắc Ninh", "id_number": "001190012345",
                    "id_issued": "2021-07-01"}
    # A field written in capitals on the official form gets the name in capitals.
    assert forms.prefill(shipped("DKKD-I1"), card)["owner_name"] == "NGUYỄN THỊ HỒNG NHUNG"


def test_missing_fields_are_named_in_vietnamese_and_english_in_form_order() -> None:
    form = shipped("TP-KS")
    values = {**forms.defaults(form), **forms.prefill(form, parse_cccd(CARD))}
    _, errors = validate(form, values, today=TODAY)
    assert [e.key for e in errors] == ["to", "relation", "child_name", "child_dob", "child_sex",
                                       "child_birthplace_unit", "signed_at"]
    assert all(e.code == "missing" for e in errors)
    assert errors[0].message_vi == "Chưa điền: Kính gửi"
    assert errors[2].message_en == "Required: Child's full name"


@pytest.mark.parametrize(("ftype", "typed", "stored"), [
    ("date", "15/03/2026", "2026-03-15"), ("date", "2026-3-5", "2026-03-05"), ("date", "1.2.2000", "2000-02-01"),
    ("phone", "+84 912.345.678", "0912345678"), ("phone", "(024) 3825 1234", "02438251234"),
    ("cccd", "001 190 012 345", "001190012345"), ("year", "1990", "1990"),
    ("admin_unit", "phuong kinh bac, tinh bac ninh", "Phường Kinh Bắc, tỉnh Bắc Ninh"),
    ("admin_unit", "Phường Hoàn Kiếm, Hà Nội", "Phường Hoàn Kiếm, thành phố Hà Nội"),
    ("email", "a.b@example.vn", "a.b@example.vn"),
])
def test_values_are_normalised(ftype: str, typed: str, stored: str) -> None:
    f = forms.field_from_dict({"key": "x", "label": "X", "type": ftype}, where="t")
    assert forms.check_value(f, typed, today=TODAY) == (stored, None)


@pytest.mark.parametrize(("ftype", "typed"), [
    ("date", "31/02/2026"), ("date", "27/11/2026"), ("date", "01/01/1800"), ("date", "hôm qua"),
    ("phone", "12345"), ("phone", "09123456789012"), ("cccd", "12345678901"), ("cccd", "101190012345"),
    ("cccd", "００１１９００１２３４５"), ("year", "2027"), ("year", "19x0"), ("email", "nobody"),
    ("admin_unit", "Phường Kinh Bắc"), ("admin_unit", "Phường Kinh Bắc, tỉnh Lào Cai"),
    ("admin_unit", "Quận Hoàn Kiếm, thành phố Hà Nội"),  # districts are gone since 1 July 2025
    ("text", "tên\u202egiả"),
])
def test_wrong_values_are_refused_with_a_reason(ftype: str, typed: str) -> None:
    f = forms.field_from_dict({"key": "x", "label": "Mục X", "label_en": "Item X", "type": ftype}, where="t")
    _, error = forms.check_value(f, typed, today=TODAY)
    assert error is not None and error.code == "invalid"
    assert error.message_vi.startswith("Mục X: ") and error.message_en.startswith("Item X: ")


def test_a_choice_takes_its_value_or_its_label_and_unknown_keys_are_refused() -> None:
    form = shipped("LLTP-03")
    values, errors = validate(form, {"certificate": "Phiếu số 2", "smuggled": "x"}, today=TODAY)
    assert values["certificate"] == "2"
    assert errors[0].key == "smuggled" and errors[0].code == "unknown"


def test_a_broken_definition_names_the_form_and_the_key() -> None:
    with pytest.raises(FormError, match=r"form F sections\[0\] fields\[1\] \(b\): type: one of"):
        form_from_dict({"id": "F", "title": "T", "sections": [{"fields": [
            {"key": "a", "label": "A"}, {"key": "b", "label": "B", "type": "colour"}]}]})
    with pytest.raises(FormError, match="duplicate field key 'a'"):
        form_from_dict({"id": "F", "title": "T", "sections": [{"fields": [
            {"key": "a", "label": "A"}, {"key": "a", "label": "B"}]}]})
    with pytest.raises(FormError, match="signer_field: no field 'who'"):
        form_from_dict({"id": "F", "title": "T", "signer_field": "who",
                        "sections": [{"fields": [{"key": "a", "label": "A"}]}]})
    with pytest.raises(FormError, match="prefill: one of cccd.id"):
        form_from_dict({"id": "F", "title": "T", "sections": [{"fields": [
            {"key": "a", "label": "A", "prefill": "cccd.blood_type"}]}]})


def test_dates_in_words_and_display_values() -> None:
    assert forms.date_in_words(date(2026, 3, 15)) == "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu"
    form = shipped("TP-KS")
    assert forms.display_value(form.field("child_dob"), "2026-03-05") == "05/03/2026"  # type: ignore[arg-type]
    assert forms.display_value(form.field("child_sex"), "Nữ") == "Nữ"  # type: ignore[arg-type]


def test_the_units_table_is_the_two_level_list_of_july_2025() -> None:
    table = admin_units.shipped()
    assert len(table.provinces) == 34
    assert sum(len(p.wards) for p in table.provinces) == 3321
    assert table.as_of == "2025-07-01"
    bn = table.province("bac ninh")
    assert bn is not None and bn.code == "24" and bn.title == "Tỉnh Bắc Ninh"
    assert table.province("Thành phố Hồ Chí Minh") is not None and table.province("Bình Dương") is None  # merged
    assert "Phường Kinh Bắc, tỉnh Bắc Ninh" in table.search("kinh bac")
    assert table.search("kinh bac", province="01") == []
    codes = [w.code for p in table.provinces for w in p.wards]
    assert len(set(codes)) == len(codes) and all(len(c) == 5 and c.isdigit() for c in codes)
