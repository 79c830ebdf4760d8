"""Web pages (Jinja2 + HTMX)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
