"""Web forms: the parsed form as a dependency, its values, and inline error messages."""

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from indusx.errors import DomainError


async def _form(request: Request) -> FormData:
    # Starlette caches the parsed form, so the CSRF check and the route share one parse.
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


def form_text(form: FormData, name: str, *, strip: bool = True) -> str:
    """Return a text field of a form ("" when absent or a file), stripped unless asked not to."""
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value


_MESSAGES = {
    "missing": "This field is required",
    "int_parsing": "Enter a whole number",
    "int_from_float": "Enter a whole number",
    "enum": "Choose one of the options",
    "literal_error": "Choose one of the options",
}


def field_errors(exc: ValidationError | DomainError) -> dict[str, str]:
    """Return {field: message} for a form; nested fields are named like `offerings-0-trl`."""
    out: dict[str, str] = {}
    if isinstance(exc, DomainError):
        for problem in exc.errors:
            message = problem["message"]
            out.setdefault(problem["field"].replace(".", "-"), message[:1].upper() + message[1:])
        if not out:
            out["__all__"] = exc.message
        return out
    for err in exc.errors():
        key = "-".join(str(p) for p in err["loc"]) or "__all__"
        kind = err["type"]
        ctx: dict[str, Any] = err.get("ctx") or {}
        if kind in _MESSAGES:
            message = _MESSAGES[kind]
        elif kind == "string_too_short":
            n = ctx.get("min_length")
            message = "This field is required" if n == 1 else f"Enter at least {n} characters"
        elif kind == "string_too_long":
            message = f"Use at most {ctx.get('max_length')} characters"
        elif kind == "greater_than_equal":
            message = f"Must be {ctx.get('ge')} or more"
        elif kind == "less_than_equal":
            message = f"Must be {ctx.get('le')} or less"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
        out.setdefault(key, message[:1].upper() + message[1:])
    return out
