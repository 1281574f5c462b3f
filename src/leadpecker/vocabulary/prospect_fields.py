"""The prospect field catalogue: one row per field of a prospect the wire knows, saying what
the field is and what a client may do with it.

Read by the model (which columns are free text, which have a sort index, which the trigram
index covers), the request shapes (the legacy names), the v1 search parameters (what
``search=`` and ``sort=`` may name), the v1 document (its keys, their order and kinds), the
search's SQL (the FTS tables) and the loaders. The ``Prospect`` model and ``ProspectIn`` still
declare their columns and fields one by one, for their types; tests/vocabulary checks that
they agree with this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FieldKind(Enum):
    """What a field's value is, which decides how the v1 document writes it."""

    INTEGER = "integer"
    TEXT = "text"
    TIMESTAMP = "timestamp"  # written 2025-03-20T14:32:34+0000 (UTC), null when absent
    BOOLEAN = "boolean"
    OBJECT = "object"  # a JSON object column; absent → {}


@dataclass(frozen=True, slots=True)
class ProspectField:
    """One field. ``name`` is its column and the name requests use for it."""

    name: str
    kind: FieldKind
    # Free text a client sets (add_prospects_list, files): stored NOT NULL, '' meaning empty.
    text: bool = False
    # ``search=name=value`` may name it (v1 search).
    searchable: bool = False
    # ``sort=name`` may name it (v1 search).
    sortable: bool = False
    # One of the fifteen snippets (personalisation texts).
    snippet: bool = False
    # Its key in the v1 prospect document; None: the document does not show it.
    document_key: str | None = None
    # Older names the wire still knows it by: accepted wherever ``name`` is (bodies, files,
    # search, sort) and shown in the document as mirrors of it.
    legacy_names: tuple[str, ...] = ()


def _shown(name: str, kind: FieldKind, **flags: bool) -> ProspectField:
    """A field the v1 document shows under its own name."""
    return ProspectField(name, kind, document_key=name, **flags)


def _free_text(name: str, *, searchable: bool = True, sortable: bool = True) -> ProspectField:
    return _shown(name, FieldKind.TEXT, text=True, searchable=searchable, sortable=sortable)


_INTEGER, _TEXT, _TIMESTAMP = FieldKind.INTEGER, FieldKind.TEXT, FieldKind.TIMESTAMP
SNIPPET_COUNT = 15
# The reference's own sample still shows the first four snippets under their old spelling.
LEGACY_SNIPPETS = 4

# In the order of the v1 document (the reference sample's), then the fields it does not show.
PROSPECT_FIELDS: tuple[ProspectField, ...] = (
    _shown("id", _INTEGER, sortable=True),
    # The identity of a prospect in its account: set, but not free text (String(320), the rule
    # of vocabulary.emails); searched exactly when given in full, else as a substring.
    _shown("email", _TEXT, searchable=True, sortable=True),
    _free_text("first_name"),
    _free_text("last_name"),
    _free_text("company"),
    _shown("organization_id", _INTEGER, searchable=True, sortable=True),
    _free_text("industry"),
    _free_text("website"),
    # Neither searched nor sorted by: not in the reference's lists of either.
    _free_text("linkedin_url", searchable=False, sortable=False),
    _free_text("tags"),  # searched as whole tags, not substrings
    _free_text("title"),
    _free_text("phone"),
    _free_text("address"),
    _free_text("city"),
    _free_text("state"),
    _free_text("country"),
    _shown("last_contacted", _TIMESTAMP, sortable=True),
    # The document's key has a space, as in the reference; the sort parameter has not.
    ProspectField("last_replied", _TIMESTAMP, sortable=True, document_key="last replied"),
    _shown("updated", _TIMESTAMP, sortable=True),
    _shown("encrypted", FieldKind.BOOLEAN),
    *(
        ProspectField(
            f"snippet{n}",
            _TEXT,
            text=True,
            searchable=True,
            sortable=True,
            snippet=True,
            document_key=f"snippet{n}",
            legacy_names=(f"snipet{n}",) if n <= LEGACY_SNIPPETS else (),
        )
        for n in range(1, SNIPPET_COUNT + 1)
    ),
    _shown("snippet_labels", FieldKind.OBJECT),
    # Last in the document, always (search/serializer.py relies on it). Filtered by ``status=``,
    # not by ``search=``.
    _shown("status", _TEXT, sortable=True),
    # Mail activity rolled up from the events; sorting by them needs the matching activity=.
    ProspectField("last_opened", _TIMESTAMP, sortable=True),
    ProspectField("last_clicked", _TIMESTAMP, sortable=True),
    ProspectField("sent_mails", _INTEGER, sortable=True),
)
TEXT_FIELDS: tuple[str, ...] = tuple(field.name for field in PROSPECT_FIELDS if field.text)
SNIPPET_FIELDS: tuple[str, ...] = tuple(field.name for field in PROSPECT_FIELDS if field.snippet)
# legacy name → field (snipet1 → snippet1).
LEGACY_NAMES: dict[str, str] = {
    legacy: field.name for field in PROSPECT_FIELDS for legacy in field.legacy_names
}
# The text fields a substring search reads: the columns of PostgreSQL's trigram index and of
# SQLite's FTS tables, in the order migration 0002 gave them (email and tags first).
SUBSTRING_SEARCHED: tuple[str, ...] = (
    "email",
    "tags",
    *(
        field.name
        for field in PROSPECT_FIELDS
        if field.searchable and field.kind is _TEXT and field.name not in ("email", "tags")
    ),
)
