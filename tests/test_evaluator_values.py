"""Value matching: each Sigma value type and modifier against events that must and must not
match. Each test states the detection, the events, and the verdicts side by side."""
from typing import Any

import pytest

from tests.evaluator import RuleError
from tests.evaluator.testing import matches


def verdicts(detection: str, records: list[dict[str, Any]], **options: Any) -> list[bool]:
    return [matches(detection, record, **options) for record in records]


def test_plain_strings_match_whole_value_case_insensitively() -> None:
    detection = r"""
        selection:
            Image: 'C:\Windows\System32\cmd.exe'
        condition: selection
    """
    assert verdicts(detection, [
        {"Image": r"c:\windows\system32\CMD.EXE"},
        {"Image": r"C:\Windows\System32\cmd.exe.bak"},
        {"Image": r"X C:\Windows\System32\cmd.exe"},
    ]) == [True, False, False]


def test_case_folding_is_unicode_aware() -> None:
    detection = """
        selection:
            User: 'ÉLODIE'
            Street: 'STRAẞE'
        condition: selection
    """
    assert verdicts(detection, [
        {"User": "élodie", "Street": "straße"},
        {"User": "elodie", "Street": "straße"},
    ]) == [True, False]


def test_case_folding_maps_one_character_to_one() -> None:
    detection = """
        selection:
            Street: 'STRASSE'
        condition: selection
    """
    assert verdicts(detection, [{"Street": "strasse"}, {"Street": "Straße"}]) == [True, False]


def test_cased_modifier_makes_the_match_case_sensitive() -> None:
    detection = """
        selection:
            CommandLine|cased|contains: 'Invoke-Expression'
        condition: selection
    """
    assert verdicts(detection, [
        {"CommandLine": "powershell Invoke-Expression $x"},
        {"CommandLine": "powershell invoke-expression $x"},
    ]) == [True, False]


def test_star_matches_any_run_of_characters_including_none() -> None:
    detection = r"""
        selection:
            Image: 'C:\Windows*\cmd.exe'
        condition: selection
    """
    assert verdicts(detection, [
        {"Image": r"C:\Windows\System32\cmd.exe"},
        {"Image": r"C:\Windows\cmd.exe"},
        {"Image": r"D:\Windows\cmd.exe"},
    ]) == [True, True, False]


def test_a_backslash_before_a_star_escapes_it() -> None:
    detection = r"""
        selection:
            Image: 'C:\*\cmd.exe'
        condition: selection
    """
    assert verdicts(detection, [
        {"Image": r"C:*\cmd.exe"}, {"Image": r"C:\Windows\cmd.exe"},
    ]) == [True, False]


def test_question_mark_matches_exactly_one_character() -> None:
    detection = """
        selection:
            Image|endswith: 'cmd?.exe'
        condition: selection
    """
    assert verdicts(detection, [
        {"Image": "cmd1.exe"}, {"Image": "cmd.exe"}, {"Image": "cmd12.exe"},
    ]) == [True, False, False]


def test_escaped_wildcards_are_literal_characters() -> None:
    detection = r"""
        selection:
            Star: 'a\*b'
            Question: 'c\?d'
        condition: selection
    """
    assert verdicts(detection, [
        {"Star": "a*b", "Question": "c?d"},
        {"Star": "axb", "Question": "c?d"},
        {"Star": "a*b", "Question": "cxd"},
    ]) == [True, False, False]


def test_escaped_backslash_before_a_wildcard_keeps_the_wildcard() -> None:
    detection = r"""
        selection:
            Path: 'C:\\*'
        condition: selection
    """
    assert verdicts(detection, [
        {"Path": "C:\\Windows"}, {"Path": "C:\\"}, {"Path": "D:\\Windows"},
    ]) == [True, True, False]


def test_regex_is_a_case_sensitive_search_anywhere() -> None:
    detection = """
        selection:
            CommandLine|re: '-[Ee]nc(odedcommand)? '
        condition: selection
    """
    assert verdicts(detection, [
        {"CommandLine": "powershell -enc SQBFAFgA"},
        {"CommandLine": "powershell -EncodedCommand SQBFAFgA"},
        {"CommandLine": "powershell -ENC SQBFAFgA"},
    ]) == [True, False, False]


