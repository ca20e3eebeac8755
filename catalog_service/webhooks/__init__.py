"""Webhooks to e-shops (Standard Webhooks): endpoints, an outbox of events, deliveries by the job queue."""
