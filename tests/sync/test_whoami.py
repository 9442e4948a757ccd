"""GET /api/v1/whoami: any valid token learns its own role, name and counter; a revoked one is told so."""
from __future__ import annotations

import pytest
import requests
from support import as_json

from sync.client import HubClient, HubError
from sync.store import create_token, list_tokens, revoke_token


def test_each_role_learns_who_it_is(hub) -> None:  # noqa: ANN001
    for role in ("kiosk", "board", "counter", "admin"):
        assert as_json(hub.client(role).whoami()) == {"role": role, "name": f"test {role}", "counter": None,
                                             "any_counter": role == "counter"}  # the tests' counter token
    bound = create_token(hub.db, role="counter", name="Quầy 3", counter=3)  # made while the hub runs
    assert as_json(HubClient(hub.url, bound).whoami()) == {"role": "counter", "name": "Quầy 3", "counter": 3,
                                                            "any_counter": False}


def test_missing_unknown_and_revoked_tokens_are_refused(hub) -> None:  # noqa: ANN001
    r = requests.get(f"{hub.url}/api/v1/whoami", timeout=5)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    with pytest.raises(HubError) as e:
        HubClient(hub.url, "kiosk_not-a-token").whoami()
    assert e.value.status == 401
    token = create_token(hub.db, role="kiosk", name="Ki-ốt cũ")
    client = HubClient(hub.url, token)
    assert client.whoami().name == "Ki-ốt cũ"  # now the hub has it cached
    tid = next(t["id"] for t in list_tokens(hub.db) if t["name"] == "Ki-ốt cũ")
    assert revoke_token(hub.db, tid) == 1
    with pytest.raises(HubError) as e:
        client.whoami()
    assert (e.value.status, e.value.code) == (401, "revoked")
    assert "thu hồi" in e.value.message
