"""People, roles and API tokens (for people and for supplier e-shops)."""
