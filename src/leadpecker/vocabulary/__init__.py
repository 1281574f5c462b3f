"""The words leadpecker and its clients share, each defined once.

- ``enums``: every closed set of wire strings — statuses, interest levels, activity kinds,
  enrichment statuses, ledger kinds, roles — as ``StrEnum`` types whose values are exactly
  what the API and the database hold;
- ``prospect_fields``: the catalogue of a prospect's fields — which are free text, which a
  search may name, which it may sort by, which are snippets, under which legacy names the wire
  also knows them;
- ``emails``: the one rule for what an email address is and the one form it is stored in.

Models, request shapes, the search, the loaders and the demo read these. The package imports
nothing from the rest of leadpecker, so anything may import it without a cycle — except the
migrations, which keep their own frozen copies of what they need (a migration describes the
schema of its day, not today's).
"""
