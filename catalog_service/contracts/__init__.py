"""Contracts: procured models, base colours, prices and validity."""
