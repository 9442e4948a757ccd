"""The reference central case server (`motcua central`); the names its clients (the hub's relay) share."""
from __future__ import annotations

IDENTITY_HEADER = "X-Motcua-Hub-Identity"
"""Every request of a hub's relay carries its database's identity (a UUID made when the database was made)."""
IDENTITY_REFUSED = "site_identity_mismatch"
"""409 error code: another database already syncs for this site (the relay stops and says so; no dead letter)."""
IDENTITY_REQUIRED = "site_identity_required"
"""403 error code: a request without an identity for a site whose database is registered."""
