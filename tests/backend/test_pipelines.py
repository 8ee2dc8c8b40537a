"""The Sumo pipelines: event layout, default scope, channel conditions, unknown log sources."""
from importlib.resources import files

import pytest
from sigma.backends.sumo import SumoLogicBackend
from sigma.backends.sumo.layouts import UnknownLogsourceError
from sigma.collection import SigmaCollection
from sigma.exceptions import SigmaFeatureNotSupportedByBackendError

from .conversion import RESOLVER, SYSMON_CHAIN, convert, detection_rule, matches

SYSMON_EVENT = {
    "EventID": "3",
    "Channel": "Microsoft-Windows-Sysmon/Operational",
    "Computer": "WS01",
    "EventData": {"Image": "C:\\Windows\\System32\\rundll32.exe", "DestinationPort": "443"},
}
NETWORK_RULE = detection_rule(
    r"""
    sel:
        Image|endswith: '\rundll32.exe'
        DestinationPort: 443
    condition: sel
    """,
    logsource="{product: windows, category: network_connection}",
)


def test_sysmon_rule_reads_event_data_and_requires_the_sysmon_channel():
    query = convert(NETWORK_RULE, SYSMON_CHAIN)

    assert query == (
        '_sourceCategory=*sysmon*\n'
        '| json field=_raw "Channel", "EventID", "EventData.Image", "EventData.DestinationPort"'
        ' as Channel, EventID, Image, DestinationPort nodrop\n'
        '| where !isNull(Channel) and toLowerCase(Channel) = "microsoft-windows-sysmon/operational"'
        ' and !isNull(EventID) and EventID = "3"'
        r' and !isNull(Image) and Image matches /(?is)^.*\\rundll32\.exe$/'
        ' and !isNull(DestinationPort) and DestinationPort = "443"'
    )
    assert matches(query, SYSMON_EVENT)
    assert not matches(query, {**SYSMON_EVENT, "Channel": "Security"})
    assert not matches(query, {**SYSMON_EVENT, "EventID": "1"})
    assert not matches(query, {"EventID": "3", **SYSMON_EVENT["EventData"]})


def test_powershell_script_rule_requires_channel_and_event_4104():
    query = convert(
        detection_rule(
            r"""
            sel:
                ScriptBlockText|contains: 'Net.WebClient'
            condition: sel
            """,
            logsource="{product: windows, category: ps_script}",
        ),
        SYSMON_CHAIN,
    )

    assert query == (
        '_sourceCategory=*windows*\n'
        '| json field=_raw "Channel", "EventID", "EventData.ScriptBlockText"'
        ' as Channel, EventID, ScriptBlockText nodrop\n'
        '| where !isNull(Channel) and toLowerCase(Channel) = "microsoft-windows-powershell/operational"'
        ' and !isNull(EventID) and EventID = "4104"'
        r' and !isNull(ScriptBlockText) and ScriptBlockText matches /(?is)^.*Net\.WebClient.*$/'
    )
    event = {
        "EventID": "4104",
        "Channel": "Microsoft-Windows-PowerShell/Operational",
        "EventData": {"ScriptBlockText": "(New-Object net.webclient).DownloadString('x')"},
    }
    assert matches(query, event)
    assert not matches(query, {**event, "EventID": "4103"})


@pytest.mark.parametrize(
    ("logsource", "channel", "event_id"),
    [
        ("{product: windows, service: security}", "security", None),
        ("{product: windows, service: system}", "system", None),
        ("{product: windows, category: ps_module}", "microsoft-windows-powershell/operational", "4103"),
        ("{product: windows, category: ps_classic_start}", "windows powershell", "400"),
    ],
)
def test_windows_log_sources_map_to_their_channel(logsource, channel, event_id):
    query = convert(detection_rule("sel:\n    User: x\ncondition: sel", logsource), SYSMON_CHAIN)

    assert f'toLowerCase(Channel) = "{channel}"' in query
    assert (f'EventID = "{event_id}"' in query) == (event_id is not None)
    assert '"EventData.User"' in query


