"""The launch deliverables: the ranked go/no-go audit, HANDOVER.md and uptime monitor configs.

They read what the checks produce through the published JSON report contract and the state
directory, plus the manifest's ``operations`` section; the launch meaning of each rule is data
in ``checks/launch-impact.yml``.
"""
