"""Assortment versions: the published, immutable content each e-shop may sell."""
