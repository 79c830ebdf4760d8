"""What every request body shares: unknown fields refused, e-mail addresses bounded.

A body that names a field its schema does not (a posted `platform_role`, `org_id`, `id` or
`created_by`) is a 422 naming that field rather than being silently dropped, so a client
learns at once that it cannot set it (ASVS 5.1.2, mass assignment).
"""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

# RFC 5321's longest usable address; the OpenAPI shows it, and email-validator enforces it.
Email = Annotated[EmailStr, Field(max_length=254)]


class RequestModel(BaseModel):
    """A request body: a field the schema does not name is refused with a 422."""

    model_config = ConfigDict(extra="forbid")