def test_regex_i_flag_ignores_case() -> None:
    detection = """
        selection:
            CommandLine|re|i: '-enc '
        condition: selection
    """
    assert verdicts(detection, [{"CommandLine": "X -ENC Y"}, {"CommandLine": "X -end Y"}]) == [
        True, False]


def test_regex_m_flag_anchors_at_each_line() -> None:
    detection = """
        selection:
            ScriptBlockText|re|m: '^Invoke-'
        condition: selection
    """
    assert verdicts(detection, [{"ScriptBlockText": "$a = 1\nInvoke-Mimikatz"}]) == [True]
    assert not matches(detection.replace("|re|m", "|re"), {"ScriptBlockText": "$a = 1\nInvoke-X"})


def test_regex_s_flag_lets_dot_match_newlines() -> None:
    detection = """
        selection:
            ScriptBlockText|re|s: 'begin.+end'
        condition: selection
    """
    assert verdicts(detection, [{"ScriptBlockText": "begin\nend"}]) == [True]
    assert not matches(detection.replace("|re|s", "|re"), {"ScriptBlockText": "begin\nend"})


def test_cidr_matches_ipv4_addresses_by_membership() -> None:
    detection = """
        selection:
            DestinationIp|cidr: '10.0.0.0/8'
        condition: selection
    """
    assert verdicts(detection, [
        {"DestinationIp": "10.255.0.1"},
        {"DestinationIp": "::ffff:10.1.2.3"},
        {"DestinationIp": "100.0.0.1"},
        {"DestinationIp": "10.example"},
    ]) == [True, True, False, False]


def test_cidr_matches_any_spelling_of_an_ipv6_address() -> None:
    detection = """
        selection:
            DestinationIp|cidr:
                - '::1/128'
                - 'fe80::/10'
        condition: selection
    """
    assert verdicts(detection, [
        {"DestinationIp": "0:0:0:0:0:0:0:1"},
        {"DestinationIp": "FE80:0000:0000:0000:0202:B3FF:FE1E:8329"},
        {"DestinationIp": "[fe80::1]"},
        {"DestinationIp": "fe80::1%12"},
        {"DestinationIp": "fec0::1"},
        {"DestinationIp": "127.0.0.1"},
    ]) == [True, True, True, True, False, False]


def test_numbers_equal_their_string_form() -> None:
    detection = """
        selection:
            DestinationPort: 443
        condition: selection
    """
    assert verdicts(detection, [
        {"DestinationPort": 443},
        {"DestinationPort": "443"},
        {"DestinationPort": "0443"},
        {"DestinationPort": 4430},
    ]) == [True, True, False, False]


def test_quoted_number_in_a_rule_matches_a_numeric_field() -> None:
    detection = """
        selection:
            EventID: '3'
        condition: selection
    """
    assert verdicts(detection, [{"EventID": 3}, {"EventID": "3"}, {"EventID": 33}]) == [
        True, True, False]


def test_decimal_numbers_equal_their_plain_decimal_text() -> None:
    detection = """
        selection:
            IntegrityLevel: 0.00001
        condition: selection
    """
    assert verdicts(detection, [
        {"IntegrityLevel": "0.00001"},
        {"IntegrityLevel": "1e-05"},
        {"IntegrityLevel": "0.000010"},
    ]) == [True, False, False]


def test_a_zero_fraction_is_the_integer_pysigma_reads() -> None:
    detection = """
        selection:
            Version: 10.0
        condition: selection
    """
    assert verdicts(detection, [{"Version": "10"}, {"Version": 10}, {"Version": "10.0"}]) == [
        True, True, False]


def test_a_decimal_event_id_selects_events_with_that_text() -> None:
    detection = """
        selection:
            EventID: 0.00001
        condition: selection
    """
    assert verdicts(detection, [{"EventID": "0.00001"}, {"EventID": "1e-05"}]) == [True, False]


