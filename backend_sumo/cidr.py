"""IP networks as exact anchored RE2 regexes over the text of an address.

Sumo's CIDR functions take IPv4 only and their behaviour on other input is not documented, so a
`|cidr` value is matched as text. IPv4 addresses are dotted quads without leading zeros. IPv6
addresses may be written in any RFC 4291 text form, hex digits in either case, with or without
leading zeros: the canonical RFC 5952 form (`fe80::1`) and the uncompressed form Sysmon writes
(`fe80:0:0:0:0:0:0:1`) are both covered.

Not covered: IPv6 addresses written with an embedded IPv4 part (`::ffff:10.0.0.1`), so an event
spelling an address that way is missed by both IPv4 and IPv6 networks.
"""
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network

GROUPS = 8
GROUP_BITS = 16
HEX_DIGITS = "0123456789abcdef"
ANY_GROUP = "[0-9a-f]{1,4}"


def network_regex(network: IPv4Network | IPv6Network) -> str:
    """A regex, anchored at both ends, matching exactly the addresses of `network`."""
    if isinstance(network, IPv4Network):
        return "^" + _ipv4(network) + "$"
    return "(?i)^(?:" + _ipv6(network) + ")$"


def _ipv4(network: IPv4Network) -> str:
    """Dotted-quad pattern: each octet's range follows from the network's first and last address."""
    first = network.network_address.packed
    last = network.broadcast_address.packed
    octets = [_decimal_range(low, high) for low, high in zip(first, last)]
    return "\\.".join(octets)


def _decimal_range(low: int, high: int) -> str:
    """Decimal numbers from low to high, written without leading zeros."""
    if low == high:
        return str(low)
    parts = []
    for width in range(len(str(low)), len(str(high)) + 1):
        start = max(low, 10 ** (width - 1) if width > 1 else 0)
        end = min(high, 10**width - 1)
        parts.extend(_fixed_width_range(str(start), str(end), "0123456789"))
    return _alternation(parts)


def _fixed_width_range(start: str, end: str, alphabet: str) -> list[str]:
    """Patterns for all digit strings of one width from start to end (same width), inclusive."""
    if not start:
        return [""]
    if start[0] == end[0]:
        return [start[0] + rest for rest in _fixed_width_range(start[1:], end[1:], alphabet)]

    width = len(start) - 1
    lowest, highest = alphabet[0] * width, alphabet[-1] * width
    first, last = alphabet.index(start[0]), alphabet.index(end[0])
    head: list[str] = []
    if start[1:] != lowest:
        head = [start[0] + rest for rest in _fixed_width_range(start[1:], highest, alphabet)]
        first += 1
    tail: list[str] = []
    if end[1:] != highest:
        tail = [end[0] + rest for rest in _fixed_width_range(lowest, end[1:], alphabet)]
        last -= 1
    middle = []
    if first <= last:
        middle = [_digit_class(alphabet[first : last + 1]) + _any_digits(width, alphabet)]
    return head + middle + tail


def _digit_class(digits: str) -> str:
    """One digit out of `digits`; ranges never span the gap between `9` and `a`."""
    if len(digits) == 1:
        return digits
    runs: list[str] = []
    for digit in digits:
        if runs and ord(digit) == ord(runs[-1][-1]) + 1:
            runs[-1] += digit
        else:
            runs.append(digit)
    return "[" + "".join(run if len(run) < 3 else f"{run[0]}-{run[-1]}" for run in runs) + "]"


def _any_digits(width: int, alphabet: str) -> str:
    """Exactly `width` digits of the alphabet."""
    if width == 0:
        return ""
    any_digit = "[0-9]" if alphabet == "0123456789" else "[0-9a-f]"
    return any_digit if width == 1 else f"{any_digit}{{{width}}}"


def _alternation(parts: list[str]) -> str:
    """A non-capturing alternation, or the single part itself."""
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class _Group:
    """The values one IPv6 group may take inside the network."""

    low: int
    high: int

    def pattern(self) -> str:
        """The group as text: 1 to 4 hex digits, leading zeros allowed."""
        if self.low == 0 and self.high == 0xFFFF:
            return ANY_GROUP
        if self.low == self.high == 0:
            return "0{1,4}"
        parts = []
        for width in range(1, 5):
            start = max(self.low, 16 ** (width - 1) if width > 1 else 0)
            end = min(self.high, 16**width - 1)
            if start > end:
                continue
            zeros = {4: "", 3: "0?"}.get(width, f"0{{0,{4 - width}}}")
            digits = _fixed_width_range(f"{start:0{width}x}", f"{end:0{width}x}", HEX_DIGITS)
            parts.extend(zeros + part for part in digits)
        return _alternation(parts)

    def allows_zero(self) -> bool:
        """Whether the group can be 0 and so be part of a `::`."""
        return self.low == 0


