"""The resident process: `rb` commands served by a warm, forked process (docs/resident.md)."""
