"""Events of any log source sent to Sumo Logic as flat JSON objects."""
from sigma.backends.sumo.layouts import FLAT
from sigma.processing.pipeline import ProcessingPipeline

from .state import PRIORITY, SUMO_BACKENDS, layout_and_scope

# Every message the user may read; narrow it with a YAML pipeline (see scope_override.yml).
JSON_SCOPE = "*"


def sumo_json_pipeline() -> ProcessingPipeline:
    """Every rule: each Sigma field is a top-level JSON key of the same name.

    Use it instead of sumo_sysmon and sumo_windows, not together with them.
    """
    return ProcessingPipeline(
        name="Flat JSON events in Sumo Logic",
        priority=PRIORITY,
        items=layout_and_scope("sumo_json", FLAT, JSON_SCOPE, None),
        allowed_backends=SUMO_BACKENDS,
    )
