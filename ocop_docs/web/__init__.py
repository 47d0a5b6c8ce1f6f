"""The web application for clerks and coordinators (`ocop-docs serve`): upload, review and
correct extractions, the document registry, the obligations dashboard, the document graph,
reminder letters, and a JSON API under /api/. See ocop_docs.web.app.create_app."""
