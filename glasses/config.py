"""The whole configuration: one section per component, from a file and the
environment, validated with errors that say which key, what is wrong and
what is allowed.

Every environment variable the project reads is declared here:

- ``GLASSES_CONFIG``: path of a YAML config file (``--config`` wins);
- ``GLASSES__<SECTION>__<KEY>[__<KEY>...]``: override one value, e.g.
  ``GLASSES__SERVER__PORT=6000`` or ``GLASSES__EDGE__CONSENT__REGION=CA``;
  values are parsed as YAML scalars/lists (``[assist, history]``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from core.errors import ConfigError
from edge.config import EdgeConfig
from glasses.app.config import CompanionConfig
from models.config import ModelsConfig
from server.config import ServerConfig

ENV_CONFIG_FILE = "GLASSES_CONFIG"
ENV_PREFIX = "GLASSES__"


class AppConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    edge: EdgeConfig = EdgeConfig()
    server: ServerConfig = ServerConfig()
    models: ModelsConfig = ModelsConfig()
    app: CompanionConfig = CompanionConfig()


def _env_overrides(environ: dict[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__") if k]
        node = tree
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = yaml.safe_load(raw) if raw.strip() else raw
    return tree


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _explain(exc: ValidationError, origin: str) -> str:
    lines = [f"invalid configuration ({origin}):"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        allowed = ""
        ctx = err.get("ctx") or {}
        if "expected" in ctx and str(ctx["expected"]) not in err["msg"]:
            allowed = f"; allowed: {ctx['expected']}"
        elif err["type"] == "extra_forbidden":
            allowed = "; this key is not known (check its spelling and section)"
        value = err.get("input")
        shown = "" if isinstance(value, dict) else f" (got {value!r})"
        lines.append(f"  {key}: {err['msg']}{shown}{allowed}")
    return "\n".join(lines)


def load_config(
    path: str | Path | None = None,
    environ: dict[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
) -> AppConfig:
    """Built-in defaults < ``defaults`` (a command's own) < YAML file <
    ``GLASSES__...`` environment < explicit ``overrides`` (command-line flags)."""
    environ = dict(os.environ if environ is None else environ)
    path = path or environ.get(ENV_CONFIG_FILE)
    data: dict[str, Any] = {}
    origin = "defaults"
    if path:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"config file '{file}' does not exist; pass an existing YAML file")
        try:
            data = yaml.safe_load(file.read_text()) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file '{file}' is not valid YAML: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigError(f"config file '{file}' must hold a mapping of sections")
        origin = str(file)
    env = _env_overrides(environ)
    if env:
        origin += " + GLASSES__* environment"
    data = _merge(_merge(_merge(defaults or {}, data), env), overrides or {})
    try:
        return AppConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, origin)) from None


def from_args(args, defaults: dict | None = None, overrides: dict | None = None) -> AppConfig:  # noqa: ANN001 - argparse.Namespace
    """The configuration the command line names (``--config``), ``overrides`` over it."""
    return load_config(args.config, defaults=defaults, overrides=overrides)


def edge_from_args(args, **fields: str | None) -> EdgeConfig:  # noqa: ANN001 - argparse.Namespace
    """The ``edge`` section, with the command line's ``--server``/``--token`` over it."""
    given = {key: value for key, value in fields.items() if value}
    return from_args(args, overrides={"edge": given} if given else None).edge
