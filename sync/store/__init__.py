"""The site database (the hub is its only writer, ARCHITECTURE rule 1), in one import:

- `sync.store.migrations`: the schema as MIGRATIONS (append, never edit a shipped entry);
- `sync.store.schema`: connections, migrating, the meta table, opening an existing file;
- `sync.store.site`: the SiteStore — reads, and the group-commit writer thread every change goes through;
- `sync.store.tables`: the SQL of the hub's own tables (outbox, dead letters, feeds, dossiers, payments,
  devices), with rows read by column name, for the hub and the relay;
- `sync.store.tokens`: device tokens.
"""
from __future__ import annotations

from sync.store.migrations import MIGRATIONS, SCHEMA_VERSION
from sync.store.schema import (
    IDENTITY_KEY,
    LOOKUP_SECRET_KEY,
    PUT_META,
    SITE_KEY,
    StoreError,
    connect,
    migrate,
    open_existing,
    read_meta,
    site_record,
)
from sync.store.site import EncodedEvent, SiteStore, counter_row, encode_event, ticket_from_row, ticket_row
from sync.store.tokens import (
    KEEP_EXPIRY,
    ROLES,
    TOKEN_ID_LEN,
    TokenRecord,
    create_token,
    hash_token,
    list_tokens,
    revoke_token,
    rotate_token,
)

__all__ = ["IDENTITY_KEY", "KEEP_EXPIRY", "LOOKUP_SECRET_KEY", "MIGRATIONS", "PUT_META", "ROLES", "SCHEMA_VERSION",
           "SITE_KEY", "TOKEN_ID_LEN", "EncodedEvent", "SiteStore", "StoreError", "TokenRecord", "connect",
           "counter_row", "create_token", "encode_event", "hash_token", "list_tokens", "migrate", "open_existing",
           "read_meta", "revoke_token", "rotate_token", "site_record", "ticket_from_row", "ticket_row"]
