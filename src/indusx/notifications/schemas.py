"""API shapes of notification settings."""

from pydantic import BaseModel, ConfigDict, Field


class PreferenceRead(BaseModel):
    topic: str
    label: str
    description: str
    in_app: bool
    email: bool


class PreferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str = Field(max_length=60, description="one of the topics GET returns")
    in_app: bool = True
    email: bool = True


class PreferencesUpdate(BaseModel):
    """Settings to change; topics left out keep theirs."""

    model_config = ConfigDict(extra="forbid")

    preferences: list[PreferenceIn] = Field(max_length=20)
