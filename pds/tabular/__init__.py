"""Records as CSV: the flat view of JSON records.

``plan`` says how records fill the columns of a collection's tables and makes their
CSV text; ``workers`` makes that text in worker processes beside the exporting one
(the export's hot path runs on every core). The package imports nothing of pds but
``pds.errors``, so that a worker process starts with it and ``orjson`` alone.
"""

from pds.tabular.plan import Column, CsvPlan, Table, cell, csv_line, is_formula
from pds.tabular.workers import CsvWorkers

__all__ = ["Column", "CsvPlan", "CsvWorkers", "Table", "cell", "csv_line", "is_formula"]
