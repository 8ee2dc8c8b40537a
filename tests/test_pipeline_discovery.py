"""Plugin discovery hands out the pipelines it names."""

def test_sysmon_pipeline_stays_sysmon_after_plugin_discovery():
    from sigma.pipelines.sysmon import sysmon_pipeline
    from sigma.plugins import InstalledSigmaPlugins

    discovered = InstalledSigmaPlugins.autodiscover().pipelines["sysmon"]

    assert discovered().name == sysmon_pipeline().name == (
        "Generic Log Sources to Sysmon Transformation"
    )
