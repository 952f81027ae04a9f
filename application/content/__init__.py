"""Content use cases: posts, tags, publishing and the trash; and the content read side."""
