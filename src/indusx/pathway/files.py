"""Assessment files: the YAML that `indusx pathway assess FILE.yaml` reads (docs/pathway.md)."""

from pathlib import Path

from pydantic import ValidationError

from indusx.pathway.engine.rules import FileProblems, read_yaml, validation_problems
from indusx.pathway.schemas import AssessmentIn


def read_assessment(path: Path) -> AssessmentIn:
    """Return the assessment a YAML file describes; raise FileProblems with file and line."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileProblems([(name, None, f"cannot read the file: {exc}")]) from exc
    data, lines = read_yaml(text, name)
    try:
        return AssessmentIn.model_validate(data)
    except ValidationError as exc:
        raise FileProblems(validation_problems(exc, name, lines)) from exc
