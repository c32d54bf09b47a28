"""Development-only tools: the benchmark commands and their helpers. Installed by the dev and test
settings, never by production (``website/settings/production.py`` does not add it)."""
