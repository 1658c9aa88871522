"""Importers: bring records from other formats into the store, all or nothing."""
