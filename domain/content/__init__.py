"""The content context: posts, their tags, publishing, the trash."""
