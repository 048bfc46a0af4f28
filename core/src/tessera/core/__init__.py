"""Tessera kernel: sales data, plugin runtime, rollout, REST API and CLI."""

__version__ = "0.2.0"
