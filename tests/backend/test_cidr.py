"""Semantics 4: `|cidr` is exact at prefix edges, for IPv4 and for IPv6 spellings."""
from ipaddress import IPv4Address, IPv6Address, ip_network

from hypothesis import given
from hypothesis import strategies as st
from sigma.backends.sumo.cidr import network_regex

from .conversion import convert, detection_rule, matches
from .re2_subset import to_python

OCTET = "(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])"


def test_ipv4_prefix_is_exact_at_its_edges():
    query = convert(detection_rule(r"""
        sel:
            DestinationIp|cidr: '172.16.0.0/12'
        condition: sel
    """))

    assert query == (
        '*\n'
        '| json field=_raw "DestinationIp" as DestinationIp nodrop\n'
        r'| where !isNull(DestinationIp) and DestinationIp matches '
        rf'/^172\.(?:1[6-9]|2[0-9]|3[01])\.{OCTET}\.{OCTET}$/'
    )
    assert matches(query, {"DestinationIp": "172.31.255.254"})
    assert matches(query, {"DestinationIp": "172.16.0.0"})
    assert not matches(query, {"DestinationIp": "172.32.0.1"})
    assert not matches(query, {"DestinationIp": "172.160.0.1"})
    assert not matches(query, {"DestinationIp": "1172.16.0.1"})


def test_ipv4_prefix_inside_the_last_octet_stops_at_its_last_address():
    query = convert(detection_rule(r"""
        sel:
            DestinationIp|cidr: '192.168.1.0/25'
        condition: sel
    """))

    assert query.endswith(
        r'DestinationIp matches /^192\.168\.1\.(?:[0-9]|[1-9][0-9]|1[01][0-9]|12[0-7])$/'
    )
    assert matches(query, {"DestinationIp": "192.168.1.127"})
    assert not matches(query, {"DestinationIp": "192.168.1.128"})
    assert not matches(query, {"DestinationIp": "192.168.1.1270"})


def test_ipv6_link_local_prefix_matches_canonical_and_sysmon_spellings():
    query = convert(detection_rule(r"""
        sel:
            DestinationIp|cidr: 'fe80::/10'
        condition: sel
    """))

    # After each group: the next group, or `::` and at most as many groups as are left after
    # it. `fe80::/10` fixes the first group, which cannot be zero, so no text starts with `::`.
    assert query.endswith(
        r"DestinationIp matches /(?i)^(?:fe[89ab][0-9a-f]:"
        r"(?:[0-9a-f]{1,4}:(?:[0-9a-f]{1,4}:(?:[0-9a-f]{1,4}:(?:[0-9a-f]{1,4}:"
        r"(?:[0-9a-f]{1,4}:(?:[0-9a-f]{1,4}:(?:[0-9a-f]{1,4}|:)"
        r"|:|:[0-9a-f]{1,4})"
        r"|:|(?::[0-9a-f]{1,4}){1,2})"
        r"|:|(?::[0-9a-f]{1,4}){1,3})"
        r"|:|(?::[0-9a-f]{1,4}){1,4})"
        r"|:|(?::[0-9a-f]{1,4}){1,5})"
        r"|:|(?::[0-9a-f]{1,4}){1,6}))$/"
    )
    assert matches(query, {"DestinationIp": "fe80::1"})
    assert matches(query, {"DestinationIp": "fe80:0:0:0:d4b8:e6a1:71c4:7b35"})
    assert matches(query, {"DestinationIp": "FEBF:FFFF::"})
    assert matches(query, {"DestinationIp": "fe80:0000:0000:0000:0000:0000:0000:0001"})
    assert matches(query, {"DestinationIp": "fe80:0:0:0:0:0:0::"})
    assert not matches(query, {"DestinationIp": "fe80:0:0:0:0:0:0:0:1"})
    assert not matches(query, {"DestinationIp": "fe80:0:0::0:0:0:0:1"})
    assert not matches(query, {"DestinationIp": "fec0::1"})
    assert not matches(query, {"DestinationIp": "fe7f::1"})


def test_ipv6_unique_local_and_documentation_prefixes_are_exact():
    unique_local = convert(detection_rule("sel:\n    DestinationIp|cidr: 'fc00::/7'\ncondition: sel"))
    documentation = convert(
        detection_rule("sel:\n    DestinationIp|cidr: '2001:db8::/64'\ncondition: sel")
    )

    assert matches(unique_local, {"DestinationIp": "fd12:3456:789a::1"})
    assert not matches(unique_local, {"DestinationIp": "fe00::1"})
    assert matches(documentation, {"DestinationIp": "2001:db8::1"})
    assert matches(documentation, {"DestinationIp": "2001:db8:0:0:ffff:ffff:ffff:ffff"})
    assert not matches(documentation, {"DestinationIp": "2001:db8:0:1::1"})
    assert not matches(documentation, {"DestinationIp": "2001:db80::1"})


