"""The Safeguarding Case Review Tracker web application (the factory is app.factory.create_app).

This package module imports nothing, so importing a pure rule module (app.reviews.lifecycle) loads only what
that module needs, never the whole web stack.
"""