def _ipv6(network: IPv6Network) -> str:
    """Every text form, read left to right: eight explicit groups, or one `::` for zero groups.

    The first `fixed` groups carry the prefix; the others may hold any value. After each written
    group the text either goes on with the next group or has its `::`; the groups written after
    a `::` are the last ones of the address, so they must be a tail of the group list that starts
    after the run of zero groups the `::` stands for.
    """
    groups = _ipv6_groups(network)
    fixed = -(-network.prefixlen // GROUP_BITS)
    patterns = [group.pattern() for group in groups[:fixed]] + [ANY_GROUP] * (GROUPS - fixed)
    zero_ok = [group.allows_zero() for group in groups[:fixed]] + [True] * (GROUPS - fixed)

    forms = [patterns[0] + _after_group(1, patterns, zero_ok)]
    if zero_ok[0]:
        forms.append(":" + _alternation(_after_first_colon(0, patterns, zero_ok)))
    return "|".join(forms)


def _after_group(index: int, patterns: list[str], zero_ok: list[bool]) -> str:
    """The text after the groups before `index` are written and no `::` has been seen."""
    if index == GROUPS:
        return ""

    forms = [patterns[index] + _after_group(index + 1, patterns, zero_ok)]
    if zero_ok[index]:
        forms += _after_first_colon(index, patterns, zero_ok)
    return ":" + _alternation(forms)


def _after_first_colon(index: int, patterns: list[str], zero_ok: list[bool]) -> list[str]:
    """The alternatives for the text after the first colon of a `::` standing for groups from
    `index` (which can be zero): the second colon and the groups written after it.

    The `::` stands for groups `index` up to some end before the first group that cannot be
    zero; the text goes on with the groups from that end to the last one.
    """
    stop = next((i for i in range(index, GROUPS) if not zero_ok[i]), GROUPS)
    if stop < GROUPS:
        after = _run_lengths(patterns[stop + 1 :])
        rest = [_colons(pattern, count, count) for pattern, count in after]
        return [_colon_tails(patterns[index + 1 : stop + 1]) + "".join(rest)]

    tails = _colon_tails(patterns[index + 1 :])
    return [":", tails] if tails else [":"]


def _colon_tails(patterns: list[str]) -> str:
    """Any non-empty tail of the group list, each group after a colon (empty for no groups)."""
    runs = _run_lengths(patterns)
    if not runs:
        return ""

    earlier = ""
    for pattern, count in runs[:-1]:
        if not earlier:
            earlier = _colons(pattern, 0, count)
        elif count == 1:
            earlier = f"(?:{earlier}:{pattern})?"
        else:
            full = _colons(pattern, count, count)
            earlier = f"(?:{earlier}{full}|{_colons(pattern, 0, count - 1)})"

    pattern, count = runs[-1]
    if not earlier:
        return _colons(pattern, 1, count)
    if count == 1:
        return f"{earlier}:{pattern}"
    return f"(?:{earlier}{_colons(pattern, count, count)}|{_colons(pattern, 1, count - 1)})"


def _colons(pattern: str, low: int, high: int) -> str:
    """From `low` to `high` groups of `pattern`, each after a colon."""
    if high == 0:
        return ""
    if low == high == 1:
        return ":" + pattern
    if low == high:
        count = f"{{{high}}}"
    else:
        count = "?" if (low, high) == (0, 1) else f"{{{low},{high}}}"
    return f"(?::{pattern}){count}"


def _run_lengths(patterns: list[str]) -> list[tuple[str, int]]:
    """Consecutive equal patterns as (pattern, how many)."""
    runs: list[tuple[str, int]] = []
    for pattern in patterns:
        if runs and runs[-1][0] == pattern:
            runs[-1] = (pattern, runs[-1][1] + 1)
        else:
            runs.append((pattern, 1))
    return runs


def _ipv6_groups(network: IPv6Network) -> list[_Group]:
    """The range of each of the eight groups, from the network's first and last address."""
    first = int(network.network_address)
    last = int(network.broadcast_address)
    shifts = [GROUP_BITS * (GROUPS - 1 - index) for index in range(GROUPS)]
    return [_Group((first >> shift) & 0xFFFF, (last >> shift) & 0xFFFF) for shift in shifts]