@pytest.mark.parametrize("modifier, wanted", [
    ("lt", [False, True, False, False, False]),
    ("lte", [True, True, False, False, False]),
    ("gt", [False, False, True, False, False]),
    ("gte", [True, False, True, False, False]),
])
def test_numeric_comparisons_read_numbers_and_numeric_strings(
    modifier: str, wanted: list[bool],
) -> None:
    detection = f"""
        selection:
            Size|{modifier}: 100
        condition: selection
    """
    assert verdicts(detection, [
        {"Size": 100}, {"Size": "99.5"}, {"Size": "101"}, {"Size": "big"}, {},
    ]) == wanted


@pytest.mark.parametrize("value, wanted", [
    ("null", [True, True, False, False]),
    ("''", [False, False, True, False]),
])
def test_null_and_empty_string_are_distinct(value: str, wanted: list[bool]) -> None:
    detection = f"""
        selection:
            Description: {value}
        condition: selection
    """
    assert verdicts(detection, [
        {}, {"Description": None}, {"Description": ""}, {"Description": "x"},
    ]) == wanted


@pytest.mark.parametrize("flag, wanted", [
    ("true", [False, True, True, True]),
    ("false", [True, False, False, False]),
])
def test_exists_tests_presence_whatever_the_value(flag: str, wanted: list[bool]) -> None:
    detection = f"""
        selection:
            Description|exists: {flag}
        condition: selection
    """
    assert verdicts(detection, [
        {}, {"Description": None}, {"Description": ""}, {"Description": "x"},
    ]) == wanted


def test_booleans_match_windows_true_false_strings() -> None:
    detection = """
        selection:
            Initiated: true
        condition: selection
    """
    assert verdicts(detection, [
        {"Initiated": "true"}, {"Initiated": True}, {"Initiated": "True"}, {"Initiated": "false"},
    ]) == [True, True, True, False]


def test_keywords_are_case_insensitive_substrings_of_any_value() -> None:
    detection = """
        keywords:
            - 'sekurlsa::'
        condition: keywords
    """
    assert verdicts(detection, [
        {"CommandLine": "mimikatz SEKURLSA::logonpasswords"},
        {"EventData": {"Payload": ["x", "sekurlsa::tickets"]}},
        {"sekurlsa::": "field names are not searched"},
        {"CommandLine": "sekurlsa:"},
    ]) == [True, True, False, False]


def test_a_decimal_keyword_is_searched_as_its_plain_decimal_text() -> None:
    detection = """
        keywords:
            - 0.00001
        condition: keywords
    """
    assert verdicts(detection, [{"Message": "ratio 0.00001 reached"},
                                {"Message": "ratio 1e-05 reached"}]) == [True, False]


def test_keywords_with_all_must_each_occur() -> None:
    detection = """
        keywords:
            '|all':
                - 'OabVirtualDirectory'
                - ' -ExternalUrl '
        condition: keywords
    """
    assert verdicts(detection, [
        {"a": "Set-OabVirtualDirectory", "b": "x -externalurl y"},
        {"a": "Set-OabVirtualDirectory"},
    ]) == [True, False]


def test_fieldref_compares_two_fields_of_the_event() -> None:
    detection = """
        selection:
            ParentImage|fieldref: Image
        condition: selection
    """
    assert verdicts(detection, [
        {"Image": r"C:\x\a.exe", "ParentImage": r"c:\X\A.EXE"},
        {"Image": r"C:\x\a.exe", "ParentImage": r"C:\x\b.exe"},
        {"ParentImage": r"C:\x\a.exe"},
    ]) == [True, False, False]


def test_fieldref_with_endswith_compares_the_end() -> None:
    detection = """
        selection:
            TargetFilename|fieldref|endswith: Name
        condition: selection
    """
    assert verdicts(detection, [
        {"TargetFilename": r"C:\temp\evil.dll", "Name": "EVIL.dll"},
        {"TargetFilename": r"C:\temp\evil.dll.txt", "Name": "evil.dll"},
    ]) == [True, False]


