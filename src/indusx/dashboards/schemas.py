"""API shapes of the dashboards: the numbers behind every chart."""

from pydantic import BaseModel, ConfigDict, Field


class DashboardRef(BaseModel):
    name: str
    title: str
    description: str
    url: str


class DashboardList(BaseModel):
    dashboards: list[DashboardRef]


class FigureRead(BaseModel):
    label: str
    value: str


class SeriesRead(BaseModel):
    name: str
    values: list[int | float] = Field(description="one value per category")


class ChartRead(BaseModel):
    key: str
    title: str
    kind: str = Field(description="bar, stacked, funnel or line")
    label: str = Field(description="what the categories are")
    unit: str = Field(description="what the values count")
    summary: str
    categories: list[str]
    series: list[SeriesRead]
    columns: list[str] = Field(description="the table's header: the label, then each series")
    rows: list[list[str | int | float]] = Field(description="one row per category")


class DashboardRead(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    name: str
    title: str
    from_: str = Field(alias="from", description="first day of the range (ISO date)")
    to: str = Field(description="last day of the range (ISO date)")
    figures: list[FigureRead]
    notes: list[str]
    charts: list[ChartRead]