def test_sysmon_loopback_spelling_matches_the_ipv6_loopback_network():
    query = convert(detection_rule("sel:\n    SourceIp|cidr: '::1/128'\ncondition: sel"))

    # Seven zero groups, each either written or inside the `::`, then the final 1: after each
    # written zero the `::` may follow with at most as many zeros as are left before the 1.
    assert query.endswith(
        r"SourceIp matches /(?i)^(?:"
        r"0{1,4}:(?:0{1,4}:(?:0{1,4}:(?:0{1,4}:(?:0{1,4}:(?:0{1,4}:(?:0{1,4}:0{0,3}1|:0{0,3}1)"
        r"|(?::0{1,4})?:0{0,3}1)"
        r"|(?::0{1,4}){0,2}:0{0,3}1)"
        r"|(?::0{1,4}){0,3}:0{0,3}1)"
        r"|(?::0{1,4}){0,4}:0{0,3}1)"
        r"|(?::0{1,4}){0,5}:0{0,3}1)"
        r"|:(?::0{1,4}){0,6}:0{0,3}1)$/"
    )
    assert matches(query, {"SourceIp": "0:0:0:0:0:0:0:1"})
    assert matches(query, {"SourceIp": "::1"})
    assert not matches(query, {"SourceIp": "::2"})
    assert matches(query, {"SourceIp": "0000:0::0:01"})
    assert matches(query, {"SourceIp": "0:0:0:0:0:0::1"})
    assert not matches(query, {"SourceIp": "0:0:0:0:0:0:0::1"})
    assert not matches(query, {"SourceIp": "1::1"})


def _spellings(address: IPv4Address | IPv6Address, padding: list[int]) -> list[str]:
    """Every way to write the address: IPv4 as its dotted quad; IPv6 with each group padded by
    `padding` leading zeros (up to four digits), in both cases, uncompressed and with a `::` over
    every run of one or more zero groups."""
    if isinstance(address, IPv4Address):
        return [str(address)]
    values = [int(group, 16) for group in address.exploded.split(":")]
    groups = [f"{value:x}".rjust(min(4, len(f"{value:x}") + pad), "0")
              for value, pad in zip(values, padding)]
    texts = [":".join(groups), str(address)]
    for start in range(8):
        for end in range(start + 1, 9):
            if all(value == 0 for value in values[start:end]):
                texts.append(":".join(groups[:start]) + "::" + ":".join(groups[end:]))
    return texts + [text.upper() for text in texts]


GROUP_VALUES = st.sampled_from([0, 0, 0, 1, 0xFFFF]) | st.integers(0, 0xFFFF)


@st.composite
def _value(draw, bits: int) -> int:
    """An address value; IPv6 ones are drawn group by group, often with runs of zero groups."""
    if bits == 32:
        return draw(st.integers(0, 2**bits - 1))
    groups = draw(st.lists(GROUP_VALUES, min_size=8, max_size=8))
    return int.from_bytes(b"".join(group.to_bytes(2, "big") for group in groups), "big")


@st.composite
def network_and_address(draw):
    """A network, and an address that is often just inside or just outside it, or the network
    base with some of its groups zeroed."""
    version = draw(st.sampled_from([4, 6]))
    bits = 32 if version == 4 else 128
    prefix = draw(st.integers(0, bits))
    base = draw(_value(bits)) >> (bits - prefix) << (bits - prefix)
    size = 2 ** (bits - prefix)
    offset = draw(st.sampled_from([0, size - 1, -1, size]) | st.integers(-size, 2 * size))
    value = min(max(base + offset, 0), 2**bits - 1)
    if version == 6 and draw(st.booleans()):
        zeroed = draw(st.lists(st.booleans(), min_size=8, max_size=8))
        value &= ~sum(0xFFFF << (16 * (7 - index)) for index, zero in enumerate(zeroed) if zero)
    address = IPv4Address(value) if version == 4 else IPv6Address(value)
    return ip_network((base, prefix)), address


@given(network_and_address(), st.lists(st.integers(0, 3), min_size=8, max_size=8), st.booleans())
def test_cidr_regex_agrees_with_ipaddress_membership(case, padding, unicode_case):
    network, address = case
    regex = to_python(network_regex(network), unicode_case)

    for text in _spellings(address, padding):
        assert (regex.fullmatch(text) is not None) == (address in network), text
        assert (regex.search(text) is not None) == (address in network), text
