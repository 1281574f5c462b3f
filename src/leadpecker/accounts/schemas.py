"""Shapes of the identity answers, for the OpenAPI document (the endpoints build their JSON
directly; these models describe it)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from leadpecker.vocabulary.enums import UserRole, wire_literal

Role = wire_literal(*UserRole)


class MeOut(BaseModel):
    """``GET /rest/v1/me``: the user the key stands for and the account (company) it acts in.
    The docs page "Authentication" shows the request, not the answer: this shape is
    leadpecker's (docs/compatibility.md, "me and users")."""

    id: int = Field(description="The user's id, as in GET /rest/v2/users", examples=[1234])
    name: str = Field(description="Full name of the user", examples=["Michael Scott"])
    email: str = Field(
        description="Email address of the user ('' when unknown)", examples=["michael@dundermifflin.com"]
    )
    role: Role = Field(description="The key's user is the account's owner: admin", examples=["admin"])
    company_id: int = Field(description="The account's id", examples=[1])
    company_name: str = Field(description="The account's name", examples=["Dunder Mifflin"])


class UserOut(BaseModel):
    id: int = Field(description="Unique identifier of the user", examples=[1234])
    name: str = Field(description="Full name of the user", examples=["Michael Scott"])
    email: str = Field(description="Email address of the user", examples=["michael@dundermifflin.com"])
    role: Role = Field(description="User's role in the account (admin or user)", examples=["admin"])


class PaginationData(BaseModel):
    total_elements: int = Field(description="Total number of users", examples=[2])
    total_pages: int = Field(description="Total number of pages", examples=[1])
    current_page_number: int = Field(description="This page's number, 1-based (page=0 is 1)", examples=[1])
    page_size: int = Field(description="Users per page: always 50", examples=[50])


class UsersOut(BaseModel):
    """``GET /rest/v2/users`` (developers.woodpecker.co, "Get a list of users")."""

    content: list[UserOut] = Field(description="List of users in the account")
    pagination_data: PaginationData
