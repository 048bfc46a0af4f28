"""The core REST API for the sales entities: ``/api/<resource>``.

Regions, teams, users, accounts, contacts, products, opportunities, activities
and tasks are each served by the same four routes (list with filters and
cursor pagination, read, create, update), built from one table of resources:

- ``registry.py``: the resources and what differs between them;
- ``shapes.py``: request and response shapes derived from the models;
- ``filters.py``, ``pagination.py``, ``references.py``: list filters, cursors,
  and refusing keys that name no record;
- ``crud.py``: the operations; ``router.py``: the routes.
"""

from __future__ import annotations

from tessera.core.api.resources.router import resources_router

__all__ = ["resources_router"]
