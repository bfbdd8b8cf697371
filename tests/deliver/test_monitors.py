"""Monitor configurations: each manifest field lands in the documented field of each tool.

Gatus field names and condition syntax are from its README (github.com/TwiN/gatus): the
"Endpoints" table (endpoints[].name, group, url, method, conditions, interval, body, headers,
alerts), "Conditions" ([STATUS] == 200, [STATUS] == any(200, 429), [RESPONSE_TIME] < 500,
[BODY] == pat(*...*), [CERTIFICATE_EXPIRATION] > 48h), "Alerting" (endpoints[].alerts[].type,
failure-threshold, success-threshold, send-on-resolved, description; alerting.slack.webhook-url;
alerting.email.from/username/password/host/port/to), and "Use environment variables in config
files" ($VAR or ${VAR}; a literal $ is written $$).
Upptime field names are from upptime.js.org/docs/configuration: owner, repo, sites[].name, url,
method, headers ("Name: value" strings), body, expectedStatusCodes, maxResponseTime,
__dangerous__body_down, assignees, workflowSchedule.uptime; notifications are repository
secrets (docs/notifications: NOTIFICATION_SLACK_WEBHOOK_URL, NOTIFICATION_EMAIL_TO...).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from launchgate.deliver.monitors import gatus, gatus_literal, upptime, upptime_schedule
from tests.deliver.conftest import MANIFEST, OPERATIONS

GATUS_ENDPOINT_FIELDS = {
    "enabled",
    "name",
    "group",
    "url",
    "method",
    "conditions",
    "interval",
    "graphql",
    "body",
    "headers",
    "dns",
    "ssh",
    "alerts",
    "maintenance-windows",
    "client",
    "ui",
    "extra-labels",
}
GATUS_ALERT_FIELDS = {
    "type",
    "enabled",
    "failure-threshold",
    "success-threshold",
    "send-on-resolved",
    "description",
}
GATUS_EMAIL_FIELDS = {"from", "username", "password", "host", "port", "to", "client", "overrides"}
GATUS_CONDITION = re.compile(
    r"^\[(STATUS|RESPONSE_TIME|BODY|CERTIFICATE_EXPIRATION)\] (==|!=|<|>|<=|>=) \S.*$"
)
UPPTIME_TOP = {
    "owner",
    "repo",
    "sites",
    "assignees",
    "workflowSchedule",
    "status-website",
    "user-agent",
}
UPPTIME_SITE_FIELDS = {
    "name",
    "url",
    "method",
    "headers",
    "body",
    "icon",
    "expectedStatusCodes",
    "maxResponseTime",
    "__dangerous__body_down",
    "__dangerous__body_degraded",
    "assignees",
    "check",
    "port",
}


def _data(extra: str = "") -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST + OPERATIONS)
    data.update(yaml.safe_load(extra) or {})
    return data


def _gatus(data: dict[str, Any]) -> dict[str, Any]:
    generated = gatus(data)
    config: dict[str, Any] = yaml.safe_load(generated.text)
    return config


def test_gatus_uses_only_documented_fields_and_condition_syntax() -> None:
    config = _gatus(_data())
    assert set(config) == {"alerting", "endpoints"}
    for endpoint in config["endpoints"]:
        assert set(endpoint) <= GATUS_ENDPOINT_FIELDS
        assert all(GATUS_CONDITION.match(c) for c in endpoint["conditions"]), endpoint
        for alert in endpoint["alerts"]:
            assert set(alert) <= GATUS_ALERT_FIELDS
    assert set(config["alerting"]["email"]) <= GATUS_EMAIL_FIELDS


def test_gatus_maps_each_route_field() -> None:
    endpoints = {e["name"]: e for e in _gatus(_data())["endpoints"]}
    # monitors.routes lists home, health and checkout; checkout is a write route: never probed.
    assert list(endpoints) == ["home", "health"]
    home, health = endpoints["home"], endpoints["health"]
    assert home["url"] == "https://www.shop.test/"  # base_url + path
    assert health["url"] == "https://api.shop.test/api/health"  # absolute url
    assert home["group"] == "Shop"  # project
    assert home["method"] == "GET"
    assert home["interval"] == "2m"  # operations.monitors.interval
    assert home["conditions"] == [
        "[STATUS] == 200",  # expect.status
        "[BODY] == pat(*Welcome to Shop*)",  # expect.contains
        "[RESPONSE_TIME] < 400",  # budget.p95_ms
        "[CERTIFICATE_EXPIRATION] > 504h",  # domains[www.shop.test].tls.min_days_valid: 21
    ]
    assert health["conditions"] == [
        "[STATUS] == any(200, 204)",  # a list of statuses
        "[BODY] != pat(*Traceback*)",  # expect.not_contains
        "[RESPONSE_TIME] < 200",
        "[CERTIFICATE_EXPIRATION] > 336h",  # the 14-day default
    ]
    assert home["alerts"] == [
        {
            "type": "email",
            "failure-threshold": 2,
            "send-on-resolved": True,
            "description": "home is failing",
        },
        {
            "type": "slack",
            "failure-threshold": 2,
            "send-on-resolved": True,
            "description": "home is failing",
        },
    ]


def test_gatus_alerting_keeps_credentials_as_variables() -> None:
    alerting = _gatus(_data())["alerting"]
    assert alerting["slack"] == {"webhook-url": "${SLACK_ALERTS_WEBHOOK}"}
    assert alerting["email"] == {
        "from": "alerts@shop.test",
        "host": "smtp.postmark.test",
        "port": 2525,
        "to": "ops@shop.test,ana@shop.test",
        "password": "${SMTP_PASSWORD}",
    }


def test_gatus_private_route_sends_its_token_by_reference() -> None:
    data = _data()
    data["operations"]["monitors"]["routes"] = ["account"]
    (account,) = _gatus(data)["endpoints"]
    assert account["headers"] == {
        "Accept": "application/json",
        "Authorization": "Bearer ${SMOKE_TOKEN}",
    }
    assert account["conditions"][0] == "[STATUS] == 200"
    assert "content_type" in gatus(data).text  # the unmapped expectation is noted, not dropped


def test_gatus_literal_dollars_are_doubled() -> None:
    assert gatus_literal("Only $5 today") == "Only $$5 today"
    data = _data()
    data["routes"][0]["expect"]["contains"] = "Only $5"
    home = _gatus(data)["endpoints"][0]
    assert home["conditions"][1] == "[BODY] == pat(*Only $$5*)"


def test_gatus_text_the_pattern_cannot_hold_is_noted_not_mangled() -> None:
    data = _data()
    data["routes"][0]["expect"]["contains"] = "5 * 3"
    generated = gatus(data)
    home = yaml.safe_load(generated.text)["endpoints"][0]
    assert not any("BODY" in c for c in home["conditions"])
    assert "home: expect.contains has '*', ')' or a line break: not mapped" in generated.notes


def test_gatus_without_status_expects_no_error() -> None:
    data = _data()
    data["routes"][0]["expect"] = {}
    assert _gatus(data)["endpoints"][0]["conditions"][0] == "[STATUS] < 400"


def test_upptime_maps_each_route_field() -> None:
    generated = upptime(_data())
    config = yaml.safe_load(generated.text)
    assert set(config) <= UPPTIME_TOP
    assert config["owner"] == "shopco" and config["repo"] == "status"  # monitors.repository
    assert config["assignees"] == ["anaruiz"]  # contacts[].github
    assert config["workflowSchedule"] == {"uptime": "*/5 * * * *"}
    home, health = config["sites"]
    for site in config["sites"]:
        assert set(site) <= UPPTIME_SITE_FIELDS
    assert home == {
        "name": "home",
        "url": "https://www.shop.test/",
        "expectedStatusCodes": [200],
        "maxResponseTime": 400,
    }
    assert health == {
        "name": "health",
        "url": "https://api.shop.test/api/health",
        "expectedStatusCodes": [200, 204],
        "maxResponseTime": 200,
        "__dangerous__body_down": "Traceback",
    }
    assert "interval 2m is faster than GitHub schedules allow; Upptime runs every 5m" in (
        generated.notes
    )


def test_upptime_notifications_are_repository_secrets_named_in_a_comment() -> None:
    text = upptime(_data()).text
    assert "#   NOTIFICATION_SLACK_WEBHOOK_URL=<the value of SLACK_ALERTS_WEBHOOK>" in text
    assert "#   NOTIFICATION_EMAIL_TO=ops@shop.test,ana@shop.test" in text


def test_upptime_private_route_and_methods() -> None:
    data = _data()
    data["operations"]["monitors"]["routes"] = ["account"]
    data["routes"][3]["method"] = "HEAD"
    (account,) = yaml.safe_load(upptime(data).text)["sites"]
    assert account["headers"] == ["Accept: application/json", "Authorization: Bearer $SMOKE_TOKEN"]
    assert account["method"] == "HEAD"


def test_upptime_schedule() -> None:
    assert upptime_schedule("5m") == ("*/5 * * * *", None)
    assert upptime_schedule("10m") == ("*/10 * * * *", None)
    assert upptime_schedule("30s")[0] == "*/5 * * * *"
    assert upptime_schedule("2h") == ("0 */2 * * *", None)


def test_every_route_is_watched_when_monitors_list_none() -> None:
    data = _data()
    del data["operations"]["monitors"]["routes"]
    names = [e["name"] for e in _gatus(data)["endpoints"]]
    assert names == ["home", "health", "login", "account"]
