"""Developer and test helpers: throwaway Redis, PostgreSQL, SMTP sink, Chromium launch and a process manager.

These modules start real services on loopback, on free ports chosen at run time, for the test suite and
`make run`. They are never imported by `app/` or `workflows/`: production code must not depend on them, and
nothing here is safe to expose beyond 127.0.0.1.
"""
