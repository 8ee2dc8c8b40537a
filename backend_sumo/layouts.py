"""Where each Sigma field sits in the JSON of an event, by the layout a pipeline names."""
import re

from sigma.exceptions import SigmaBackendError, SigmaFeatureNotSupportedByBackendError

# Pipeline state keys that the Sumo pipelines set and the backend reads.
LAYOUT_STATE = "sumo_layout"
SCOPE_STATE = "sumo_scope"

# Windows Event Log JSON written by the Sumo Installed Collector: these keys are top-level,
# every other field is a key of the `EventData` object.
WINDOWS_EVENTLOG = "windows_eventlog"
WINDOWS_TOP_LEVEL = frozenset(
    ["EventID", "Computer", "Channel", "Provider", "TimeCreated", "EventRecordID", "Message"]
)
# Sigma's name for a nested key of the top level (the provider is an object in this layout).
WINDOWS_NESTED = {"Provider_Name": "Provider.Name"}

# Each Sigma field is a top-level key of the same name.
FLAT = "flat"

LAYOUTS = (WINDOWS_EVENTLOG, FLAT)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
UNQUOTABLE = re.compile(r"['\"\\\]\x00-\x1f]")


class UnknownLogsourceError(SigmaFeatureNotSupportedByBackendError):
    """No Sumo pipeline said how events of the rule's log source are laid out.

    It is an unsupported feature: without a layout there is no field to search, and guessing
    one would search fields the events may not have.
    """


def json_path(layout: str, sigma_field: str) -> str:
    """The path of `sigma_field` for the `json` operator in the given layout."""
    if layout == FLAT:
        return _key(sigma_field, top=True)
    if layout == WINDOWS_EVENTLOG:
        if sigma_field in WINDOWS_NESTED:
            return WINDOWS_NESTED[sigma_field]
        if sigma_field in WINDOWS_TOP_LEVEL:
            return sigma_field
        return "EventData" + _key(sigma_field, top=False)
    raise SigmaBackendError(f"unknown Sumo layout '{layout}', expected one of {LAYOUTS}")


def _key(name: str, top: bool) -> str:
    """One JSON key as a path step: dotted for identifiers, bracketed and quoted otherwise."""
    if IDENTIFIER.fullmatch(name):
        return name if top else "." + name
    if UNQUOTABLE.search(name):
        raise SigmaFeatureNotSupportedByBackendError(
            f"field name {name!r} cannot be written as a JSON path for Sumo's json operator"
        )
    return f"['{name}']"
