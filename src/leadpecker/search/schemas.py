"""The search's answer as the OpenAPI document shows it. Responses are not built from these
models (the documents are ready JSON, see serializer.py); they are generated from the same
layout so the two cannot disagree."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from leadpecker.search.serializer import LAYOUT
from leadpecker.vocabulary.enums import CampaignStatus, InterestLevel, wire_literal
from leadpecker.vocabulary.prospect_fields import FieldKind

_TYPES: dict[FieldKind, Any] = {
    FieldKind.INTEGER: int | None,
    FieldKind.TEXT: str,
    FieldKind.TIMESTAMP: str | None,
    FieldKind.BOOLEAN: bool,
    FieldKind.OBJECT: dict[str, str],
}
_DESCRIPTIONS = {
    "last replied": "Date of the last reply (the key has a space, as in the reference)",
    "snipet1": "Legacy mirror of snippet1 (snipet1..snipet4)",
    "last_contacted": "2025-03-20T14:32:34+0000 (UTC); null when never",
    "updated": "2025-03-20T14:32:34+0000 (UTC)",
    "status": "Global status; in the campaign view (campaigns_id) the status in that campaign",
}


CampaignStatusOut = wire_literal(*CampaignStatus)
InterestLevelOut = wire_literal(*InterestLevel)


class CampaignDetail(BaseModel):
    campaign_id: int
    campaign_name: str
    campaign_status: CampaignStatusOut
    campaign_prospect_status: str
    interested: InterestLevelOut
    sent_mails: int | None = Field(None, description="Only with activity: mails sent in all campaigns")
    last_open: str | None = Field(None, description="Only with activity=OPENED|NOT-OPENED")
    last_clicked: str | None = Field(None, description="Only with activity=CLICKED|NOT-CLICKED")
    click_url: str | None = Field(
        None, description="Only with activity=CLICKED|NOT-CLICKED; one prospect object per link"
    )


_fields: dict[str, Any] = {}
for _key, _column, _kind in LAYOUT:
    _name = _key.replace(" ", "_")
    _fields[_name] = (_TYPES[_kind], Field(alias=_key, description=_DESCRIPTIONS.get(_key)))
_fields.update(
    campaign_id=(int | None, Field(None, description="Campaign view only (campaigns_id)")),
    campaign_name=(str | None, Field(None, description="Campaign view only")),
    campaign_status=(str | None, Field(None, description="Campaign view only")),
    interested=(str | None, Field(None, description="Campaign view only: interest level there")),
    campaigns_details=(
        list[CampaignDetail] | None,
        Field(None, description="Only with campaigns_details=true"),
    ),
)
ProspectOut = create_model(  # type: ignore[call-overload]
    "SearchedProspect", __config__=ConfigDict(populate_by_name=True), **_fields
)


class NoMatch(BaseModel):
    message: Literal["There are no prospects matching the given criteria."]
