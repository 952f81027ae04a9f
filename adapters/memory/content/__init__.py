"""The content context in memory: posts with their taggings, tags, and their query fakes."""
