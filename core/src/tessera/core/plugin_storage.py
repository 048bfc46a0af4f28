"""A plugin's own tables, as :attr:`tessera.sdk.PluginContext.storage` hands them out.

A plugin builds SQLAlchemy Core statements from the tables :meth:`PluginTables.table`
reflects, and runs them with :meth:`PluginTables.execute` in the request's
transaction. Before running a statement, every table it names is checked to be
the plugin's own (see :func:`tessera.sdk.plugin_table_name`); SQL given as text
cannot be checked and is refused.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sqlalchemy import ColumnClause, MetaData, Result, Table, TableClause, TextClause
from sqlalchemy.exc import NoSuchTableError
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import CompoundSelect, Delete, Executable, Insert, Select, Update
from sqlmodel import Session

from tessera.core.errors import NotFoundError
from tessera.core.plugin_migrations import is_plugin_table
from tessera.sdk import PluginPermissionError, plugin_table_name

_STATEMENTS: Final = (Select, CompoundSelect, Insert, Update, Delete)
# literal_column() text that names a column or "*" (as in func.count()), not SQL.
_PLAIN_LITERAL: Final = re.compile(r"^(\*|[A-Za-z_][A-Za-z0-9_]*)$")


class PluginTables:
    """Implements :class:`tessera.sdk.PluginStorage` for one plugin in one session."""

    def __init__(self, session: Session, plugin: str) -> None:
        self._session = session
        self._plugin = plugin
        self._metadata = MetaData()

    def table(self, name: str) -> Table:
        full_name = plugin_table_name(self._plugin, name)
        if full_name in self._metadata.tables:
            return self._metadata.tables[full_name]
        try:
            return Table(full_name, self._metadata, autoload_with=self._session.connection())
        except NoSuchTableError as err:
            raise NotFoundError(
                f"Plugin '{self._plugin}' has no table '{name}' ({full_name}); "
                f"create it in one of the plugin's migrations"
            ) from err

    def execute(self, statement: Executable) -> Result[Any]:
        if not isinstance(statement, _STATEMENTS):
            raise TypeError(
                f"Plugin '{self._plugin}': storage runs select, insert, update and delete statements "
                f"built from storage.table(...), not {type(statement).__name__}"
            )
        for element in visitors.iterate(statement):
            self._check(element)
        return self._session.connection().execute(statement)

    def _check(self, element: Any) -> None:
        if isinstance(element, TableClause):
            if element.schema is not None or not is_plugin_table(self._plugin, element.name):
                shown = f"{element.schema}.{element.name}" if element.schema else element.name
                raise PluginPermissionError(self._plugin, f"table:{shown}")
        elif isinstance(element, TextClause) or (
            isinstance(element, ColumnClause)
            and element.is_literal
            and not _PLAIN_LITERAL.match(element.name)
        ):
            raise TypeError(
                f"Plugin '{self._plugin}': storage cannot check SQL given as text ({element}); "
                f"build the statement from storage.table(...) instead"
            )
