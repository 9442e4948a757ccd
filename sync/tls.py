"""HTTPS inside a center: a site CA, the hub's certificate, and the checks around them.

A center's LAN has no public names, so no public CA can certify its hub. `motcua tls init` makes a site
CA (long-lived; its key stays with the administrator) and a server certificate for the hub signed by it;
every device trusts that one CA (`[hub] ca_file`) and nothing else needs configuring. Renewing the hub's
certificate re-signs a new key with the same CA, so the devices keep working untouched.

The certificates themselves are made with the `cryptography` library; this module only chooses the
profile (ECDSA P-256, SHA-256, the extensions clients check) and writes the files (keys 0600).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from motcua.config import ConfigError
from sync.files import fsync_dir, open_private

log = logging.getLogger(__name__)

DEFAULT_DIR = Path("/etc/motcua/tls")
CA_CERT, CA_KEY, HUB_CERT, HUB_KEY = "ca.crt", "ca.key", "hub.crt", "hub.key"
CA_DAYS = 20 * 365
"""The site CA outlives the hardware: devices trust it once."""
SERVER_DAYS = 825
"""Under the 825-day ceiling some clients (Apple's) put on any server certificate, private CA or not."""
ALWAYS = ("localhost", "127.0.0.1")
"""Names every hub certificate carries, so tools on the hub PC itself can use https://localhost."""
CLOCK_SKEW = dt.timedelta(days=1)
"""Certificates start a day early: a kiosk whose clock runs behind must not refuse a fresh certificate."""
EXPIRY_WARNING_DAYS = 30


class TlsError(Exception):
    """The TLS files cannot be made or used; the message says which file and what to do."""


Key = ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class CertInfo:
    """What an operator needs to know about a certificate."""

    path: Path
    subject: str
    issuer: str
    names: tuple[str, ...]
    not_after: dt.datetime
    is_ca: bool

    def days_left(self, now: dt.datetime | None = None) -> int:
        """Whole days until it expires (negative: expired)."""
        return (self.not_after - (now or dt.datetime.now(dt.UTC))).days


@dataclass(frozen=True)
class SiteTls:
    """The four files of a center's TLS folder."""

    folder: Path

    @property
    def ca_cert(self) -> Path:
        """The site CA's certificate (public: goes to every device)."""
        return self.folder / CA_CERT

    @property
    def ca_key(self) -> Path:
        """The site CA's key (secret: only for renewals)."""
        return self.folder / CA_KEY

    @property
    def hub_cert(self) -> Path:
        """The hub's certificate."""
        return self.folder / HUB_CERT

    @property
    def hub_key(self) -> Path:
        """The hub's key (secret: hub PC only)."""
        return self.folder / HUB_KEY


# ---------------------------------------------------------------------------------------------- making
def split_hosts(hosts: list[str]) -> tuple[list[str], list[ipaddress.IPv4Address | ipaddress.IPv6Address]]:
    """Host names and IP addresses (the defaults added, duplicates dropped, order kept)."""
    names: list[str] = []
    ips: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for h in [*hosts, *ALWAYS]:
        h = h.strip().lower().rstrip(".")
        if not h:
            continue
        try:
            ip = ipaddress.ip_address(h.strip("[]"))
        except ValueError:
            if not all(part and len(part) <= 63 and part.replace("-", "").replace("_", "").isalnum()
                       for part in h.removeprefix("*.").split(".")):
                raise TlsError(f"--host {h!r}: not a host name or an IP address") from None
            if h not in names:
                names.append(h)
        else:
            if ip not in ips:
                ips.append(ip)
    return names, ips


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def make_ca(name: str, *, days: int = CA_DAYS, now: dt.datetime | None = None) -> tuple[Key, x509.Certificate]:
    """A new site CA: key and self-signed certificate (may sign server certificates only, path length 0)."""
    now = now or _now()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, name[:64]),
                         x509.NameAttribute(NameOID.COMMON_NAME, "motcua-edge site CA")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server_cert(ca_key: Key, ca_cert: x509.Certificate, *, hosts: list[str], days: int = SERVER_DAYS,
                     now: dt.datetime | None = None) -> tuple[Key, x509.Certificate]:
    """A new key and a server certificate for `hosts` (plus localhost and 127.0.0.1), signed by the CA."""
    now = now or _now()
    names, ips = split_hosts(hosts)
    key = ec.generate_private_key(ec.SECP256R1())
    first = hosts[0] if hosts else names[0]
    san = [x509.DNSName(n) for n in names] + [x509.IPAddress(ip) for ip in ips]
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    not_after = min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, first[:64])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - CLOCK_SKEW).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def _write(path: Path, data: bytes, *, secret: bool) -> None:
    """Write atomically (a renewal never leaves a half-written key); secrets 0600, certificates 0644."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    fd = open_private(tmp)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if not secret:
        os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_key(path: Path, key: Key) -> None:
    """A private key as PEM (PKCS#8, unencrypted: the hub starts unattended), mode 0600."""
    _write(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()), secret=True)


