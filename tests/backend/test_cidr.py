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

    # Eight groups, or a `::` after the first 1..7 groups; `fe80::/10` fixes the first group.
    assert query.endswith(
        r"DestinationIp matches /(?i)^(?:"
        r"fe[89ab][0-9a-f]:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){6}"
        r"|fe[89ab][0-9a-f]::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?"
        r"|fe[89ab][0-9a-f]:[0-9a-f]{1,4}::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,4})?"
        r"|fe[89ab][0-9a-f]:[0-9a-f]{1,4}:[0-9a-f]{1,4}::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,3})?"
        r"|fe[89ab][0-9a-f]:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){2}::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,2})?"
        r"|fe[89ab][0-9a-f]:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){3}::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})?)?"
        r"|fe[89ab][0-9a-f]:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){4}::(?:[0-9a-f]{1,4})?"
        r"|fe[89ab][0-9a-f]:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){5}::"
        r")$/"
    )
    assert matches(query, {"DestinationIp": "fe80::1"})
    assert matches(query, {"DestinationIp": "fe80:0:0:0:d4b8:e6a1:71c4:7b35"})
    assert matches(query, {"DestinationIp": "FEBF:FFFF::"})
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

    assert matches(query, {"SourceIp": "0:0:0:0:0:0:0:1"})
    assert matches(query, {"SourceIp": "::1"})
    assert not matches(query, {"SourceIp": "::2"})


def _spellings(address: IPv4Address | IPv6Address) -> list[str]:
    """Canonical, fully expanded, and the uncompressed form without leading zeros (Sysmon's)."""
    if isinstance(address, IPv4Address):
        return [str(address)]
    groups = address.exploded.split(":")
    return [
        str(address),
        str(address).upper(),
        address.exploded,
        ":".join(f"{int(group, 16):x}" for group in groups),
    ]


@st.composite
def network_and_address(draw):
    """A network, and an address that is often just inside or just outside it."""
    version = draw(st.sampled_from([4, 6]))
    bits = 32 if version == 4 else 128
    prefix = draw(st.integers(0, bits))
    base = draw(st.integers(0, 2**bits - 1)) >> (bits - prefix) << (bits - prefix)
    size = 2 ** (bits - prefix)
    offset = draw(st.sampled_from([0, size - 1, -1, size]) | st.integers(-size, 2 * size))
    value = min(max(base + offset, 0), 2**bits - 1)
    address = IPv4Address(value) if version == 4 else IPv6Address(value)
    return ip_network((base, prefix)), address


@given(network_and_address(), st.booleans())
def test_cidr_regex_agrees_with_ipaddress_membership(case, unicode_case):
    network, address = case
    regex = to_python(network_regex(network), unicode_case)

    for text in _spellings(address):
        assert (regex.fullmatch(text) is not None) == (address in network), text
        assert (regex.search(text) is not None) == (address in network), text
