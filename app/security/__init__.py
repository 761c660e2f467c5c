"""Web-facing security controls that cut across every domain: response headers, session timeouts, open-redirect
refusal, per-address throttling and the production start-up checks. The controls, their ASVS requirements and
their tests are listed in docs/SECURITY.md."""
