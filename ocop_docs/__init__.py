"""ocop-docs: read Vietnamese administrative directives and track what they oblige whom to do."""

__version__ = "0.1.0"
