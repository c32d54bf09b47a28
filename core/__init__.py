"""The shared toolbox every app uses; it depends on no app of ours (the import contract in
pyproject.toml says so): command-line progress, rate limiting and the client's address, absolute
URLs from the site origin, the i18n helpers for translated pages, the one CSV/XLSX writer, and the
demo-data loader that runs every app's ``demo`` module, and the anonymous whole-page cache with its
content version (a Django app, label ``core``, for that model).
"""