def write_cert(path: Path, cert: x509.Certificate) -> None:
    """A certificate as PEM, mode 0644 (public)."""
    _write(path, cert.public_bytes(serialization.Encoding.PEM), secret=False)


def _load_ca(files: SiteTls) -> tuple[Key, x509.Certificate]:
    if not files.ca_key.exists():
        raise TlsError(f"{files.ca_key}: không có khóa CA; mang ca.key về thư mục này để gia hạn / "
                       f"the CA key is not here; bring ca.key back to this folder to renew")
    try:
        key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise TlsError(f"{files.folder}: cannot read the site CA ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != cert.public_key():
        raise TlsError(f"{files.ca_key}: this key does not belong to {files.ca_cert}")
    return key, cert


def init_site_tls(folder: str | Path, *, hosts: list[str], name: str, server_days: int = SERVER_DAYS,
                  ca_days: int = CA_DAYS, now: dt.datetime | None = None) -> tuple[SiteTls, bool]:
    """Make the site CA (unless the folder has one) and the hub's certificate; (files, whether the CA is new).

    Refuses to overwrite an existing hub certificate (that is `renew_server_cert`).
    """
    files = SiteTls(Path(folder))
    if files.hub_cert.exists() or files.hub_key.exists():
        raise TlsError(f"{files.hub_cert}: đã có chứng chỉ máy chủ trạm; dùng `motcua tls renew` / "
                       f"the hub already has a certificate; use `motcua tls renew`")
    files.folder.mkdir(parents=True, exist_ok=True)
    new_ca = not files.ca_cert.exists()
    if new_ca:
        if files.ca_key.exists():
            raise TlsError(f"{files.ca_key}: a CA key without its certificate ca.crt; move it away first")
        ca_key, ca_cert = make_ca(name, days=ca_days, now=now)
        write_key(files.ca_key, ca_key)
        write_cert(files.ca_cert, ca_cert)
    else:
        ca_key, ca_cert = _load_ca(files)
    key, cert = make_server_cert(ca_key, ca_cert, hosts=hosts, days=server_days, now=now)
    write_key(files.hub_key, key)
    write_cert(files.hub_cert, cert)
    return files, new_ca


def renew_server_cert(folder: str | Path, *, hosts: list[str] | None = None, days: int = SERVER_DAYS,
                      now: dt.datetime | None = None) -> SiteTls:
    """A new key and certificate for the hub from the same CA; the old names unless `hosts` is given."""
    files = SiteTls(Path(folder))
    ca_key, ca_cert = _load_ca(files)
    if not hosts:
        if not files.hub_cert.exists():
            raise TlsError(f"{files.hub_cert}: no certificate to renew; give --host (or run `motcua tls init`)")
        hosts = list(cert_info(files.hub_cert).names)
    key, cert = make_server_cert(ca_key, ca_cert, hosts=hosts, days=days, now=now)
    # The key first: a crash between the two leaves the old certificate with a new key, which the hub
    # refuses at start with a clear error (check_server_files), rather than a silent mismatch later.
    write_key(files.hub_key, key)
    write_cert(files.hub_cert, cert)
    return files


# ---------------------------------------------------------------------------------------------- reading
def cert_info(path: str | Path) -> CertInfo:
    """Subject, issuer, names and expiry of a PEM certificate."""
    p = Path(path)
    try:
        cert = x509.load_pem_x509_certificate(p.read_bytes())
    except (OSError, ValueError) as exc:
        raise TlsError(f"{p}: not a readable PEM certificate ({exc})") from None
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = tuple([*san.get_values_for_type(x509.DNSName), *(str(ip) for ip in san.get_values_for_type(x509.IPAddress))])
    except x509.ExtensionNotFound:
        names = ()
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    return CertInfo(p, cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), names,
                    cert.not_valid_after_utc, is_ca)


