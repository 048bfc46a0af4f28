"""The kernel's REST API."""
