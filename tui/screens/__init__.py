"""The desk's screens, one per file."""
