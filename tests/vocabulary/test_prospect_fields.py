"""The prospect field catalogue agrees with what still declares fields one by one (the model's
columns, the body's fields). That the search SQL the migrations installed is what the code
renders is tests/test_architecture.py's."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Integer, String, Text

from leadpecker.kit.types import UtcDateTime
from leadpecker.models import Prospect
from leadpecker.prospects.schemas import ProspectIn
from leadpecker.vocabulary.prospect_fields import (
    LEGACY_NAMES,
    PROSPECT_FIELDS,
    SNIPPET_COUNT,
    SNIPPET_FIELDS,
    TEXT_FIELDS,
    FieldKind,
)

# The column types each kind is stored as.
COLUMN_TYPES = {
    FieldKind.INTEGER: (Integer,),
    FieldKind.TEXT: (String,),
    FieldKind.TIMESTAMP: (UtcDateTime,),
    FieldKind.BOOLEAN: (Boolean,),
    FieldKind.OBJECT: (JSON,),
}


def test_every_field_is_a_prospects_column_of_its_kind() -> None:
    columns = Prospect.__table__.c
    for field in PROSPECT_FIELDS:
        column = columns[field.name]
        if field.text:
            assert isinstance(column.type, Text) and not column.nullable, field.name
            assert column.server_default.arg == "", field.name
        assert isinstance(column.type, COLUMN_TYPES[field.kind]), field.name


def test_free_text_is_every_text_column_a_client_sets() -> None:
    text_columns = [column.name for column in Prospect.__table__.c if isinstance(column.type, Text)]
    assert list(TEXT_FIELDS) == text_columns
    assert len(SNIPPET_FIELDS) == SNIPPET_COUNT
    assert set(SNIPPET_FIELDS) <= set(TEXT_FIELDS)


def test_the_body_takes_every_text_field_and_legacy_name() -> None:
    assert set(TEXT_FIELDS) | set(LEGACY_NAMES) <= set(ProspectIn.model_fields)
    sent = ProspectIn(email="a@b.co", snipet2="old", snippet3="new", snipet3="ignored").sent_fields()
    assert sent == {"email": "a@b.co", "snippet2": "old", "snippet3": "new"}