def test_windash_accepts_every_dash_form() -> None:
    detection = """
        selection:
            CommandLine|contains|windash: ' -enc '
        condition: selection
    """
    assert verdicts(detection, [
        {"CommandLine": "powershell -enc AAA"},
        {"CommandLine": "powershell /enc AAA"},
        {"CommandLine": "powershell \u2013enc AAA"},
        {"CommandLine": "powershell \u2015enc AAA"},
        {"CommandLine": "powershell enc AAA"},
    ]) == [True, True, True, True, False]


def test_base64_matches_the_encoded_value() -> None:
    detection = """
        selection:
            Payload|base64: 'iex'
        condition: selection
    """
    assert verdicts(detection, [{"Payload": "aWV4"}, {"Payload": "iex"}]) == [True, False]


def test_base64offset_finds_the_value_at_any_byte_offset() -> None:
    import base64
    detection = """
        selection:
            CommandLine|base64offset|contains: 'http://'
        condition: selection
    """
    encoded = [base64.b64encode(prefix + b"http://203.0.113.9/a").decode()
               for prefix in (b"", b"x", b"xy")]
    benign = base64.b64encode(b"https://example.org").decode()
    assert verdicts(detection, [{"CommandLine": f"-e {e}"} for e in encoded]
                    + [{"CommandLine": f"-e {benign}"}]) == [True, True, True, False]


def test_all_links_the_values_of_a_list_with_and() -> None:
    detection = """
        selection:
            CommandLine|contains|all:
                - 'urlcache'
                - 'http'
        condition: selection
    """
    assert verdicts(detection, [
        {"CommandLine": "certutil -urlcache -f http://x"},
        {"CommandLine": "certutil -urlcache -f C:\\x"},
    ]) == [True, False]


def test_a_list_without_all_links_values_with_or() -> None:
    detection = """
        selection:
            DestinationPort:
                - 4444
                - 1337
        condition: selection
    """
    assert verdicts(detection, [{"DestinationPort": 1337}, {"DestinationPort": 443}]) == [
        True, False]


def test_placeholders_expand_to_the_values_given() -> None:
    detection = """
        selection:
            User|expand: '%Administrators%'
        condition: selection
    """
    placeholders = {"Administrators": ["CORP\\admin", "CORP\\adm-*"]}
    assert verdicts(detection, [
        {"User": "corp\\ADMIN"}, {"User": "CORP\\adm-alice"}, {"User": "CORP\\alice"},
    ], placeholders=placeholders) == [True, True, False]


def test_a_placeholder_without_a_value_rejects_the_rule() -> None:
    detection = """
        selection:
            User|expand: '%Administrators%'
        condition: selection
    """
    with pytest.raises(RuleError, match="placeholder %Administrators% has no value"):
        matches(detection, {"User": "x"})


def test_time_part_modifiers_read_the_field_as_a_time() -> None:
    detection = """
        selection:
            UtcTime|hour: 14
        condition: selection
    """
    assert verdicts(detection, [
        {"UtcTime": "2020-08-07 14:32:18.896"},
        {"UtcTime": "2020-08-07 15:32:18.896"},
        {"UtcTime": "not a time"},
    ]) == [True, False, False]


def test_a_list_field_matches_when_one_element_matches() -> None:
    detection = """
        selection:
            Tags|contains: 'c2'
        condition: selection
    """
    assert verdicts(detection, [{"Tags": ["benign", "C2-beacon"]}, {"Tags": ["benign"]}]) == [
        True, False]


def test_a_dotted_field_name_reaches_into_nested_objects() -> None:
    detection = """
        selection:
            process.executable|endswith: '\\rundll32.exe'
        condition: selection
    """
    assert verdicts(detection, [
        {"process": {"executable": "C:\\Windows\\System32\\rundll32.exe"}},
        {"process.executable": "C:\\Windows\\System32\\rundll32.exe"},
        {"process": "C:\\Windows\\System32\\rundll32.exe"},
    ]) == [True, True, False]
