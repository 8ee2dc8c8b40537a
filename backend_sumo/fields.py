"""Names under which the fields a rule uses are extracted for the `where` stage."""
import re
from dataclasses import dataclass, field

# Words of the Sumo query language that must not be used as field names in a `where` stage.
SUMO_WORDS = frozenset(
    "and or not in matches contains as by where nodrop field true false null if num "
    "isnull isempty isblank tolowercase touppercase count count_distinct sum avg min max pct "
    "first last sort fields json parse timeslice limit top".split()
)
PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass
class FieldTable:
    """The fields of one condition, each with the Sumo name its value is extracted as.

    A Sigma field keeps its own name when that is a plain identifier; other names get an
    alias made of safe characters. Sumo field names are case-insensitive, so two Sigma fields
    that differ only by case get different aliases.
    """

    aliases: dict[str, str] = field(default_factory=dict)

    def alias(self, sigma_field: str) -> str:
        """The Sumo name for `sigma_field`, registering it on first use."""
        if sigma_field in self.aliases:
            return self.aliases[sigma_field]

        taken = {alias.lower() for alias in self.aliases.values()}
        candidate = sigma_field
        if not PLAIN_NAME.fullmatch(candidate) or candidate.lower() in SUMO_WORDS:
            candidate = "f_" + re.sub(r"[^A-Za-z0-9_]", "_", sigma_field)
        alias, number = candidate, 2
        while alias.lower() in taken:
            alias, number = f"{candidate}_{number}", number + 1

        self.aliases[sigma_field] = alias
        return alias
