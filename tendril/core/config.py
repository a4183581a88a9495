"""Typed readers for the environment: every setting Tendril takes comes through here.

A malformed value raises ``ConfigError`` with one line naming the variable, so the CLI can stop
start-up with that line instead of a traceback.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from tendril.core.files import private_dir, private_write


class ConfigError(Exception):
    """A setting in the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def env_url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    """A URL whose scheme is one of ``schemes``; empty means "not configured"."""
    raw = env_str(name, default)
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ConfigError(f"{name} must start with one of {allowed} (got {raw!r})")
    if parts.scheme not in {"sqlite", "file"} and not parts.hostname and parts.scheme != "console":
        raise ConfigError(f"{name} has no host name (got {raw!r})")
    try:
        _ = parts.port
    except ValueError:
        raise ConfigError(f"{name} has a port that is not a number (got {raw!r})") from None
    return raw


def secret_key(var_dir: Path) -> str:
    """``TENDRIL_SECRET_KEY``, or a key generated once and kept in ``var/`` for a local install."""
    configured = env_str("TENDRIL_SECRET_KEY")
    if configured:
        if len(configured) < 20:
            raise ConfigError("TENDRIL_SECRET_KEY must be at least 20 characters long")
        return configured
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    private_dir(var_dir)
    key = secrets.token_urlsafe(48)
    private_write(key_file, key)
    return key
