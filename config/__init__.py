"""Configuration: settings classes by name, selected by the TRACKER_ENV environment variable."""

from config.settings import Development, Production, Settings, Test

CONFIGS: dict[str, type[Settings]] = {
    "development": Development,
    "test": Test,
    "production": Production,
}

ENV_VAR = "TRACKER_ENV"


class ConfigurationError(RuntimeError):
    """Raised when the configuration cannot be used (unknown name, missing or unsafe value)."""


def settings_class(name: str | None) -> type[Settings]:
    """Return the settings class for a configuration name; an unknown name is an error, never a fallback."""
    key = (name or "development").strip().lower()
    try:
        return CONFIGS[key]
    except KeyError:
        known = ", ".join(sorted(CONFIGS))
        raise ConfigurationError(f"{ENV_VAR}={name!r} is not a known configuration (known: {known})") from None
