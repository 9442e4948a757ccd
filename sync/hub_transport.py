"""What `motcua hub` checks before it starts: how it listens ([tls], [public]) and how it reaches the
central server ([central]), from the site file and the command line's overrides. `motcua hub --check-config`
(sync.check_config) runs the same checks on the site file alone."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from motcua.config import ConfigError, SiteConfig

if TYPE_CHECKING:
    from sync.server import Listener


@dataclass
class Transport:
    """How the hub listens and how it reaches the central server, checked before anything starts."""

    certfile: str | None = None
    keyfile: str | None = None
    public: Listener | None = None
    """The public pages' own listener (its app is filled in once the hub exists)."""
    public_on_main: bool = True
    central_url: str = ""
    central_ca_file: str | None = None


def check_transport(config: SiteConfig, config_path: str | Path, args: argparse.Namespace | None = None) -> Transport:
    """Resolve and check [tls], [public] and [central] with the command line's overrides (none: the site
    file alone, as `--check-config` sees it); ConfigError names the file (or the option) and the key of the
    first problem."""
    from sync.server import Listener
    from sync.tls import central_url_problem, check_server_files, resolve_ca_file

    if args is None:
        args = argparse.Namespace(tls_cert=None, tls_key=None, public_port=None, public_host=None, no_public_on_main=False,
                                  port=8470, host="0.0.0.0", central=None, central_ca_file=None,
                                  allow_insecure_central=False)
    base = Path(config_path).resolve().parent
    t = Transport()
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            raise ConfigError("motcua hub", "--tls-cert/--tls-key", "give both the certificate and its key")
        t.certfile, t.keyfile = check_server_files(args.tls_cert, args.tls_key, base=Path.cwd(), path="motcua hub",
                                                   keys=("--tls-cert", "--tls-key"))
    elif config.tls is not None:
        t.certfile, t.keyfile = check_server_files(config.tls.cert, config.tls.key, base=base, path=config_path)
    pub = config.public
    port = args.public_port if args.public_port is not None else pub.port
    if port is not None:
        cert = key = None
        if pub.tls_cert:
            cert, key = check_server_files(pub.tls_cert, pub.tls_key, base=base, path=config_path,
                                           keys=("public.tls_cert", "public.tls_key"))
        host = args.public_host or pub.host
        if port == args.port:
            raise ConfigError(config_path if args.public_port is None else "motcua hub",
                              "public.port" if args.public_port is None else "--public-port",
                              f"{port} is the main listener's port; the public pages need a port of their own")
        t.public = Listener(None, host, port, cert, key)
        t.public_on_main = pub.on_main and not args.no_public_on_main
    elif args.no_public_on_main:
        raise ConfigError("motcua hub", "--no-public-on-main", "the public pages need a listener: give --public-port")
    from_flag = args.central is not None
    t.central_url = args.central if from_flag else config.central.url
    if t.central_url:
        problem = central_url_problem(t.central_url, allow_insecure=config.central.allow_insecure or args.allow_insecure_central)
        if problem:
            if from_flag:
                raise ConfigError("motcua hub", "--central", problem.replace("set allow_insecure = true",
                                                                             "add --allow-insecure-central"))
            raise ConfigError(config_path, "central.url", problem.replace("set allow_insecure = true",
                                                                          "set [central] allow_insecure = true"))
    if args.central_ca_file:
        t.central_ca_file = resolve_ca_file(args.central_ca_file, base=Path.cwd(), path="motcua hub", key="--central-ca-file")
    else:
        t.central_ca_file = resolve_ca_file(config.central.ca_file, base=base, path=config_path, key="central.ca_file")
    return t
