"""Plugin dependencies: a manifest's ``requires`` maps plugin names to PEP 440 ranges.

:func:`check_dependencies` resolves a version about to be installed against the
versions already installed (with resolvelib, pip's resolver) and refuses a
missing, conflicting or cyclic dependency with the chain that caused it.
:func:`dependency_order` orders plugins so that dependencies load first, and
:func:`dependents_of` says which enabled plugins need a plugin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from typing import Any, Final

from packaging.specifiers import SpecifierSet
from packaging.version import Version
from resolvelib import AbstractProvider, BaseReporter, ResolutionImpossible, Resolver
from resolvelib.structs import RequirementInformation
from sqlmodel import Session, col, select

from tessera.core.errors import InputError
from tessera.core.models import PluginVersion
from tessera.sdk import Manifest

# States whose versions can satisfy a dependency: not removed, not failed.
AVAILABLE_STATES: Final = ("installed", "enabled", "disabled")


class DependencyCycleError(InputError):
    """Plugins depend on each other in a circle; ``cycle`` lists it, e.g. ``["a", "b", "a"]``."""

    def __init__(self, cycle: list[str], *, installing: str | None = None) -> None:
        refused = f"Plugin {installing} cannot be installed: p" if installing else "P"
        super().__init__(
            f"{refused}lugins would depend on each other in a cycle: {' → '.join(cycle)}; "
            f"remove one of these entries from the plugins' requires"
        )
        self.cycle = cycle


@dataclass(frozen=True)
class _Candidate:
    name: str
    version: Version
    requires: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class _Requirement:
    name: str
    specifier: SpecifierSet

    def __str__(self) -> str:
        return f"{self.name}{self.specifier}" if self.specifier else f"{self.name} (any version)"


def check_dependencies(*, session: Session, manifest: Manifest) -> None:
    """Refuse ``manifest`` unless its dependencies resolve among the available versions."""
    candidates = _available(session)
    new = _candidate(manifest.name, manifest.version, manifest.requires)
    candidates.setdefault(new.name, []).append(new)
    resolved = _resolve(new, candidates)
    try:
        _order(_graph(resolved))
    except DependencyCycleError as err:
        raise DependencyCycleError(err.cycle, installing=str(new)) from None


def _resolve(new: _Candidate, candidates: Mapping[str, list[_Candidate]]) -> list[_Candidate]:
    """One version of each plugin ``new`` needs, directly or not; else an :class:`InputError`."""
    reporter = _ChainReporter()
    # The resolver stops at the first failure: name every requirement nothing meets at once.
    unmet = [
        RequirementInformation(r, new)
        for r in _requirements(new)
        if not any(_satisfies(r.specifier, c.version) for c in candidates.get(r.name, []))
    ]
    if unmet:
        raise InputError(_unresolvable(new, unmet, reporter, candidates))
    resolver: Resolver[_Requirement, _Candidate, str] = Resolver(_Provider(candidates), reporter)
    try:
        result = resolver.resolve([_Requirement(new.name, SpecifierSet(f"=={new.version}"))])
    except ResolutionImpossible as err:
        raise InputError(_unresolvable(new, err.causes, reporter, candidates)) from err
    return list(result.mapping.values())


def dependency_order(manifests: Iterable[Manifest]) -> list[str]:
    """Plugin names, each after the plugins it requires; :class:`DependencyCycleError` on a cycle.

    Several versions of one plugin count as one node with all their requirements;
    requirements on plugins not given are ignored (they are checked at install).
    """
    return _order(_graph(manifests))


def _order(graph: Mapping[str, set[str]]) -> list[str]:
    known = set(graph)
    sorter = TopologicalSorter({name: set(graph[name]) & known for name in sorted(known)})
    try:
        return list(sorter.static_order())
    except CycleError as err:
        # graphlib lists each node before the one that requires it; read it the other way.
        raise DependencyCycleError(list(reversed(err.args[1]))) from err


def dependents_of(session: Session, name: str, *, version: str | None = None) -> list[PluginVersion]:
    """The enabled versions of other plugins that require ``name``.

    With ``version``, only those that ``version`` (if enabled) satisfies and no
    other enabled version of ``name`` would: the ones left without ``name`` if it went.
    """
    rows = session.exec(select(PluginVersion).where(PluginVersion.state == "enabled")).all()
    needing = [row for row in rows if row.name != name and name in _requires(row)]
    if version is None:
        return needing
    enabled = [row.version for row in rows if row.name == name]
    if version not in enabled:
        return []
    others = [v for v in enabled if v != version]

    def left_without(row: PluginVersion) -> bool:
        wanted = SpecifierSet(_requires(row)[name])
        return _satisfies(wanted, version) and not any(_satisfies(wanted, o) for o in others)

    return [row for row in needing if left_without(row)]


def _satisfies(specifier: SpecifierSet, version: str | Version) -> bool:
    return specifier.contains(version, prereleases=True)


def _requirements(candidate: _Candidate) -> list[_Requirement]:
    return [_Requirement(name, SpecifierSet(spec)) for name, spec in candidate.requires]


def _available_rows(session: Session) -> Sequence[PluginVersion]:
    return session.exec(select(PluginVersion).where(col(PluginVersion.state).in_(AVAILABLE_STATES))).all()


def _available(session: Session) -> dict[str, list[_Candidate]]:
    candidates: dict[str, list[_Candidate]] = {}
    for row in _available_rows(session):
        candidates.setdefault(row.name, []).append(_candidate(row.name, row.version, _requires(row)))
    return candidates


def _requires(row: PluginVersion) -> dict[str, str]:
    requires: dict[str, str] = row.manifest.get("requires", {})
    return requires


def _candidate(name: str, version: str, requires: Mapping[str, str]) -> _Candidate:
    return _Candidate(name, Version(version), tuple(sorted(requires.items())))


def _graph(plugins: Iterable[Manifest | _Candidate]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for plugin in plugins:
        requires = plugin.requires if isinstance(plugin, Manifest) else dict(plugin.requires)
        graph.setdefault(plugin.name, set()).update(requires)
    return graph


class _Provider(AbstractProvider[_Requirement, _Candidate, str]):
    def __init__(self, candidates: Mapping[str, list[_Candidate]]) -> None:
        self._candidates = candidates

    def identify(self, requirement_or_candidate: _Requirement | _Candidate) -> str:
        return requirement_or_candidate.name

    def get_preference(self, identifier: str, *_args: Any, **_kwargs: Any) -> str:
        return identifier

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[_Requirement]],
        incompatibilities: Mapping[str, Iterator[_Candidate]],
    ) -> list[_Candidate]:
        wanted = list(requirements[identifier])
        excluded = set(incompatibilities[identifier])
        matches = [
            c
            for c in self._candidates.get(identifier, [])
            if c not in excluded and all(self.is_satisfied_by(r, c) for r in wanted)
        ]
        return sorted(matches, key=lambda c: c.version, reverse=True)

    def is_satisfied_by(self, requirement: _Requirement, candidate: _Candidate) -> bool:
        return _satisfies(requirement.specifier, candidate.version)

    def get_dependencies(self, candidate: _Candidate) -> list[_Requirement]:
        return _requirements(candidate)


class _ChainReporter(BaseReporter[_Requirement, _Candidate, str]):
    """Remembers which version first asked for each plugin, to explain a failure."""

    def __init__(self) -> None:
        self.asked_by: dict[str, _Candidate] = {}

    def adding_requirement(self, requirement: _Requirement, parent: _Candidate | None) -> None:
        if parent is not None and parent.name != requirement.name:
            self.asked_by.setdefault(requirement.name, parent)

    def chain(self, candidate: _Candidate) -> list[_Candidate]:
        chain = [candidate]
        while (parent := self.asked_by.get(chain[0].name)) is not None and parent not in chain:
            chain.insert(0, parent)
        return chain


def _unresolvable(
    new: _Candidate,
    causes: Iterable[RequirementInformation[_Requirement, _Candidate]],
    reporter: _ChainReporter,
    candidates: Mapping[str, list[_Candidate]],
) -> str:
    lines = []
    for requirement, parent in causes:
        if parent is None:
            continue
        versions = candidates.get(requirement.name, [])
        installed = ", ".join(f"{c} (being installed)" if c == new else str(c) for c in versions) or "none"
        path = " → ".join(str(c) for c in reporter.chain(parent))
        lines.append(f"  {path} requires {requirement}, installed: {installed}")
    return (
        f"Plugin {new} cannot be installed: its plugin dependencies cannot be met:\n"
        + "\n".join(dict.fromkeys(lines))
        + "\nInstall a version of each named plugin that satisfies its range, or change the ranges in requires."
    )
