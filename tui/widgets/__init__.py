"""The desk's widgets, one per file."""
