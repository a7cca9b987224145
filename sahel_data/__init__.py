"""Data access for the dashboard: the table contract, loading and validation of ``data/``."""

from sahel_data.load import Catalog, load_catalog, validate
from sahel_data.problems import DataError, Problem

__all__ = ["Catalog", "DataError", "Problem", "load_catalog", "validate"]
