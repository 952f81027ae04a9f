"""The domain: entities, value objects, domain errors and repository ports.

This package does no I/O and imports no framework, driver or ORM (see README.md here).
"""
