"""Declared list pages shared by the apps (filters, sort, pagination, CSV/XLSX exports)."""