def test_provider_name_reads_the_provider_object():
    query = convert(
        detection_rule(
            "sel:\n    Provider_Name: Microsoft-Windows-Eventlog\ncondition: sel",
            "{product: windows, service: security}",
        ),
        SYSMON_CHAIN,
    )

    assert '"Provider.Name"' in query
    assert matches(query, {"Channel": "Security", "Provider": {"Name": "Microsoft-Windows-Eventlog"}})


def test_json_pipeline_reads_top_level_keys_of_any_log_source():
    query = convert(
        detection_rule("sel:\n    user.name: root\ncondition: sel", "{product: linux, service: auth}"),
        ("sumo_json",),
    )

    assert query == (
        '*\n'
        '''| json field=_raw "['user.name']" as f_user_name nodrop\n'''
        '| where !isNull(f_user_name) and toLowerCase(f_user_name) = "root"'
    )
    assert matches(query, {"user.name": "ROOT"})
    assert not matches(query, {"user": {"name": "root"}})


def test_copied_scope_override_replaces_the_default_scope():
    override = str(files("sigma.pipelines.sumo").joinpath("scope_override.yml"))
    backend = SumoLogicBackend(RESOLVER.resolve([override, *SYSMON_CHAIN]))

    query = backend.convert(SigmaCollection.from_yaml(NETWORK_RULE))[0]

    assert query.startswith("_sourceCategory=prod/windows/sysmon\n| json ")


def test_service_from_pysigmas_channel_table_reads_its_channel():
    rule = detection_rule(
        "sel:\n    EventID: 3033\ncondition: sel",
        "{product: windows, service: codeintegrity-operational}",
    )

    query = convert(rule, SYSMON_CHAIN)

    assert query.startswith("_sourceCategory=*windows*\n")
    assert 'toLowerCase(Channel) = "microsoft-windows-codeintegrity/operational"' in query
    event = {"EventID": "3033", "Channel": "Microsoft-Windows-CodeIntegrity/Operational"}
    assert matches(query, event)
    assert not matches(query, {**event, "Channel": "Security"})


def test_service_of_several_channels_reads_any_of_them():
    rule = detection_rule(
        "sel:\n    EventID: 8004\ncondition: sel", "{product: windows, service: applocker}"
    )

    query = convert(rule, SYSMON_CHAIN)

    for channel in ("Microsoft-Windows-AppLocker/EXE and DLL",
                    "Microsoft-Windows-AppLocker/MSI and Script"):
        assert matches(query, {"EventID": "8004", "Channel": channel}), channel
    assert not matches(query, {"EventID": "8004", "Channel": "Microsoft-Windows-AppLocker/Other"})


def test_windows_product_alone_searches_every_channel():
    rule = detection_rule(
        "keywords:\n    - 'sekurlsa::logonpasswords'\ncondition: keywords", "{product: windows}"
    )

    query = convert(rule, SYSMON_CHAIN)

    assert query.startswith("(_sourceCategory=*windows* or _sourceCategory=*sysmon*)\n")
    assert "Channel" not in query
    for channel in ("Security", "Microsoft-Windows-Sysmon/Operational"):
        event = {"Channel": channel, "EventData": {"CommandLine": "m sekurlsa::logonpasswords"}}
        assert matches(query, event), channel
    assert not matches(query, {"Channel": "Security", "EventData": {"CommandLine": "whoami"}})


def test_rule_of_an_unknown_log_source_is_unsupported_naming_rule_and_log_source():
    rule = detection_rule("sel:\n    User: x\ncondition: sel", "{product: linux, category: foo}")

    with pytest.raises(SigmaFeatureNotSupportedByBackendError) as error:
        convert(rule, SYSMON_CHAIN)
    assert isinstance(error.value, UnknownLogsourceError)
    message = str(error.value)
    assert "Rule 'Test rule' (00000000-0000-4000-8000-000000000001)" in message
    assert "(product=linux, category=foo)" in message


def test_sysmon_category_without_the_sysmon_pipeline_is_an_unknown_log_source():
    with pytest.raises(UnknownLogsourceError, match="use -p sysmon -p sumo_sysmon"):
        convert(NETWORK_RULE, ("sumo_sysmon",))