def _resolve(value: str, base: Path | None) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() or base is None else base / p


def resolve_ca_file(value: str | None, *, base: Path | None, path: str | Path, key: str) -> str | None:
    """A CA file named in a config file, made absolute (relative to `base`); ConfigError if it is unusable."""
    if not value:
        return None
    p = _resolve(value, base)
    try:
        ssl.create_default_context(cafile=str(p))
    except FileNotFoundError:
        raise ConfigError(path, key, f"no such file {str(p)!r} (the site's ca.crt from `motcua tls init`)") from None
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(path, key, f"{str(p)!r} is not a readable PEM certificate ({exc})") from None
    return str(p)


def check_server_files(cert: str, key: str, *, base: Path | None, path: str | Path,
                       keys: tuple[str, str] = ("tls.cert", "tls.key")) -> tuple[str, str]:
    """Load a certificate and its key the way the server will; absolute paths, or ConfigError naming the key.

    uvicorn would otherwise stop with a traceback; and a certificate close to expiry is logged.
    """
    c, k = _resolve(cert, base), _resolve(key, base)
    for p, name in ((c, keys[0]), (k, keys[1])):
        if not p.is_file():
            raise ConfigError(path, name, f"no such file {str(p)!r} (made by `motcua tls init`)")
        if not os.access(p, os.R_OK):
            raise ConfigError(path, name, f"{str(p)!r} is not readable by this user (chown it to the hub's user)")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(str(c), str(k))
    except ssl.SSLError as exc:
        raise ConfigError(path, keys[1], f"{str(k)!r} does not match the certificate {str(c)!r} or is not a "
                                         f"PEM key ({exc.reason or exc})") from None
    try:
        info = cert_info(c)
    except TlsError as exc:
        raise ConfigError(path, keys[0], str(exc)) from None
    left = info.days_left()
    if left < 0:
        raise ConfigError(path, keys[0], f"{str(c)!r} expired on {info.not_after:%Y-%m-%d}; "
                                         "run `motcua tls renew`")
    if left < EXPIRY_WARNING_DAYS:
        log.warning("the certificate %s expires in %d days: run `motcua tls renew`", c, left)
    return str(c), str(k)


def is_loopback_url(url: str) -> bool:
    """Whether a URL points at this machine (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def central_url_problem(url: str, *, allow_insecure: bool) -> str | None:
    """Why the hub must not send to this central server URL, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"expected an address like https://central.example.gov.vn, got {url!r}"
    if parts.scheme == "http" and not allow_insecure and not is_loopback_url(url):
        return (f"{url!r} is plain http:// to another machine: dossiers and citizens' data would cross the "
                "network unencrypted. Use https:// (and ca_file for a private CA), or set allow_insecure = true "
                "if the link is protected otherwise (a VPN)")
    return None
