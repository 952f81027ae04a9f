"""The content context's mapping: `Post` with its taggings (the post_tags rows), and `Tag`.

A post owns its taggings (`delete-orphan`: a tag taken off a post is its row deleted); the
relationship is `lazy="raise"`, loaded with `selectinload` whenever the repository loads a
post. Posts use `version_id_col` without a generator: the domain bumps `Post.version` on every
change, and the ORM guards each UPDATE of a post with the version it loaded (a stale one is
`StaleVersion`). A view is counted by a Core UPDATE that never touches the version.
"""

from __future__ import annotations

from sqlalchemy.orm import registry, relationship

from adapters.sqlalchemy.content.tables import post_tags, posts, tags
from adapters.sqlalchemy.mappers import context_mapping
from domain.content.post import Post, Tagging
from domain.content.tag import Tag

__all__ = ["map_content"]


@context_mapping
def map_content(mappers: registry) -> None:
    mappers.map_imperatively(Tag, tags)
    mappers.map_imperatively(Tagging, post_tags)
    mappers.map_imperatively(
        Post,
        posts,
        properties={
            "taggings": relationship(
                Tagging,
                lazy="raise",
                cascade="all, delete-orphan",
                order_by=post_tags.c.id,
                passive_deletes=True,
            ),
        },
        version_id_col=posts.c.version,
        version_id_generator=False,
    )
