"""The command-control service."""
