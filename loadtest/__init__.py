"""The load test (`make load-test`): the production shape on this machine driven by locust (docs/LOADTEST.md)."""
