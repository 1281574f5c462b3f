"""Loading data files (CSV, JSONL) into the database: every row accounted for.

``tally`` holds what a feature's import service reports (rows inserted, updated, skipped,
rejected); ``runner`` reads the file, writes it in one transaction and tells the operator
(docs/imports.md).
"""
