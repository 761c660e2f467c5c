"""Users, roles, scopes and the Flask-Security-Too wiring."""
