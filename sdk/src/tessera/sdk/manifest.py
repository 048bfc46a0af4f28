"""Plugin manifests: ``plugin.json`` beside a plugin package's ``__init__.py``.

The manifest is data, read and validated before any of the plugin's code runs::

    {
      "name": "hello",
      "version": "1.0.0",
      "description": "Says hello.",
      "sdk": ">=0.2,<0.3",
      "requires": {"commission": ">=0.2"},
      "permissions": {"read": ["users"], "write": [], "network": false},
      "config_schema": {"type": "object"},
      "default_config": {}
    }

:data:`MANIFEST_SCHEMA` is the JSON Schema of that file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import jsonschema
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable

from tessera.sdk.errors import ManifestError

MANIFEST_FILE: Final = "plugin.json"
MANIFEST_SCHEMA: Final[Mapping[str, Any]] = json.loads(
    files("tessera.sdk").joinpath("manifest.schema.json").read_text(encoding="utf-8")
)


@dataclass(frozen=True)
class Permissions:
    """The entities a plugin may read and write, and whether it may use the network."""

    read: frozenset[str] = frozenset()
    write: frozenset[str] = frozenset()
    network: bool = False


@dataclass(frozen=True)
class Manifest:
    """A validated ``plugin.json``."""

    name: str
    version: str
    description: str
    sdk: str
    requires: Mapping[str, str] = field(default_factory=dict)
    permissions: Permissions = Permissions()
    config_schema: Mapping[str, Any] = field(default_factory=dict)
    default_config: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sdk_range(self) -> SpecifierSet:
        return SpecifierSet(self.sdk)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = MANIFEST_FILE) -> Manifest:
        """Validate ``data`` against :data:`MANIFEST_SCHEMA` and the rules JSON Schema cannot say."""
        problems = schema_problems(MANIFEST_SCHEMA, data)
        if not problems:
            problems = _semantic_problems(data)
        if problems:
            raise ManifestError(source, problems)
        permissions = data.get("permissions", {})
        return cls(
            name=data["name"],
            version=str(Version(data["version"])),
            description=data["description"],
            sdk=data["sdk"],
            requires=dict(data.get("requires", {})),
            permissions=Permissions(
                read=frozenset(permissions.get("read", ())),
                write=frozenset(permissions.get("write", ())),
                network=bool(permissions.get("network", False)),
            ),
            config_schema=data.get("config_schema", {}),
            default_config=data.get("default_config", {}),
        )

    @classmethod
    def load(cls, package_dir: Path) -> Manifest:
        """Read and validate ``package_dir/plugin.json``."""
        path = package_dir / MANIFEST_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise ManifestError(str(path), [f"no {MANIFEST_FILE}: a plugin package needs one"]) from err
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
            raise ManifestError(str(path), [f"not a JSON document in UTF-8 we can read: {err}"]) from err
        return cls.from_dict(data, source=str(path))


def _no_retrieval(uri: str) -> Resource[Any]:
    raise NoSuchResource(uri)


def config_validator(schema: Mapping[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for a plugin's configuration schema that never fetches remote ``$ref``s:
    schemas must be self-contained (use ``$defs``)."""
    registry: Registry[Any] = Registry(retrieve=_no_retrieval)  # type: ignore[call-arg]  # attrs alias mypy cannot see
    return jsonschema.Draft202012Validator(schema, registry=registry)


def schema_problems(schema: Mapping[str, Any], document: Any, *, prefix: str = "$") -> list[str]:
    """Every way ``document`` breaks ``schema``, each with its JSON path under ``prefix``."""
    try:
        errors = sorted(config_validator(schema).iter_errors(document), key=lambda e: e.json_path)
    except Unresolvable as err:
        return [f"{prefix}: the schema refers to {err.ref!r}, which is not in the schema; use $defs"]
    except RecursionError:
        return [f"{prefix}: the document is nested too deeply to check"]
    return [f"{prefix}{e.json_path[1:]}: {e.message}" for e in errors]


def _semantic_problems(data: Mapping[str, Any]) -> list[str]:
    problems = []
    try:
        Version(data["version"])
    except InvalidVersion:
        problems.append(f"$.version: {data['version']!r} is not a PEP 440 version, e.g. 1.0.0")
    ranges = {"$.sdk": data["sdk"]} | {f"$.requires.{k}": v for k, v in data.get("requires", {}).items()}
    for path, value in ranges.items():
        try:
            SpecifierSet(value)
        except InvalidSpecifier:
            problems.append(f"{path}: {value!r} is not a PEP 440 version range, e.g. >=1.0,<2")
    if data["name"] in data.get("requires", {}):
        problems.append("$.requires: a plugin cannot require itself")
    problems += [
        f"$.config_schema: $ref {ref!r} points outside the schema; schemas must be self-contained (use $defs)"
        for ref in _refs(data.get("config_schema", {}))
        if not ref.startswith("#")
    ]
    try:
        jsonschema.Draft202012Validator.check_schema(data.get("config_schema", {}))
    except jsonschema.SchemaError as err:
        problems.append(f"$.config_schema: not a valid JSON Schema: {err.message}")
    else:
        problems += schema_problems(
            data.get("config_schema", {}), data.get("default_config", {}), prefix="$.default_config"
        )
    return problems


def _refs(node: Any) -> list[str]:
    """Every ``$ref`` value anywhere in a schema."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []
