"""The one rule for fields nobody declared: a request body ignores them, a data file refuses them.

- A request body (``WireBody``) is read as the reference service reads it: a field it does not
  know is ignored, not refused. Clients send fields the service never documented (a
  ``time_zone`` a client saw the real service drop silently, camelCase leftovers, typos of the
  response's own keys) and count on the rest of the body being taken. A known field with a
  wrong type or value is still refused with a 400 naming it.
- A row of an operator's data file (``FileRow``) is the opposite: a column the row does not
  know is refused before anything is read (imports/files.check_file), because a typo in a
  header ("first_nmae") would otherwise drop that column of every row without a word.

A model that is both (the prospect fields, taken from bodies and from files) is declared once
for the wire and subclassed with ``FILE_ROW`` for files. (Lead database files are the one
deliberate exception: vendor files carry dozens of columns, of which a lead takes what it knows;
leads/schemas.py.)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

WIRE_BODY = ConfigDict(extra="ignore")
FILE_ROW = ConfigDict(extra="forbid")


class WireBody(BaseModel):
    """A request body, or an object inside one: undeclared fields are ignored."""

    model_config = WIRE_BODY


class FileRow(BaseModel):
    """A row of a CSV or JSONL data file: an undeclared column is refused."""

    model_config = FILE_ROW
