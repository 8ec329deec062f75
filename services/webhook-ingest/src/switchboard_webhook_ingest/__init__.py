"""The webhook-ingest service."""
