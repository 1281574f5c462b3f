"""The lead loader's file rows."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from leadpecker.vocabulary.emails import MAX_EMAIL_LENGTH

# Whitespace and length are set once for every field (model_config): per-field constraints
# cost a quarter more to validate, and a lead import validates millions of cells.
Text = str

# A lead is keyed by its email, else "li:" and its LinkedIn URL: the key column holds 400.
MAX_LINKEDIN_URL_LENGTH = 396


class LeadFileRow(BaseModel):
    """One person of the lead database. Columns beyond these are ignored (vendor files carry
    many); a lead needs an email or a LinkedIn URL to be matchable and re-importable."""

    model_config = ConfigDict(
        extra="ignore", coerce_numbers_to_str=True, str_strip_whitespace=True, str_max_length=5_000
    )

    email: Annotated[str, StringConstraints(to_lower=True)] = ""
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
        # Looser than vocabulary.emails on purpose (its docstring says why): a lead's email is
        # only a key to match prospects by.
        if self.email and "@" not in self.email:
            raise ValueError("email is not an email address")
        if len(self.email) > MAX_EMAIL_LENGTH:  # checked here: lower-casing can lengthen it
            raise ValueError(f"email has more than {MAX_EMAIL_LENGTH} characters once lower-cased")
        if not self.email and len(self.linkedin_url) > MAX_LINKEDIN_URL_LENGTH:  # the lead's key
            raise ValueError(f"linkedin_url has more than {MAX_LINKEDIN_URL_LENGTH} characters")
        # One search over the whole row (all its fields are text): a pattern per field, or a
        # loop over them, cost a lead import a third of its validation time.
        if "\x00" in "".join(self.__dict__.values()):
            name = next(name for name, value in self.__dict__.items() if "\x00" in value)
            raise ValueError(f"{name} holds a NUL character")
        return self


# The columns of a lead file, in the order the docs give them; writers of lead files use these.
LEAD_FILE_COLUMNS: tuple[str, ...] = tuple(LeadFileRow.model_fields)
