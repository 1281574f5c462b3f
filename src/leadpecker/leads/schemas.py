"""The lead loader's file rows."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

# Whitespace and length are set once for every field (model_config): per-field constraints
# cost a quarter more to validate, and a lead import validates millions of cells.
Text = str


class LeadFileRow(BaseModel):
    """One person of the lead database. Columns beyond these are ignored (vendor files carry
    many); a lead needs an email or a LinkedIn URL to be matchable and re-importable."""

    model_config = ConfigDict(
        extra="ignore", coerce_numbers_to_str=True, str_strip_whitespace=True, str_max_length=5_000
    )

    email: Annotated[str, StringConstraints(to_lower=True, max_length=320)] = ""
    first_name: Text = ""
    last_name: Text = ""
    linkedin_url: Text = ""
    title: Text = ""
    phone: Text = ""
    company_name: Text = ""
    company_website: Text = ""
    industry: Text = ""
    address: Text = ""
    city: Text = ""
    state: Text = ""
    country: Text = ""

    @model_validator(mode="after")
    def _identifiable(self) -> LeadFileRow:
        if not self.email and not self.linkedin_url:
            raise ValueError("a lead needs an email or a linkedin_url")
        if self.email and "@" not in self.email:
            raise ValueError("email is not an email address")
        return self


# The columns of a lead file, in the order the docs give them; writers of lead files use these.
LEAD_FILE_COLUMNS: tuple[str, ...] = tuple(LeadFileRow.model_fields)
