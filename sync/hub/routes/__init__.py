"""The hub's HTTP routes, one module per area; `sync.hub.app.create_app` includes them all."""
