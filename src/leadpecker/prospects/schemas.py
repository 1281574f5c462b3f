"""Request and response shapes of the prospect endpoints (v1 wire names)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema

from leadpecker.kit.fields import Email, Int64, text_constraints
from leadpecker.kit.wire import FILE_ROW, WireBody
from leadpecker.vocabulary.enums import OutcomeStatus, ProspectStatus, wire_literal
from leadpecker.vocabulary.prospect_fields import LEGACY_NAMES

ProspectStatusIn = wire_literal(*ProspectStatus)

Text = Annotated[str, text_constraints(10_000)]


def _legacy_flag(value: Any) -> Any:
    """v1 flags arrive as JSON booleans, "true"/"false" in any case, or 1/0 (docs/compatibility.md,
    "Request bodies"); nothing else (pydantic's lax bool would also take "yes", "off", "t"…: Strict
    below)."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return value


LegacyFlag = Annotated[
    bool,
    Strict(),
    BeforeValidator(_legacy_flag),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "number", "enum": [0, 1]},
                {"type": "string", "pattern": "^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)\\s*$"},
            ]
        }
    ),
]


def numbers_accepted_as_text(schema: dict[str, Any]) -> None:
    """The OpenAPI document of ``coerce_numbers_to_str``: legacy clients send some text fields
    (a phone, a number in a snippet) as JSON numbers, which are taken as their decimal text.
    Also: snippet_labels' keys that do not match its key pattern are refused, not free."""
    for field in schema.get("properties", {}).values():
        parts = _subschemas(field)
        if any(part.get("type") == "integer" for part in parts):
            continue  # an integer, which takes its digits as text already (kit/fields.Int64)
        for part in parts:
            if "patternProperties" in part:
                part["additionalProperties"] = False
            if part.get("type") == "string" and "enum" not in part:
                string = {key: value for key, value in part.items() if key not in ("title", "description")}
                for key in string:
                    del part[key]
                part["anyOf"] = [string, {"type": "number"}]


def _subschemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """``schema`` and those of its alternatives and of its values (snippet_labels')."""
    found = [schema]
    for part in (*schema.get("anyOf", ()), *schema.get("patternProperties", {}).values()):
        found.extend(_subschemas(part))
    return found


class ProspectIn(WireBody):
    """One prospect as add_prospects_list takes it (the fields of the docs pages "Add prospects
    to database" and "Update prospects in database"). Legacy ``snipet1..4`` map to
    snippet1..4."""

    model_config = ConfigDict(
        coerce_numbers_to_str=True,
        strict=False,
        json_schema_extra=numbers_accepted_as_text,
    )

    email: Email
    status: ProspectStatusIn | None = None
    first_name: Text | None = None
    last_name: Text | None = None
    company: Text | None = None
    organization_id: Int64 | None = None
    industry: Text | None = None
    website: Text | None = None
    linkedin_url: Text | None = None
    tags: Text | None = Field(
        default=None, description="Space-separated tags; on an existing prospect they are added to its tags"
    )
    set_tags: Text | None = Field(
        default=None, description="Replaces an existing prospect's tags (an empty string clears them)"
    )
    title: Text | None = None
    phone: Text | None = None
    address: Text | None = None
    city: Text | None = None
    state: Text | None = None
    country: Text | None = None
    snippet1: Text | None = None
    snippet2: Text | None = None
    snippet3: Text | None = None
    snippet4: Text | None = None
    snippet5: Text | None = None
    snippet6: Text | None = None
    snippet7: Text | None = None
    snippet8: Text | None = None
    snippet9: Text | None = None
    snippet10: Text | None = None
    snippet11: Text | None = None
    snippet12: Text | None = None
    snippet13: Text | None = None
    snippet14: Text | None = None
    snippet15: Text | None = None
    snipet1: Text | None = None
    snipet2: Text | None = None
    snipet3: Text | None = None
    snipet4: Text | None = None
    snippet_labels: dict[Text, Text] | None = None

    def sent_fields(self) -> dict[str, Any]:
        """The fields the client actually sent, in domain names (``snipetN`` → ``snippetN``);
        a null text field means "empty" (stored as '')."""
        sent: dict[str, Any] = {}
        for key in self.__pydantic_fields_set__:
            value = getattr(self, key)
            if key == "status" and value is None:
                continue  # no status given: a new prospect is ACTIVE, an existing one keeps its
            if key in LEGACY_NAMES:
                key = LEGACY_NAMES[key]
                if key in self.__pydantic_fields_set__ and getattr(self, key) is not None:
                    continue
            sent[key] = "" if value is None and key not in _NULLABLE else value
        return sent


_NULLABLE = {"organization_id", "snippet_labels"}


class ProspectFileRow(ProspectIn):
    """A row of a prospects file (``leadpecker prospects import``): the body's fields, and an
    unknown column refused."""

    model_config = FILE_ROW


# The name of the import, which the reference shows in its app's "imported" column; leadpecker
# keeps no imports, so it is checked and not stored (docs/compatibility.md, request bodies).
FileName = Annotated[
    Text | None, Field(description="Name of the import; accepted, not stored (nothing shows it)")
]


class AddProspectsListIn(WireBody):
    update: LegacyFlag = False
    file_name: FileName = None
    prospects: list[ProspectIn] = Field(min_length=1)


OutcomeStatusOut = wire_literal(*OutcomeStatus)
DeletedStatusOut = wire_literal(OutcomeStatus.OK, OutcomeStatus.ERROR)


class ProspectOutcome(BaseModel):
    """One entry of the per-prospect answer of the loading endpoints."""

    email: str | None = None
    id: int | None = None
    status: OutcomeStatusOut
    code: str | None = Field(default=None, description="With ERROR: E_EMAIL, E_RECORD_NOT_FOUND…")
    msg: str | None = None


class ProspectsOutcome(BaseModel):
    prospects: list[ProspectOutcome]


class DeletedOutcome(BaseModel):
    id: int
    status: DeletedStatusOut
    code: str | None = None
    msg: str | None = None


class DeleteProspectsOut(BaseModel):
    prospects: list[DeletedOutcome]
