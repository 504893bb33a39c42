#!/usr/bin/env python3
"""Generate the ASYNC Cockpit demo organisation (assets/demo/).

The demo is an invented company, Kestrel Orbital, and its ten-person
"Orbital Platform" team. Every payload is written in the real wire format of
its provider (Jira Cloud, GitHub REST, Slack Web API, Zoom API v2, Confluence
Cloud v2) and `routes.json` tells the replay server which file answers which
request (see src/replay/FORMAT.md).

Python 3 standard library only. Deterministic: a fixed seed, no clock, no
hash randomisation, so two runs write byte-identical files.

    python3 assets/demo/generate.py
"""

import base64
import hashlib
import json
import os
import random
import shutil
import urllib.parse
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = timezone.utc
ANCHOR = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Berlin
LATEST = ANCHOR - timedelta(minutes=7)  # nothing happens after this
SEED = 20260105

SITE = "https://orbital.example.com"  # the (fictional) Atlassian site
WIKI = SITE + "/wiki"
GH_API = "https://api.github.com"
GH_WEB = "https://github.com"
ORG = "orbital-demo"
SLACK_TEAM = "T08KORB1TL"
ZOOM_ACCOUNT = "kOrbDemoAcct01xYz9QwE"

PROVIDER_DIRS = ["jira", "github", "slack", "zoom", "confluence"]
TEAM_FORMED = datetime(2025, 10, 6, 7, 30, tzinfo=UTC)  # the team (and its Slack channels) started 13 weeks ago
TEAM_FORMED_TS = int(TEAM_FORMED.timestamp())


# --------------------------------------------------------------------------
# time helpers (Europe/Berlin without a tz database: CET/CEST rule for 2025/26)
# --------------------------------------------------------------------------

CEST = [
    (datetime(2025, 3, 30, 1, tzinfo=UTC), datetime(2025, 10, 26, 1, tzinfo=UTC)),
    (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)),
]


def off_hours(dt):
    return 2 if any(a <= dt < b for a, b in CEST) else 1


def local(dt):
    return dt + timedelta(hours=off_hours(dt))


def berlin(y, m, d, h=0, mi=0, s=0):
    naive = datetime(y, m, d, h, mi, s, tzinfo=UTC)
    dt = naive - timedelta(hours=1)
    if off_hours(dt) == 2:
        dt = naive - timedelta(hours=2)
    return dt


def jts(dt):
    """Jira: 2025-12-29T10:15:22.123+0100"""
    lo = local(dt)
    return lo.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d+0%d00" % (dt.microsecond // 1000, off_hours(dt))


def zts(dt):
    """2025-12-29T09:15:22Z"""
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def mts(dt):
    """2025-12-29T09:15:22.123Z"""
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (dt.microsecond // 1000)


def is_workday(d):
    return d.weekday() < 5


def work_time(r, a, b, h0=9, h1=18):
    """A random instant in [a, b] that falls on a weekday between h0 and h1
    Berlin time (uniform over those minutes); [a, b] itself if none does."""
    b = min(b, LATEST)
    if b <= a:
        return min(a, LATEST).replace(microsecond=r.randrange(1000) * 1000)
    segs = []
    d = local(a).date()
    end_d = local(b).date()
    while d <= end_d:
        if is_workday(d):
            s = max(berlin(d.year, d.month, d.day, h0), a)
            e = min(berlin(d.year, d.month, d.day, h1), b)
            if e > s:
                segs.append((s, e))
        d += timedelta(days=1)
    total = sum((e - s).total_seconds() for s, e in segs)
    if total <= 0:
        t = a + (b - a) * r.random()
    else:
        x = r.random() * total
        t = segs[-1][1]
        for s, e in segs:
            length = (e - s).total_seconds()
            if x <= length:
                t = s + timedelta(seconds=int(x))
                break
            x -= length
    t = t.replace(microsecond=r.randrange(1000) * 1000)
    return min(t, LATEST)


def sha(*parts):
    return hashlib.sha1("/".join(str(p) for p in parts).encode()).hexdigest()


def b64id(*parts, n=22):
    raw = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:n]


def alnum(r, n, alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"):
    return "".join(r.choice(alphabet) for _ in range(n))


def slugify(text, n=40):
    out = []
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")[:n].strip("-")


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------

WRITTEN = {}
ROUTES = []


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def layout(obj, depth=0):
    """Compact JSON, but the outer two levels one member per line: small files,
    readable diffs (one issue, message or pull request per line)."""
    flat = compact(obj)
    if depth >= 2 or len(flat) < 160 or not isinstance(obj, (dict, list)) or not obj:
        return flat
    pad = " " * (depth + 1)
    if isinstance(obj, list):
        inner = (",\n").join(pad + layout(v, depth + 1) for v in obj)
        return "[\n" + inner + "\n" + " " * depth + "]"
    inner = (",\n").join(pad + compact(k) + ":" + layout(v, depth + 1) for k, v in obj.items())
    return "{\n" + inner + "\n" + " " * depth + "}"


def write_json(rel, obj):
    WRITTEN[rel] = (layout(obj) + "\n").encode("utf-8")


def write_text(rel, text):
    WRITTEN[rel] = text.encode("utf-8")


def route(provider, path, file, query=None, pages=None, method="GET", status=None, headers=None):
    r = {"provider": provider}
    if method != "GET":
        r["method"] = method
    r["path"] = path
    if query:
        r["query"] = query
    r["file"] = file
    if pages:
        r["pages"] = pages
    if status is not None:
        r["status"] = status
    if headers:
        r["headers"] = headers
    ROUTES.append(r)


# --------------------------------------------------------------------------
# the people
# --------------------------------------------------------------------------

PEOPLE_SPEC = [
    # key, first, last, github, roles, squad, extra emails
    ("greta", "Greta", "Moonfield", "gmoonfield", ["engineering-manager"], "lead", ["greta@example.org"]),
    ("rui", "Rui", "Solano-Vex", "rui-sv", ["team-lead"], "lead", []),
    ("ines", "Ines", "Quillfeather", "inesq", [], "ALP", []),
    ("tobias", "Tobias", "Wrenhaven", "twrenhaven", [], "ALP", ["tobias.w@example.org"]),
    ("amara", "Amara", "Kitewell", "amara-kite", [], "ALP", []),
    ("kenji", "Kenji", "Harborlight", "kenjih", [], "ALP", []),
    ("lena", "Lena", "Brightwater", "lbrightwater", [], "BET", []),
    ("oskar", "Oskar", "Fennimore-Pike", "oskarfp", [], "BET", ["oskar.fp@example.org"]),
    ("priya", "Priya", "Lanternfield", "priya-lf", [], "BET", []),
    ("sami", "Sami", "Quaystone", "samiq", [], "BET", []),
]

TITLES = {
    "greta": "Engineering Manager", "rui": "Tech Lead", "ines": "Senior Backend Engineer",
    "tobias": "Backend Engineer", "amara": "Frontend Engineer", "kenji": "Full-stack Engineer",
    "lena": "Senior Data Engineer", "oskar": "Data Engineer", "priya": "Backend Engineer",
    "sami": "Site Reliability Engineer",
}


def build_people():
    r = random.Random(SEED + 1)
    people = []
    for i, (key, first, last, gh, roles, squad, extra) in enumerate(PEOPLE_SPEC):
        email = "%s.%s@example.com" % (first.lower(), last.lower())
        people.append({
            "key": key, "first": first, "last": last, "name": "%s %s" % (first, last),
            "github": gh, "gh_id": 181000000 + 7919 * (i + 3) + r.randrange(1000),
            "roles": roles, "squad": squad, "email": email, "emails": [email] + extra,
            "jira": "%024x" % r.getrandbits(96),
            "slack": "U08" + alnum(r, 8),
            "zoom": b64id("zoom-user", key),
            "zoom_pmi": 3000000000 + r.randrange(999999999),
            "unix": key, "title": TITLES[key],
        })
    return people


PEOPLE = build_people()
P = {p["key"]: p for p in PEOPLE}
ALP_TEAM = [P[k] for k in ("ines", "tobias", "amara", "kenji")]
BET_TEAM = [P[k] for k in ("lena", "oskar", "priya", "sami")]
ENGINEERS = ALP_TEAM + BET_TEAM


# ==========================================================================
# JIRA
# ==========================================================================

STATUSES = {
    "To Do": ("10000", "new"),
    "In Progress": ("3", "indeterminate"),
    "In Review": ("10001", "indeterminate"),
    "Blocked": ("10003", "indeterminate"),
    "Done": ("10002", "done"),
}
CATEGORIES = {
    "new": (2, "blue-gray", "To Do"),
    "indeterminate": (4, "yellow", "In Progress"),
    "done": (3, "green", "Done"),
}
RESOLUTIONS = {
    "Done": ("10000", "Work has been completed on this issue."),
    "Won't Do": ("10001", "This issue won't be actioned."),
    "Duplicate": ("10002", "The problem is a duplicate of an existing issue."),
}
ISSUETYPES = {
    "Epic": ("10000", 1, 10307, "Epics track collections of related bugs, stories, and tasks."),
    "Story": ("10001", 0, 10315, "Stories track functionality or features expressed as user goals."),
    "Task": ("10002", 0, 10318, "Tasks track small, distinct pieces of work."),
    "Bug": ("10003", 0, 10303, "Bugs track problems or errors."),
}
PRIORITIES = {"Highest": "1", "High": "2", "Medium": "3", "Low": "4", "Lowest": "5"}
FLAG_OPTION = {"self": SITE + "/rest/api/3/customFieldOption/10019", "value": "Impediment", "id": "10019"}


def jira_user(p):
    if p is None:
        return None
    initials = p["first"][0] + p["last"][0]
    return {
        "self": "%s/rest/api/3/user?accountId=%s" % (SITE, p["jira"]),
        "accountId": p["jira"],
        "avatarUrls": {
            s: "https://avatar.example.com/%s.png?s=%s" % (initials, s.split("x")[0])
            for s in ("48x48", "24x24", "16x16", "32x32")
        },
        "displayName": p["name"],
        "active": True,
        "timeZone": "Europe/Berlin",
        "accountType": "atlassian",
    }


def status_obj(name):
    sid, cat = STATUSES[name]
    cid, color, cname = CATEGORIES[cat]
    return {
        "self": "%s/rest/api/3/status/%s" % (SITE, sid),
        "description": "",
        "iconUrl": SITE + "/",
        "name": name,
        "id": sid,
        "statusCategory": {
            "self": "%s/rest/api/3/statuscategory/%d" % (SITE, cid),
            "id": cid, "key": cat, "colorName": color, "name": cname,
        },
    }


def issuetype_obj(name):
    tid, level, avatar, desc = ISSUETYPES[name]
    return {
        "self": "%s/rest/api/3/issuetype/%s" % (SITE, tid),
        "id": tid,
        "description": desc,
        "iconUrl": "%s/rest/api/2/universal_avatar/view/type/issuetype/avatar/%d?size=medium" % (SITE, avatar),
        "name": name,
        "subtask": False,
        "avatarId": avatar,
        "hierarchyLevel": level,
    }


def priority_obj(name):
    return {
        "self": "%s/rest/api/3/priority/%s" % (SITE, PRIORITIES[name]),
        "iconUrl": "%s/images/icons/priorities/%s.svg" % (SITE, name.lower()),
        "name": name,
        "id": PRIORITIES[name],
    }


def resolution_obj(name):
    if name is None:
        return None
    rid, desc = RESOLUTIONS[name]
    return {"self": "%s/rest/api/3/resolution/%s" % (SITE, rid), "id": rid, "description": desc, "name": name}


# ---- ADF ------------------------------------------------------------------

def adf_text(t, marks=None):
    node = {"type": "text", "text": t}
    if marks:
        node["marks"] = marks
    return node


def adf_para(*inl):
    return {"type": "paragraph", "content": list(inl)}


def adf_heading(t, level=3):
    return {"type": "heading", "attrs": {"level": level}, "content": [adf_text(t)]}


def adf_list(items, ordered=False):
    return {
        "type": "orderedList" if ordered else "bulletList",
        **({"attrs": {"order": 1}} if ordered else {}),
        "content": [{"type": "listItem", "content": [adf_para(adf_text(i))]} for i in items],
    }


def adf_code(text, lang):
    return {"type": "codeBlock", "attrs": {"language": lang}, "content": [adf_text(text)]}


def adf_doc(*blocks):
    return {"type": "doc", "version": 1, "content": list(blocks)}


# ---- projects, epics, summaries -------------------------------------------

PROJECTS = {
    "ALP": {"id": "10000", "name": "Launchpad", "board": 1, "team": ALP_TEAM, "sprint_prefix": "ALP Sprint",
            "first_sprint_no": 21, "first_sprint_id": 41, "sprint_dates": [(2025, 10, 20), (2025, 11, 3), (2025, 11, 17),
                                                                             (2025, 12, 1), (2025, 12, 15), (2025, 12, 29)],
            "new_per_sprint": 12, "added_per_sprint": 3, "backlog": 15},
    "BET": {"id": "10001", "name": "Telemetry", "board": 2, "team": BET_TEAM, "sprint_prefix": "BET Sprint",
            "first_sprint_no": 9, "first_sprint_id": 51, "sprint_dates": [(2025, 10, 22), (2025, 11, 5), (2025, 11, 19),
                                                                            (2025, 12, 3), (2025, 12, 17), (2025, 12, 31)],
            "new_per_sprint": 11, "added_per_sprint": 3, "backlog": 14},
}

SPRINT_GOALS = [
    "Ship the first vertical slice and keep the error budget green",
    "Harden the happy path; no new alerts without a runbook",
    "Finish the migration and delete the old code path",
    "Close the top customer bugs and cut p95 latency",
    "Demo-ready before the end-of-year freeze",
    "Start the new quarter: unblock the roadmap items",
    "Pick up the next roadmap slice",
]

EPICS = {
    "ALP": [
        ("Checkout API v2", "launchpad-api", "checkout-api-v2", [
            "Add idempotency keys to POST /orders", "Return 409 on a duplicate order submission",
            "Cursor pagination for GET /orders", "Validate currency codes against ISO 4217",
            "Order state machine: reserved -> confirmed -> launched", "Emit OrderConfirmed events to the outbox",
            "OpenAPI spec for checkout v2", "Rate-limit checkout per API key",
            "Migrate order totals to integer minor units", "Contract tests between console and checkout v2",
            "Deprecation headers on checkout v1", "Retry-safe payment capture webhook",
            "Load test checkout v2 at 300 rps", "Expose order audit trail endpoint",
            "Backfill order_events for legacy orders", "Structured error bodies (problem+json)",
            "Dry-run mode for checkout validation", "Tenant-scoped order numbers",
            "Partial refunds for cancelled launches", "Webhook delivery retries with backoff",
            "Order search by customer reference", "Price quotes valid for 15 minutes",
            "Tax breakdown in the order response", "Sandbox mode for checkout integrations",
            "Per-tenant checkout feature flags", "Archive orders older than two years",
            "SDK examples for checkout v2", "Checkout latency budget alerts",
        ]),
        ("Mission console redesign", "mission-console", "mission-console-redesign", [
            "New navigation sidebar", "Design tokens for dark mode", "Launch timeline widget",
            "Keyboard shortcuts for the launch list", "Empty states for launches and orders",
            "Accessible colour contrast for status badges", "Virtualised launch table",
            "Saved filters for the launch list", "Console settings page", "Toast notifications component",
            "Skeleton loaders on slow networks", "Responsive layout for 1280px screens",
            "Replace moment.js with date-fns", "Visual regression tests with Playwright",
            "Order detail drawer", "Inline validation on the launch form",
            "Command palette for the console", "Breadcrumbs on detail pages", "Launch list column picker",
            "Console onboarding tour", "Copy launch id to clipboard", "Relative times with absolute tooltips",
            "Print-friendly launch summary", "Reduce bundle size below 300 kB", "Error boundary per panel",
            "Localised date formats (de, en)",
        ]),
        ("Launch scheduling service", "launchpad-api", "launch-scheduling", [
            "Cron-style parser for launch windows", "Conflict detection for overlapping windows",
            "Time-zone aware launch windows", "Scheduler leader election", "Reschedule API with reason codes",
            "Calendar export (iCal) for launch windows", "Scheduler metrics and dashboards",
            "Backpressure when the queue exceeds 10k jobs", "Blackout periods per tenant",
            "Idempotent job enqueue", "Scheduler chaos test: kill the leader",
            "Persist window history for audits", "Notify owners 24h before a window",
            "Weather hold: pause windows on a flag", "Bulk reschedule for a launch site",
            "Scheduler admin endpoint: drain a node", "Window priority classes", "Dry-run a schedule change",
            "Expose the next 10 windows per pad", "Scheduler tracing spans", "Replay missed windows after an outage",
        ]),
        ("Auth hardening", "launchpad-api", "auth-hardening", [
            "Rotate JWT signing keys automatically", "Short-lived service tokens for workers",
            "Enforce MFA for console admins", "Audit log for API key creation",
            "Revoke sessions on password reset", "Scope API keys per environment",
            "Remove legacy basic-auth endpoint", "Pen-test findings: CSRF on settings",
            "Password policy aligned with NIST 800-63B", "Lock accounts after repeated failed logins",
        ]),
    ],
    "BET": [
        ("Ingest pipeline on Kafka", "telemetry-pipeline", "ingest-on-kafka", [
            "Kafka topic layout for telemetry v2", "Consumer group for ingest workers",
            "Dead-letter topic with replay tool", "Schema registry integration (Avro)",
            "Exactly-once sink to ClickHouse", "Partition by spacecraft id",
            "Backfill tool for historical frames", "Consumer lag alerting", "Compress frames with zstd",
            "Shadow-write from the HTTP ingest path", "Cut over ingest to Kafka", "Retire the HTTP ingest workers",
            "Load test ingest at 50k frames/s", "Rebalance storm mitigation (cooperative sticky)",
            "Per-tenant quotas on ingest", "Frame validation against the spacecraft manifest",
            "Ingest health endpoint", "Idempotent producer settings", "Topic retention per frame class",
            "Consumer autoscaling on lag", "Trace frames end to end with OpenTelemetry",
            "Ingest canary spacecraft", "Reject frames from revoked keys", "Cold-path archive to object storage",
            "Kafka ACLs per service",
        ]),
        ("Telemetry dashboards", "telemetry-pipeline", "telemetry-dashboards", [
            "Downsampled rollups (1m, 1h)", "Dashboard API: series query endpoint",
            "Anomaly markers on charts", "Export a panel as CSV", "Grafana datasource plugin",
            "Query cache with TTL per resolution", "Tenant isolation in the query layer",
            "Dashboard templates for new spacecraft", "Alert rules from dashboard thresholds",
            "p99 query latency under 800ms", "Share a dashboard by link", "Annotations from deploy events",
            "Heatmap panel for frame rates", "Compare two time ranges", "Dashboard folder permissions",
            "Panel-level refresh intervals", "Mobile layout for dashboards", "Query explain view for admins",
            "Series cardinality report", "Unit conversion in panels",
        ]),
        ("Retention & GDPR purge", "telemetry-pipeline", "retention-purge", [
            "Retention policy per tenant", "Purge job for expired partitions", "Erasure requests API",
            "Purge dry-run report", "Audit trail for purges", "Tombstone handling in rollups",
            "Legal hold flag", "Purge job idempotency", "Retention settings page in the console",
            "Purge metrics and alerts", "Erasure request status webhook", "Per-dataset retention overrides",
            "Verify purges with sampled reads", "Export data before erasure", "Retention policy change history",
            "Purge window outside business hours", "Document the retention guarantees",
        ]),
    ],
}

BUGS = {
    "ALP": [
        "Console crashes when the launch list is empty", "Checkout returns 500 on an unknown currency",
        "Timezone off by one hour after the DST switch", "Duplicate toast after saving settings",
        "Order totals rounded twice for JPY", "Login redirect loop on Safari",
        "Scheduler double-fires a window after a restart", "Dark mode: unreadable disabled buttons",
        "API key list ignores pagination", "Launch timeline overlaps labels at 125% zoom",
        "Webhook signature check fails for large payloads", "Session cookie missing SameSite",
        "Stale cache after an order is cancelled", "Sort by date is lexicographic",
        "Launch form loses input on a validation error", "Refund webhook sent twice", "Console logout does not clear tokens",
        "Scheduler ignores blackout periods across midnight", "Order export CSV has a BOM twice",
        "Keyboard focus lost after closing the drawer", "Pagination cursor breaks on equal timestamps",
        "Currency symbol wrong for CHF", "Idempotency key accepted with a different body",
        "Settings page 404 for read-only users", "Launch list flickers on refresh",
    ],
    "BET": [
        "Ingest drops frames with a future timestamp", "Consumer lag alert flaps on Monday mornings",
        "Rollup job OOM on tenants with 10k series", "Purge job KeyError on legacy tenants",
        "CSV export escapes commas wrongly", "Dashboard shows UTC instead of local time",
        "Avro schema evolution breaks the backfill", "ClickHouse sink retries forever on 400",
        "Anomaly markers missing after zoom", "Quota check counts retries twice",
        "Query cache serves another tenant's data under a race", "DLQ replay skips the last frame",
        "Rollups double count after a consumer restart", "Backfill tool crashes on empty partitions",
        "Grafana plugin drops the tenant header", "Erasure request stuck in pending", "Heatmap colours inverted",
        "Retention page shows the wrong default", "Consumer lag metric missing for new topics",
        "Dashboard links lose the time range", "Frames with NaN values break the rollup",
        "Purge dry-run report lists deleted tenants", "Quota errors return 500 instead of 429",
    ],
}

TASKS = {
    "ALP": ["Upgrade Go to 1.24", "Rotate staging database credentials", "Document the release process",
            "Clean up feature flags older than 90 days", "Add CODEOWNERS for launchpad-api",
            "Spike: evaluate Temporal for scheduling", "Bump Node to 22 LTS in CI", "Write the on-call runbook for checkout",
            "Renew the staging TLS certificates", "Split the monorepo CI pipeline", "Archive the old console repository",
            "Add SLO dashboards for checkout", "Review Sentry alert rules", "Clean up unused API keys in staging"],
    "BET": ["Upgrade Kafka client to 3.9", "Move CI to arm64 runners", "Spike: ClickHouse projections",
            "Document the ingest architecture", "Tune JVM flags for Kafka Connect", "Remove unused Terraform modules",
            "Write the runbook for ingest lag", "Rotate the schema registry credentials",
            "Resize the ClickHouse cluster", "Enable Kafka rack awareness", "Clean up old DLQ topics",
            "Add cost dashboards for ingest", "Upgrade Python to 3.13 in the pipeline", "Review PagerDuty escalation policy"],
}

LABELS = {"launchpad-api": ["backend"], "mission-console": ["frontend"], "telemetry-pipeline": ["data"]}


class Sprint:
    def __init__(self, sid, name, board, start, end, complete, state, goal):
        self.id, self.name, self.board = sid, name, board
        self.start, self.end, self.complete, self.state, self.goal = start, end, complete, state, goal

    def field_obj(self):
        o = {"id": self.id, "name": self.name, "state": self.state, "boardId": self.board, "goal": self.goal}
        if self.start:
            o["startDate"] = mts(self.start)
            o["endDate"] = mts(self.end)
        if self.complete:
            o["completeDate"] = mts(self.complete)
        return o

    def agile_obj(self):
        o = {"id": self.id, "self": "%s/rest/agile/1.0/sprint/%d" % (SITE, self.id), "state": self.state, "name": self.name}
        if self.start:
            o["startDate"] = mts(self.start)
            o["endDate"] = mts(self.end)
        if self.complete:
            o["completeDate"] = mts(self.complete)
        o["createdDate"] = mts(self.created)
        o["originBoardId"] = self.board
        o["goal"] = self.goal
        return o


class Issue:
    def __init__(self, proj, itype, summary, epic, assignee, reporter, created, points, repo):
        self.proj, self.itype, self.summary, self.epic = proj, itype, summary, epic
        self.assignee, self.reporter, self.created, self.points = assignee, reporter, created, points
        self.repo = repo
        self.status = "To Do"
        self.resolution = None
        self.resolutiondate = None
        self.status_changed = created
        self.sprints = []  # Sprint objects in the field now
        self.flagged = False
        self.links = []  # (kind, other) kind in blocked_by | blocks
        self.hist = []  # [dt, author, items]
        self.priority = "Medium"
        self.labels = []
        self.key = None
        self.id = None
        self.started = None  # first time In Progress
        self.review_at = None  # first time In Review
        self.done_at = None
        self.blocked_log = []  # dicts for Slack
        self.page = None  # confluence page linked (epics)
        self.description = None
        self.children = []
        self.noise = False
        self.sprint_log = []  # (sprint, outcome)

    # -- changes that leave a trace in the changelog
    def add(self, dt, author, items):
        self.hist.append([dt, author, items])

    def set_status(self, dt, author, new, resolution="Done"):
        if new == self.status:
            return
        items = [{"field": "status", "fieldtype": "jira", "fieldId": "status",
                  "from": STATUSES[self.status][0], "fromString": self.status,
                  "to": STATUSES[new][0], "toString": new}]
        if new == "Done":
            items.append({"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
                          "from": None, "fromString": None,
                          "to": RESOLUTIONS[resolution][0], "toString": resolution})
            self.resolution = resolution
            self.resolutiondate = dt
            self.done_at = dt
        elif self.status == "Done":
            items.append({"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
                          "from": RESOLUTIONS[self.resolution][0], "fromString": self.resolution,
                          "to": None, "toString": None})
            self.resolution = None
            self.resolutiondate = None
            self.done_at = None
        if STATUSES[new][1] != STATUSES[self.status][1]:
            self.status_changed = dt
        if new == "In Progress" and self.started is None:
            self.started = dt
        if new == "In Review" and self.review_at is None:
            self.review_at = dt
        self.status = new
        self.add(dt, author, items)

    def set_sprints(self, dt, author, new):
        new = sorted(new, key=lambda s: s.id)
        items = [{"field": "Sprint", "fieldtype": "custom", "fieldId": "customfield_10020",
                  "from": ", ".join(str(s.id) for s in self.sprints),
                  "fromString": ", ".join(s.name for s in self.sprints),
                  "to": ", ".join(str(s.id) for s in new),
                  "toString": ", ".join(s.name for s in new)}]
        self.sprints = new
        self.add(dt, author, items)

    def set_points(self, dt, author, new):
        def fmt(v):
            return None if v is None else str(v)
        items = [{"field": "Story point estimate", "fieldtype": "custom", "fieldId": "customfield_10016",
                  "from": None, "fromString": fmt(self.points), "to": None, "toString": fmt(new)}]
        self.points = new
        self.add(dt, author, items)

    def set_flag(self, dt, author, on):
        if on == self.flagged:
            return
        items = [{"field": "Flagged", "fieldtype": "custom", "fieldId": "customfield_10021",
                  "from": None if on else "[10019]", "fromString": None if on else "Impediment",
                  "to": "[10019]" if on else None, "toString": "Impediment" if on else None}]
        self.flagged = on
        self.add(dt, author, items)

    def link_blocked_by(self, dt, author, other):
        self.links.append(("blocked_by", other))
        other.links.append(("blocks", self))
        self.add(dt, author, [{"field": "Link", "fieldtype": "jira", "from": None, "fromString": None,
                               "to": ("LINK", other), "toString": ("LINKTEXT", "This issue is blocked by ", other)}])
        other.add(dt, author, [{"field": "Link", "fieldtype": "jira", "from": None, "fromString": None,
                                "to": ("LINK", self), "toString": ("LINKTEXT", "This issue blocks ", self)}])


def pick_points(r, itype):
    if itype == "Bug" and r.random() < 0.45:
        return None
    if r.random() < 0.11:
        return None
    return r.choices([1, 2, 3, 5, 8, 13], weights=[2, 4, 5, 4, 2, 0.5])[0]


def bigger(points):
    ladder = [1, 2, 3, 5, 8, 13, 21]
    if points is None:
        return 3
    i = ladder.index(points) if points in ladder else 2
    return ladder[min(i + 1, len(ladder) - 1)]


class JiraSim:
    def __init__(self):
        self.r = random.Random(SEED + 2)
        self.issues = []
        self.sprints = {}  # key -> [Sprint]
        self.epics = {}  # key -> [Issue]
        self.summaries = {}

    # -- helpers
    def next_summary(self, proj, epic_i=None, kind="Story"):
        if kind == "Bug":
            pool = BUGS[proj]
        elif kind == "Task":
            pool = TASKS[proj]
        else:
            pool = EPICS[proj][epic_i][3]
        key = (proj, kind, epic_i)
        used = self.summaries.setdefault(key, 0)
        self.summaries[key] = used + 1
        text = pool[used % len(pool)]
        if used >= len(pool):  # the pool ran out: a believable repeat
            rnd = used // len(pool)
            if kind == "Bug":
                text = ("Regression: " if rnd == 1 else "Regression again: ") + text[0].lower() + text[1:]
            elif kind == "Task":
                text += " (follow-up)" if rnd == 1 else " (follow-up %d)" % rnd
            else:
                text += " — phase %d" % (rnd + 1)
        return text

    def new_issue(self, proj, created, kind=None, epic_i=None, sprint_idx=0):
        r = self.r
        if created < ANCHOR - timedelta(days=89):  # the Jira projects started with the team
            created = work_time(r, ANCHOR - timedelta(days=89), ANCHOR - timedelta(days=80))
        pj = PROJECTS[proj]
        if kind is None:
            kind = r.choices(["Story", "Bug", "Task"], weights=[72, 14, 14])[0]
        epics = self.epics[proj]
        if kind == "Story" and epic_i is None:
            # the first ALP epic (Auth hardening is last) closes early: weight by sprint
            choices = list(range(len(epics)))
            if proj == "ALP" and sprint_idx >= 3:
                choices = [0, 1, 2]
            epic_i = r.choice(choices)
        open_epics = epics[:3] if (proj == "ALP" and sprint_idx >= 3) else epics
        epic = epics[epic_i] if epic_i is not None else (r.choice(open_epics) if r.random() < 0.35 else None)
        if kind != "Story" and epic is not None:
            epic_i = epics.index(epic)
        summary = self.next_summary(proj, epic_i, kind) if kind == "Story" else self.next_summary(proj, None, kind)
        repo = epic.repo if epic else (EPICS[proj][0][1] if proj == "ALP" and r.random() < 0.6 else
                                      ("mission-console" if proj == "ALP" else "telemetry-pipeline"))
        assignee = r.choice(pj["team"])
        if repo == "mission-console" and r.random() < 0.6:
            assignee = r.choice([P["amara"], P["kenji"]])
        if r.random() < 0.06:
            assignee = P["rui"]
        reporter = r.choice([P["rui"], P["greta"], assignee, r.choice(pj["team"])])
        iss = Issue(proj, kind, summary, epic, assignee, reporter, created, pick_points(r, kind), repo)
        iss.priority = r.choices(["Highest", "High", "Medium", "Low"], weights=[1, 4, 12, 3])[0]
        if kind == "Bug":
            iss.priority = r.choices(["Highest", "High", "Medium"], weights=[2, 5, 6])[0]
        iss.labels = list(LABELS[repo])
        if r.random() < 0.15:
            iss.labels.append(r.choice(["tech-debt", "customer", "security", "performance"]))
        iss.labels.sort()
        if epic:
            epic.children.append(iss)
        self.issues.append(iss)
        return iss

    # -- sprints
    def make_sprints(self, proj):
        r = self.r
        pj = PROJECTS[proj]
        out = []
        dates = pj["sprint_dates"]
        for i, (y, m, d) in enumerate(dates):
            start = berlin(y, m, d, 10, 0, r.randrange(59)).replace(microsecond=r.randrange(1000) * 1000)
            end = start + timedelta(days=14)
            out.append(Sprint(pj["first_sprint_id"] + i, "%s %d" % (pj["sprint_prefix"], pj["first_sprint_no"] + i),
                              pj["board"], start, end, None, "closed", SPRINT_GOALS[i]))
        for i in range(len(out) - 1):
            out[i].complete = out[i + 1].start - timedelta(minutes=r.randrange(12, 45), seconds=r.randrange(60))
        out[-1].state = "active"
        fut = Sprint(pj["first_sprint_id"] + len(dates), "%s %d" % (pj["sprint_prefix"], pj["first_sprint_no"] + len(dates)),
                     pj["board"], None, None, None, "future", SPRINT_GOALS[len(dates)])
        out.append(fut)
        for s in out:
            base = s.start if s.start else out[-2].start + timedelta(days=5)
            s.created = max(base - timedelta(days=r.randrange(8, 15), minutes=r.randrange(600)),
                            ANCHOR - timedelta(days=90, minutes=-r.randrange(600)))
        self.sprints[proj] = out
        return out

    # -- an issue's life inside one sprint
    def play(self, iss, sp, entry, outcome, is_active):
        r = self.r
        limit = LATEST if is_active else sp.complete - timedelta(minutes=30)
        who = iss.assignee or P["rui"]
        # estimate changes once the sprint has started
        if iss.itype != "Epic" and r.random() < 0.14:
            t = work_time(r, max(entry, sp.start) + timedelta(hours=20), max(entry, sp.start) + timedelta(days=6))
            if t < limit:
                iss.set_points(t, r.choice([P["rui"], who]), bigger(iss.points))
        elif iss.points is None and iss.itype != "Bug" and r.random() < 0.5:
            t = work_time(r, max(entry, sp.start) + timedelta(hours=2), max(entry, sp.start) + timedelta(days=3))
            if t < limit:
                iss.set_points(t, P["rui"], r.choice([2, 3, 5]))
        if iss.status == "Blocked" or iss.flagged:
            # blocked across the sprint boundary: resolved early in this sprint (mostly)
            t = work_time(r, entry + timedelta(hours=1), entry + timedelta(days=3))
            if t < limit - timedelta(hours=2) and not (is_active and r.random() < 0.4):
                iss.set_flag(t, who, False)
                if iss.status == "Blocked":
                    iss.set_status(t + timedelta(seconds=r.randrange(5, 50)), who, "In Progress")
                for b in iss.blocked_log:
                    if b["end"] is None:
                        b["end"] = t
            else:
                return
        if outcome in ("wontdo", "duplicate"):
            t = work_time(r, entry + timedelta(hours=3), min(limit, entry + timedelta(days=8)))
            iss.set_status(t, P["rui"], "Done", "Won't Do" if outcome == "wontdo" else "Duplicate")
            return
        span = (limit - entry)
        # start
        if iss.status == "To Do":
            if not (outcome == "partial" and r.random() < 0.3):
                t = work_time(r, entry + timedelta(minutes=20), entry + span * (0.4 if outcome == "done" else 0.7))
                iss.set_status(t, who, "In Progress")
        cur = iss.hist[-1][0] if iss.hist else entry
        cur = max(cur, entry)
        if outcome == "removed":
            t = work_time(r, cur + timedelta(hours=4), cur + span * 0.5)
            if iss.status != "To Do" and r.random() < 0.5:
                iss.set_status(t - timedelta(minutes=3), who, "To Do")
            nxt = []
            iss.set_sprints(t, P["rui"], [s for s in iss.sprints if s is not sp] + nxt)
            return
        # blocked?
        if iss.status in ("In Progress",) and r.random() < (0.16 if not is_active else 0.45):
            tb = work_time(r, cur + timedelta(hours=2), cur + (limit - cur) * 0.4)
            if tb < limit - timedelta(hours=1):
                entry_log = self.block(iss, tb, who, r.random() < 0.75)
                hard = entry_log["hard"]
                tu = work_time(r, tb + timedelta(hours=5), tb + timedelta(days=r.choice([1, 2, 3])))
                if tu < limit - timedelta(hours=1) and not (is_active and r.random() < 0.6):
                    iss.set_flag(tu, who, False)
                    if hard:
                        iss.set_status(tu + timedelta(seconds=r.randrange(5, 50)), who, "In Progress")
                    entry_log["end"] = tu
                    cur = tu
                else:
                    return  # stays blocked across the sprint end / at the anchor
        if outcome == "partial":
            if iss.status == "In Progress" and r.random() < 0.5:
                t = work_time(r, cur + timedelta(hours=3), limit - timedelta(hours=2))
                if t < limit:
                    iss.set_status(t, who, "In Review")
            return
        # done path
        if iss.status == "To Do":
            t = work_time(r, cur + timedelta(minutes=20), cur + (limit - cur) * 0.3)
            iss.set_status(t, who, "In Progress")
            cur = t
        if iss.status == "In Progress":
            t = work_time(r, cur + timedelta(hours=3), cur + (limit - cur) * 0.65)
            iss.set_status(t, who, "In Review")
            cur = t
        if iss.status == "In Review":
            t = work_time(r, cur + timedelta(hours=2), min(limit - timedelta(minutes=40), cur + timedelta(days=4)))
            if t >= limit:
                return
            iss.set_status(t, r.choice([who, who, P["rui"]]), "Done")
            cur = t
            # a reopen now and then
            if r.random() < 0.04 and not is_active:
                t2 = work_time(r, cur + timedelta(hours=3), cur + timedelta(days=2))
                if t2 < limit - timedelta(hours=6):
                    iss.set_status(t2, r.choice([P["rui"], P["greta"]]), "In Progress")
                    t3 = work_time(r, t2 + timedelta(hours=2), limit - timedelta(hours=1))
                    iss.set_status(t3, who, "Done")

    def block(self, iss, tb, who, hard):
        r = self.r
        blocked_by_me = [o for k, o in iss.links if k == "blocks"]
        blockers = [o for o in self.issues if o.proj == iss.proj and o is not iss and o.itype != "Epic"
                    and o.created < tb and o.status not in ("Done", "Blocked") and not o.flagged
                    and o not in blocked_by_me]
        blocker = r.choice(blockers) if blockers and r.random() < 0.8 else None
        waiting = (blocker.assignee if blocker and blocker.assignee and blocker.assignee is not who
                   else r.choice([P["rui"]] + [p for p in PROJECTS[iss.proj]["team"] if p is not who]))
        if hard:
            iss.set_status(tb, who, "Blocked")
        iss.set_flag(tb + timedelta(seconds=r.randrange(5, 40)), who, True)
        if blocker is not None:
            iss.link_blocked_by(tb + timedelta(seconds=r.randrange(41, 90)), who, blocker)
        log = {"issue": iss, "start": tb, "end": None, "blocker": blocker, "waiting_on": waiting,
               "person": who, "hard": hard}
        iss.blocked_log.append(log)
        return log

    def run_project(self, proj):
        r = self.r
        pj = PROJECTS[proj]
        sprints = self.make_sprints(proj)
        first = sprints[0]
        # epics
        self.epics[proj] = []
        for i, (title, repo, slug, _) in enumerate(EPICS[proj]):
            created = work_time(r, ANCHOR - timedelta(days=89), first.start - timedelta(days=10))
            e = Issue(proj, "Epic", title, None, P["rui"] if i % 2 == 0 else r.choice(pj["team"]),
                      P["greta"], created, None, repo)
            e.priority = "High"
            e.labels = list(LABELS[repo])
            e.slug = slug
            self.epics[proj].append(e)
            self.issues.append(e)
        # a groomed backlog before the first sprint
        backlog = []
        for _ in range(pj["backlog"]):
            created = work_time(r, ANCHOR - timedelta(days=88), ANCHOR - timedelta(days=3))
            backlog.append(self.new_issue(proj, created, sprint_idx=5))
        carry = []
        active_sprints = sprints[:-1]
        for k, sp in enumerate(active_sprints):
            is_active = sp.state == "active"
            # planned: carried + new
            planned = []
            for _ in range(pj["new_per_sprint"] - (2 if is_active else 0)):
                created = work_time(r, sp.start - timedelta(days=18), sp.start - timedelta(hours=3))
                iss = self.new_issue(proj, created, sprint_idx=k)
                pt = work_time(r, max(created + timedelta(minutes=30), sp.start - timedelta(days=3)), sp.start - timedelta(minutes=5))
                pt = min(pt, sp.start - timedelta(minutes=2))
                iss.set_sprints(pt, P["rui"], iss.sprints + [sp])
                planned.append(iss)
            # scope added after the start
            added = []
            n_added = pj["added_per_sprint"] + r.randrange(2) - (1 if is_active else 0)
            for j in range(n_added):
                t = work_time(r, sp.start + timedelta(hours=20), min(sp.start + timedelta(days=9), LATEST - timedelta(hours=2)))
                if j == 0 or r.random() < 0.5:  # a fresh bug reported mid-sprint
                    iss = self.new_issue(proj, t - timedelta(minutes=r.randrange(20, 240)), kind="Bug", sprint_idx=k)
                    iss.priority = "High"
                else:
                    cands = [b for b in backlog if not b.sprints and b.status == "To Do" and b.created < t]
                    if not cands:
                        continue
                    iss = r.choice(cands)
                    backlog.remove(iss)
                iss.set_sprints(t, P["rui"], iss.sprints + [sp])
                added.append((iss, t))
            # play
            entries = [(i, sp.start, True) for i in carry] + [(i, sp.start, False) for i in planned] + \
                      [(i, t, False) for i, t in added]
            next_carry = []
            plan = []
            for iss, entry, was_carried in entries:
                n_before = sum(1 for s in iss.sprints if s.state == "closed" and s is not sp)
                if is_active:
                    outcome = r.choices(["done", "partial", "todo"], weights=[40, 45, 15])[0]
                    if outcome == "todo":
                        outcome = "partial"
                        if iss.status == "To Do":
                            continue
                elif iss.epic is not None and iss.epic.summary == "Auth hardening":
                    outcome = "done"  # this epic closes before the end of the year
                elif n_before >= 2:
                    outcome = r.choices(["done", "removed"], weights=[85, 15])[0]
                elif was_carried:
                    outcome = r.choices(["done", "partial", "removed", "wontdo"], weights=[66, 24, 5, 5])[0]
                else:
                    outcome = r.choices(["done", "partial", "removed", "wontdo", "duplicate"],
                                        weights=[63, 22, 6, 5, 4])[0]
                plan.append([iss, entry, outcome])
            if not is_active:  # every sprint leaves some work unfinished
                dones = [p for p in plan if p[2] == "done" and not (p[0].epic and p[0].epic.summary == "Auth hardening")]
                while sum(1 for p in plan if p[2] == "partial") < 3 and dones:
                    dones.pop(r.randrange(len(dones)))[2] = "partial"
            for iss, entry, outcome in plan:
                self.play(iss, sp, entry, outcome, is_active)
                iss.sprint_log.append((sp, outcome))
                if outcome == "removed" and iss not in backlog:
                    backlog.append(iss)
                if not is_active and iss.status != "Done" and sp in iss.sprints:
                    next_carry.append(iss)
            if is_active:
                break
            # completing the sprint: open issues go to the next sprint (most) or the backlog
            nxt = sprints[k + 1]
            carry = []
            for iss in next_carry:
                if r.random() < 0.88:
                    iss.set_sprints(sp.complete + timedelta(milliseconds=r.randrange(100, 900)), P["rui"],
                                    iss.sprints + [nxt])
                    carry.append(iss)
                else:
                    backlog.append(iss)
        # the active sprint always shows a couple of impediments right now
        act = sprints[-2]
        in_act = [i for i in self.issues if i.proj == proj and act in i.sprints]
        n_blocked = sum(1 for i in in_act if i.status == "Blocked")
        n_flag_only = sum(1 for i in in_act if i.flagged and i.status != "Blocked")
        for iss in [i for i in in_act if i.status == "In Progress" and not i.flagged]:
            want_hard = n_blocked < 2
            if not want_hard and n_flag_only >= 1:
                break
            tb = work_time(r, max(iss.hist[-1][0], LATEST - timedelta(days=3)) + timedelta(minutes=10),
                           LATEST - timedelta(minutes=40))
            self.block(iss, tb, iss.assignee or P["rui"], want_hard)
            if want_hard:
                n_blocked += 1
            else:
                n_flag_only += 1
        # future sprint: a few backlog items planned ahead
        fut = sprints[-1]
        cands = [b for b in backlog if b.status == "To Do" and not any(s.state != "closed" for s in b.sprints)]
        r.shuffle(cands)
        for iss in cands[:7]:
            t = work_time(r, max(iss.created, ANCHOR - timedelta(days=4)) + timedelta(minutes=10), LATEST - timedelta(minutes=30))
            iss.set_sprints(t, P["rui"], iss.sprints + [fut])
        # backlog assignee churn: some unassigned
        for iss in backlog:
            if iss.status == "To Do" and not iss.sprints and r.random() < 0.35:
                iss.assignee = None
        # epics follow their children
        for e in self.epics[proj]:
            starts = [c.started for c in e.children if c.started]
            if starts:
                t0 = min(starts) - timedelta(minutes=r.randrange(5, 90))
                e.set_status(t0, e.assignee, "In Progress")
                kids_done = [c for c in e.children if c.status == "Done"]
                if e.children and len(kids_done) == len(e.children):
                    e.set_status(max(c.done_at for c in kids_done) + timedelta(hours=r.randrange(2, 30)), P["greta"], "Done")

    def noise(self, iss, n):
        """Backlog grooming churn: ranks, labels and priority edits."""
        r = self.r
        end = max(h[0] for h in iss.hist) if iss.hist else LATEST
        for _ in range(n):
            t = work_time(r, iss.created + timedelta(hours=1), end)
            kind = r.random()
            if kind < 0.7:
                items = [{"field": "Rank", "fieldtype": "custom", "fieldId": "customfield_10019", "from": "",
                          "fromString": "", "to": "", "toString": r.choice(["Ranked higher", "Ranked lower"])}]
            elif kind < 0.85:
                old = " ".join(iss.labels)
                lab = sorted(set(iss.labels) ^ {"needs-refinement"})
                iss.labels = lab
                items = [{"field": "labels", "fieldtype": "jira", "fieldId": "labels", "from": None,
                          "fromString": old, "to": None, "toString": " ".join(lab)}]
            else:
                newp = r.choice([p for p in ("High", "Medium", "Low") if p != iss.priority])
                items = [{"field": "priority", "fieldtype": "jira", "fieldId": "priority",
                          "from": PRIORITIES[iss.priority], "fromString": iss.priority,
                          "to": PRIORITIES[newp], "toString": newp}]
                iss.priority = newp
            iss.add(t, r.choice([P["rui"], P["greta"], iss.assignee or P["rui"]]), items)

    def run(self):
        for proj in ("ALP", "BET"):
            self.run_project(proj)
        r = self.r
        # five long-lived issues get a changelog longer than a search returns
        long_lived = [i for i in self.issues if i.itype != "Epic" and len([s for s in i.sprints]) >= 2]
        long_lived.sort(key=lambda i: (i.created, i.summary))
        chosen = []
        for proj in ("ALP", "BET"):
            chosen += [i for i in long_lived if i.proj == proj][:3 if proj == "ALP" else 2]
        for iss in chosen:
            self.noise(iss, 41 - len(iss.hist) + r.randrange(2, 7))
            iss.noise = True
        self.long_changelog = chosen
        # ids and keys in creation order
        self.issues.sort(key=lambda i: (i.created, i.proj, i.summary))
        counters = {"ALP": 0, "BET": 0}
        for n, iss in enumerate(self.issues):
            counters[iss.proj] += 1
            iss.key = "%s-%d" % (iss.proj, counters[iss.proj])
            iss.id = str(10001 + n)
            for h in iss.hist:
                h[0] = min(h[0], LATEST)
            iss.hist.sort(key=lambda h: h[0])
        # history ids: chronological across the site
        allh = sorted(((h[0], iss.id, j) for iss in self.issues for j, h in enumerate(iss.hist)))
        self.hist_id = {}
        for n, (_, iid, j) in enumerate(allh):
            self.hist_id[(iid, j)] = str(100100 + n * 3 + (n % 3))
        for iss in self.issues:
            self.describe(iss)
        return self

    def describe(self, iss):
        r = random.Random(SEED + int(iss.id))
        if iss.itype == "Epic":
            return  # filled in once Confluence pages exist
        if r.random() < 0.14:
            iss.description = None
            return
        if iss.itype == "Bug":
            blocks = [adf_para(adf_text("Seen in production by a customer; "), adf_text("reproducible", [{"type": "strong"}]),
                               adf_text(" on staging.")),
                      adf_heading("Steps to reproduce"),
                      adf_list(["Sign in to the console as a tenant admin", "Open the affected view",
                                "Trigger: " + iss.summary.lower()], ordered=True),
                      adf_heading("Expected"), adf_para(adf_text("No error, the data shows as before."))]
            if r.random() < 0.4:
                blocks.append(adf_code("ERROR %s request_id=req_%s status=500" % (iss.repo, sha(iss.id)[:12]), "text"))
        elif iss.itype == "Task":
            blocks = [adf_para(adf_text(iss.summary + ". Keep the change small and reversible.")),
                      adf_list(["Update the docs", "Announce in #orbital-team when done"])]
        else:
            blocks = [adf_para(adf_text("As an operator I want this: %s." % iss.summary)),
                      adf_heading("Acceptance criteria"),
                      adf_list(r.sample(["Covered by tests", "Documented in the API reference", "Behind a feature flag",
                                         "Metrics exported", "Works for every tenant", "No p95 regression"], 3))]
            if iss.epic is not None and r.random() < 0.3:
                blocks.append(adf_para(adf_text("Part of "), {"type": "inlineCard", "attrs": {"url": "%s/browse/%s" % (SITE, iss.epic.key)}}))
        iss.description = adf_doc(*blocks)


def render_items(items):
    out = []
    for it in items:
        o = {}
        for k, v in it.items():
            if isinstance(v, tuple) and v and v[0] == "LINK":
                v = v[1].key
            elif isinstance(v, tuple) and v and v[0] == "LINKTEXT":
                v = v[1] + v[2].key
            o[k] = v
        out.append(o)
    return out


def history_obj(sim, iss, j):
    dt, author, items = iss.hist[j]
    return {"id": sim.hist_id[(iss.id, j)], "author": jira_user(author), "created": jts(dt), "items": render_items(items)}


def link_obj(kind, other, link_id):
    o = {"id": link_id, "self": "%s/rest/api/3/issueLink/%s" % (SITE, link_id),
         "type": {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks",
                  "self": SITE + "/rest/api/3/issueLinkType/10000"}}
    brief = {"id": other.id, "key": other.key, "self": "%s/rest/api/3/issue/%s" % (SITE, other.id),
             "fields": {"summary": other.summary, "status": status_obj(other.status),
                        "priority": priority_obj(other.priority), "issuetype": issuetype_obj(other.itype)}}
    o["inwardIssue" if kind == "blocked_by" else "outwardIssue"] = brief
    return o


def adf_to_wiki(node):
    """The Agile REST API (v2 field format) returns descriptions as wiki markup."""
    if node is None:
        return None
    t = node.get("type")
    if t == "doc":
        return "\n\n".join(adf_to_wiki(c) for c in node["content"])
    if t == "text":
        txt = node["text"]
        if any(m["type"] == "strong" for m in node.get("marks", [])):
            txt = "*%s*" % txt
        return txt
    if t == "inlineCard":
        return "[%s|%s|smart-link]" % (node["attrs"]["url"], node["attrs"]["url"])
    if t == "paragraph":
        return "".join(adf_to_wiki(c) for c in node.get("content", []))
    if t == "heading":
        return "h%d. %s" % (node["attrs"]["level"], "".join(adf_to_wiki(c) for c in node["content"]))
    if t in ("bulletList", "orderedList"):
        mark = "*" if t == "bulletList" else "#"
        return "\n".join("%s %s" % (mark, adf_to_wiki(li["content"][0])) for li in node["content"])
    if t == "codeBlock":
        return "{code:%s}%s{code}" % (node["attrs"].get("language", ""), adf_to_wiki(node["content"][0]))
    return ""


def issue_fields(sim, iss, agile=False):
    updated = max([iss.created] + [h[0] for h in iss.hist])
    iss.updated = updated
    f = {
        "statuscategorychangedate": jts(iss.status_changed),
        "issuetype": issuetype_obj(iss.itype),
    }
    if iss.epic is not None:
        e = iss.epic
        f["parent"] = {"id": e.id, "key": e.key, "self": "%s/rest/api/3/issue/%s" % (SITE, e.id),
                       "fields": {"summary": e.summary, "status": status_obj(e.status),
                                  "priority": priority_obj(e.priority), "issuetype": issuetype_obj("Epic")}}
    pj = PROJECTS[iss.proj]
    f.update({
        "project": {"self": "%s/rest/api/3/project/%s" % (SITE, pj["id"]), "id": pj["id"], "key": iss.proj,
                    "name": pj["name"], "projectTypeKey": "software", "simplified": False},
        "resolution": resolution_obj(iss.resolution),
        "resolutiondate": jts(iss.resolutiondate) if iss.resolutiondate else None,
        "created": jts(iss.created),
        "priority": priority_obj(iss.priority),
        "labels": list(iss.labels),
        "issuelinks": [],
        "assignee": jira_user(iss.assignee),
        "updated": jts(updated),
        "status": status_obj(iss.status),
        "description": adf_to_wiki(iss.description) if agile else iss.description,
        "summary": iss.summary,
        "reporter": jira_user(iss.reporter),
        "customfield_10016": iss.points,
        "customfield_10020": [s.field_obj() for s in iss.sprints] if iss.sprints else None,
        "customfield_10021": [dict(FLAG_OPTION)] if iss.flagged else None,
        "customfield_10028": None,
    })
    for n, (kind, other) in enumerate(iss.links):
        a, b = (iss, other) if kind == "blocked_by" else (other, iss)
        lid = str(10100 + (int(a.id) * 7 + int(b.id)) % 9000)
        f["issuelinks"].append(link_obj(kind, other, lid))
    if agile:
        cur = [s for s in iss.sprints if s.state != "closed"]
        f["sprint"] = cur[0].agile_obj() if cur else None
        closed = [s.agile_obj() for s in iss.sprints if s.state == "closed"]
        if closed:
            f["closedSprints"] = closed
        f["flagged"] = iss.flagged
        e = iss.epic
        f["epic"] = None if e is None else {
            "id": int(e.id), "key": e.key, "self": "%s/rest/agile/1.0/epic/%s" % (SITE, e.id), "name": e.summary,
            "summary": e.summary, "color": {"key": "color_%d" % (int(e.id) % 9 + 1)}, "done": e.status == "Done"}
    return f


def issue_obj(sim, iss, agile=False):
    o = {"expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
         "id": iss.id,
         "self": "%s/rest/%s/issue/%s" % (SITE, "agile/1.0" if agile else "api/3", iss.id),
         "key": iss.key}
    if not agile:
        hs = [history_obj(sim, iss, j) for j in range(len(iss.hist))]
        hs.reverse()  # embedded changelogs come newest first
        total = len(hs)
        if iss.noise:
            hs = hs[:40]
            o["changelog"] = {"startAt": 0, "maxResults": 40, "total": total, "histories": hs}
        else:
            o["changelog"] = {"startAt": 0, "maxResults": total, "total": total, "histories": hs}
    o["fields"] = issue_fields(sim, iss, agile)
    return o


def field_catalogue():
    def std(fid, name, schema, clause=None, orderable=True, navigable=True, searchable=True):
        return {"id": fid, "key": fid, "name": name, "custom": False, "orderable": orderable, "navigable": navigable,
                "searchable": searchable, "clauseNames": clause or [fid], "schema": schema}

    def cust(num, name, typ, custom, clause, items=None):
        schema = {"type": typ, "custom": custom, "customId": num}
        if items:
            schema["items"] = items
        return {"id": "customfield_%d" % num, "key": "customfield_%d" % num, "name": name, "untranslatedName": name,
                "custom": True, "orderable": True, "navigable": True, "searchable": True,
                "clauseNames": ["cf[%d]" % num] + clause, "schema": schema}

    return [
        std("summary", "Summary", {"type": "string", "system": "summary"}),
        std("status", "Status", {"type": "status", "system": "status"}, orderable=False),
        std("issuetype", "Issue Type", {"type": "issuetype", "system": "issuetype"}, ["issuetype", "type"]),
        std("parent", "Parent", {"type": "issuelink", "system": "parent"}, ["parent"]),
        std("project", "Project", {"type": "project", "system": "project"}, orderable=False),
        std("assignee", "Assignee", {"type": "user", "system": "assignee"}),
        std("reporter", "Reporter", {"type": "user", "system": "reporter"}),
        std("created", "Created", {"type": "datetime", "system": "created"}, ["created", "createdDate"], orderable=False),
        std("updated", "Updated", {"type": "datetime", "system": "updated"}, ["updated", "updatedDate"], orderable=False),
        std("resolutiondate", "Resolved", {"type": "datetime", "system": "resolutiondate"},
            ["resolutiondate", "resolved"], orderable=False),
        std("resolution", "Resolution", {"type": "resolution", "system": "resolution"}),
        std("priority", "Priority", {"type": "priority", "system": "priority"}),
        std("labels", "Labels", {"type": "array", "items": "string", "system": "labels"}),
        std("issuelinks", "Linked Issues", {"type": "array", "items": "issuelinks", "system": "issuelinks"},
            ["issueLink"], navigable=True, searchable=True),
        std("description", "Description", {"type": "string", "system": "description"}),
        std("statuscategorychangedate", "Status Category Changed",
            {"type": "datetime", "system": "statuscategorychangedate"}, ["statusCategoryChangedDate"], orderable=False),
        cust(10014, "Epic Link", "any", "com.pyxis.greenhopper.jira:gh-epic-link", ["Epic Link"]),
        cust(10015, "Start date", "date", "com.atlassian.jira.plugin.system.customfieldtypes:datepicker", ["Start date"]),
        cust(10016, "Story point estimate", "number", "com.pyxis.greenhopper.jira:jsw-story-points",
             ["Story point estimate"]),
        cust(10019, "Rank", "any", "com.pyxis.greenhopper.jira:gh-lexo-rank", ["Rank"]),
        cust(10020, "Sprint", "array", "com.pyxis.greenhopper.jira:gh-sprint", ["Sprint"], items="json"),
        cust(10021, "Flagged", "array", "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes",
             ["Flagged", "Flagged[Checkboxes]"], items="option"),
        cust(10028, "Story Points", "number", "com.atlassian.jira.plugin.system.customfieldtypes:float",
             ["Story Points", "Story Points[Number]"]),
    ]


def emit_jira(sim):
    me = P["greta"]
    myself = jira_user(me)
    myself.update({"emailAddress": me["email"], "locale": "en_US",
                   "groups": {"size": 3, "items": []}, "applicationRoles": {"size": 1, "items": []},
                   "expand": "groups,applicationRoles"})
    write_json("jira/myself.json", myself)
    route("jira", "/rest/api/3/myself", "jira/myself.json")
    write_json("jira/field.json", field_catalogue())
    route("jira", "/rest/api/3/field", "jira/field.json")

    boards = []
    for proj, pj in PROJECTS.items():
        b = pj["board"]
        loc = {"projectId": int(pj["id"]), "displayName": "%s (%s)" % (pj["name"], proj), "projectName": pj["name"],
               "projectKey": proj, "projectTypeKey": "software",
               "avatarURI": "%s/rest/api/2/universal_avatar/view/type/project/avatar/10411?size=small" % SITE,
               "name": "%s (%s)" % (pj["name"], proj)}
        boards.append({"id": b, "self": "%s/rest/agile/1.0/board/%d" % (SITE, b), "name": "%s board" % proj,
                       "type": "scrum", "location": loc})
        conf = {
            "id": b, "name": "%s board" % proj, "type": "scrum",
            "self": "%s/rest/agile/1.0/board/%d/configuration" % (SITE, b),
            "location": {"type": "project", "key": proj, "id": pj["id"],
                         "self": "%s/rest/api/2/project/%s" % (SITE, pj["id"]), "name": pj["name"]},
            "filter": {"id": str(10000 + b), "self": "%s/rest/api/2/filter/%d" % (SITE, 10000 + b)},
            "subQuery": {"query": "fixVersion in unreleasedVersions() OR fixVersion is EMPTY"},
            "columnConfig": {"columns": [
                {"name": "To Do", "statuses": [{"id": "10000", "self": SITE + "/rest/api/2/status/10000"}]},
                {"name": "In Progress", "statuses": [{"id": "3", "self": SITE + "/rest/api/2/status/3"},
                                                     {"id": "10003", "self": SITE + "/rest/api/2/status/10003"}]},
                {"name": "In Review", "statuses": [{"id": "10001", "self": SITE + "/rest/api/2/status/10001"}]},
                {"name": "Done", "statuses": [{"id": "10002", "self": SITE + "/rest/api/2/status/10002"}]},
            ], "constraintType": "none"},
            "estimation": {"type": "field", "field": {"fieldId": "customfield_10016", "displayName": "Story point estimate"}},
            "ranking": {"rankCustomFieldId": 10019},
        }
        write_json("jira/board-%d-configuration.json" % b, conf)
        route("jira", "/rest/agile/1.0/board/%d/configuration" % b, "jira/board-%d-configuration.json" % b)
        sprints = sim.sprints[proj]
        write_json("jira/board-%d-sprints.json" % b, {"maxResults": 50, "startAt": 0, "isLast": True,
                                                       "values": [s.agile_obj() for s in sprints]})
        route("jira", "/rest/agile/1.0/board/%d/sprint" % b, "jira/board-%d-sprints.json" % b,
              pages={"style": "jira_startat", "items": "values", "page_size": 50})
        for s in sprints:
            members = [i for i in sim.issues if s in i.sprints]
            members.sort(key=lambda i: int(i.id))
            fn = "jira/sprint-%d-issues.json" % s.id
            write_json(fn, {"expand": "schema,names", "startAt": 0, "maxResults": 50, "total": len(members),
                            "issues": [issue_obj(sim, i, agile=True) for i in members]})
            route("jira", "/rest/agile/1.0/sprint/%d/issue" % s.id, fn,
                  pages={"style": "jira_startat", "items": "issues", "page_size": 50})
    write_json("jira/boards.json", {"maxResults": 50, "startAt": 0, "total": len(boards), "isLast": True, "values": boards})
    route("jira", "/rest/agile/1.0/board", "jira/boards.json",
          pages={"style": "jira_startat", "items": "values", "page_size": 50})

    for proj in PROJECTS:
        issues = [i for i in sim.issues if i.proj == proj]
        issues.sort(key=lambda i: (max([i.created] + [h[0] for h in i.hist]), int(i.id)))  # updated ascending
        objs = [issue_obj(sim, i) for i in issues]
        fn = "jira/search-%s.json" % proj
        write_json(fn, {"issues": objs})
        route("jira", "/rest/api/3/search/jql", fn, query={"jql": "project = %s" % proj},
              pages={"style": "jira_token", "items": "issues", "page_size": 50})

    for iss in sim.long_changelog:
        values = [history_obj(sim, iss, j) for j in range(len(iss.hist))]
        fn = "jira/issue-%s-changelog.json" % iss.id
        write_json(fn, {"self": "%s/rest/api/3/issue/%s/changelog?maxResults=100&startAt=0" % (SITE, iss.id),
                        "maxResults": 100, "startAt": 0, "total": len(values), "isLast": True, "values": values})
        route("jira", "/rest/api/3/issue/%s/changelog" % iss.id, fn,
              pages={"style": "jira_startat", "items": "values", "page_size": 20})


# ==========================================================================
# GITHUB
# ==========================================================================

REPOS = {
    "launchpad-api": {"id": 893412001, "lang": "Go", "first_pr": 401, "created": "2023-02-14T10:02:11Z",
                      "desc": "Launchpad public API: checkout, scheduling, auth"},
    "mission-console": {"id": 893412077, "lang": "TypeScript", "first_pr": 151, "created": "2023-05-03T08:40:52Z",
                        "desc": "Mission console web app"},
    "telemetry-pipeline": {"id": 893412140, "lang": "Python", "first_pr": 88, "created": "2024-01-22T13:15:09Z",
                           "desc": "Telemetry ingest, rollups and retention"},
}
BOT_DEPENDABOT = {"login": "dependabot[bot]", "id": 49699333, "type": "Bot", "name": "dependabot[bot]",
                  "email": "49699333+dependabot[bot]@users.noreply.example.com"}
BOT_CI = {"login": "orbital-ci[bot]", "id": 190477215, "type": "Bot", "name": "orbital-ci[bot]",
          "email": "orbital-ci[bot]@users.noreply.example.com"}
RELEASER = {"login": "orbital-releaser", "id": 190480032, "type": "User", "name": "Orbital Releaser",
            "email": "releaser@example.com"}
WEB_FLOW = {"login": "web-flow", "id": 19864447, "type": "User", "name": "GitHub", "email": "noreply@example.com"}
ORG_USER = {"login": ORG, "id": 190400001, "type": "Organization"}


def gh_actor(p):
    """A person dict or a bot dict -> the fields every GitHub object needs."""
    if "github" in p:
        return {"login": p["github"], "id": p["gh_id"], "type": "User", "name": p["name"],
                "email": p["email"], "person": p}
    return p


def gh_user(a):
    login = a["login"]
    node = base64.b64encode(("04:User%d" % a["id"]).encode()).decode()
    return {
        "login": login, "id": a["id"], "node_id": node,
        "html_url": "%s/%s" % (GH_WEB, urllib.parse.quote(login)),
        "type": a["type"], "site_admin": False,
    }


def repo_obj(name):
    rp = REPOS[name]
    full = "%s/%s" % (ORG, name)
    return {
        "id": rp["id"], "node_id": base64.b64encode(("010:Repository%d" % rp["id"]).encode()).decode(),
        "name": name, "full_name": full, "private": True, "owner": gh_user(ORG_USER),
        "html_url": "%s/%s" % (GH_WEB, full), "url": "%s/repos/%s" % (GH_API, full), "default_branch": "main",
    }


class PR:
    pass


COMMIT_VERBS = ["add", "wire up", "handle", "test", "refactor", "document", "fix", "tidy"]


class GitHubSim:
    def __init__(self, jira):
        self.r = random.Random(SEED + 3)
        self.jira = jira
        self.prs = []
        self.direct = []  # direct pushes to main: (repo, actor, dt, message)
        self.event_id = 15000000000
        self.review_id = 2600000000

    def squad_mates(self, author, repo):
        team = ALP_TEAM if repo in ("launchpad-api", "mission-console") else BET_TEAM
        return [p for p in team + [P["rui"]] if p is not author]

    def new_pr(self, repo, author, title, body, branch, created):
        pr = PR()
        pr.repo, pr.author, pr.title, pr.body, pr.branch, pr.created = repo, gh_actor(author), title, body, branch, created
        pr.draft_events = []  # (dt, "convert_to_draft"|"ready_for_review")
        pr.draft_now = False
        pr.ready_at = created
        pr.requested = []  # (dt, requester, reviewer)
        pr.reviews = []  # dicts
        pr.comments = []  # (dt, actor, body)
        pr.commits = []  # dicts
        pr.merged_at = None
        pr.closed_at = None
        pr.merged_by = None
        pr.issue = None
        pr.stale = False
        pr.labels = []
        self.prs.append(pr)
        return pr

    def add_commits(self, pr, a, b, n, author):
        r = self.r
        times = sorted(work_time(r, a, b, 8, 20) for _ in range(n))
        key = pr.issue.key if pr.issue else None
        for j, t in enumerate(times):
            if j == 0 and key:
                msg = "%s: %s" % (key, pr.title.split(": ", 1)[-1][0].lower() + pr.title.split(": ", 1)[-1][1:])
            elif pr.author["type"] == "Bot":
                msg = pr.title
            else:
                msg = r.choice(["%s %s" % (r.choice(COMMIT_VERBS), r.choice(["edge cases", "the happy path", "error mapping",
                                                                              "metrics", "config", "migrations", "tests"])),
                                "address review comments", "fix lint", "wip", "rename per review", "add missing test"])
            co = None
            if author.get("person") and r.random() < 0.13:
                mate = r.choice(self.squad_mates(author["person"], pr.repo))
                co = mate
                msg += "\n\nCo-authored-by: %s <%s>" % (mate["name"], mate["email"])
            email = author["email"]
            if author.get("person"):
                pp = author["person"]
                if len(pp["emails"]) > 1 and r.random() < 0.4:
                    email = pp["emails"][1]
                if pp["key"] == "kenji" and r.random() < 0.3:
                    email = "kenji.dev@example.org"  # a laptop email that is in nobody's config
            pr.commits.append({"sha": sha(pr.repo, pr.title, pr.created, j, len(pr.commits)), "dt": t, "msg": msg,
                               "author": author, "email": email, "co": co})

    def review(self, pr, t, who, state, body=""):
        self.review_id += self.r.randrange(3, 400)
        sha_at = [c for c in pr.commits if c["dt"] <= t]
        commit = (sha_at[-1] if sha_at else pr.commits[0])["sha"]
        pr.reviews.append({"id": self.review_id, "dt": t, "who": gh_actor(who) if "github" in who else who,
                           "state": state, "body": body, "commit": commit})

    def play_reviews(self, pr, end, mode, reviewers):
        """Requested reviews, bot comments, human reviews, fixups between ready and end."""
        r = self.r
        t0 = pr.ready_at
        for rv in reviewers:
            pr.requested.append((t0 + timedelta(seconds=r.randrange(3, 40)), pr.author, gh_actor(rv)))
        if mode == "none":
            return
        if mode in ("bot_only", "normal") and r.random() < (1.0 if mode == "bot_only" else 0.55):
            tb = t0 + timedelta(minutes=r.randrange(4, 16), seconds=r.randrange(60))
            if tb < end:
                cov = 70 + r.randrange(250) / 10
                self.review(pr, tb, BOT_CI, "COMMENTED",
                            "Coverage report: %.1f%% (%+.1f%%). Lint: clean. Bundle size: unchanged." % (cov, (r.randrange(-20, 30)) / 10))
        if mode == "bot_only":
            return
        if not reviewers:
            return
        a = reviewers[0]
        lat_hours = r.choice([1, 2, 3, 5, 8, 20, 26, 30, 50])
        t1 = work_time(r, t0 + timedelta(minutes=20), t0 + timedelta(hours=lat_hours))
        if t1 >= end:
            if pr.merged_at is None:
                return  # still waiting for a review
            t1 = t0 + (end - t0) * 0.5
        if r.random() < 0.27 and t1 < end - timedelta(hours=2):
            self.review(pr, t1, a, "CHANGES_REQUESTED", r.choice([
                "A few things before this goes in, see inline.", "Please add a test for the failure path.",
                "The migration is not reversible; can we split it?", "Let's not swallow this error."]))
            tf = work_time(r, t1 + timedelta(minutes=30), t1 + (end - t1) * 0.5)
            self.add_commits(pr, tf, tf + timedelta(minutes=5), 1, pr.author)
            pr.commits[-1]["msg"] = "address review comments"
            t2 = work_time(r, tf + timedelta(minutes=15), tf + (end - tf) * 0.8)
            if t2 < end:
                self.review(pr, t2, a, "APPROVED", "")
        else:
            self.review(pr, t1, a, r.choice(["APPROVED", "APPROVED", "APPROVED", "COMMENTED"]),
                        r.choice(["", "LGTM", "Nice one.", "LGTM, one nit inline.", ""]))
            if pr.reviews[-1]["state"] == "COMMENTED" and pr.merged_at:
                t2 = t1 + (end - t1) * 0.6
                self.review(pr, t2, a, "APPROVED", "")
        if len(reviewers) > 1 and r.random() < 0.5:
            t3 = work_time(r, t0 + timedelta(hours=1), end)
            if t3 < end:
                self.review(pr, t3, reviewers[1], "COMMENTED", r.choice(["Drive-by: consider a metric here.",
                                                                         "Question inline about the retry policy.", "+1"]))

    def from_issue(self, iss):
        r = self.r
        if iss.itype == "Epic" or iss.started is None or iss.assignee is None:
            return
        if r.random() < 0.12:
            return  # some work never gets its own PR (config change, done elsewhere)
        author = iss.assignee
        title = "%s: %s" % (iss.key, iss.summary)
        body = "Closes %s\n\n%s/browse/%s\n\n## What\n%s\n\n## Testing\n- [x] unit tests\n- [ ] staging smoke test" % (
            iss.key, SITE, iss.key, iss.summary)
        prefix = "fix" if iss.itype == "Bug" else "feature"
        branch = "%s/%s-%s" % (prefix, iss.key, slugify(iss.summary, 30))
        draft = r.random() < 0.22
        if iss.review_at:
            ready = iss.review_at - timedelta(minutes=r.randrange(3, 90))
            created = work_time(r, iss.started + timedelta(hours=2), ready - timedelta(hours=1)) if draft else ready
            if created >= ready:
                draft, created = False, ready
        else:
            if r.random() < 0.5 and not iss.blocked_log:
                return
            created = work_time(r, iss.started + timedelta(hours=2), iss.started + timedelta(days=2))
            if created >= LATEST:
                return
            draft, ready = True, None
        pr = self.new_pr(iss.repo, author, title, body, branch, created)
        pr.issue = iss
        if iss.itype == "Bug":
            pr.labels = ["bug"]
        end = LATEST
        if iss.resolution == "Done" and iss.done_at:
            pr.merged_at = iss.done_at - timedelta(minutes=r.randrange(2, 80), seconds=r.randrange(60))
            if pr.merged_at <= (ready or created):
                pr.merged_at = (ready or created) + (iss.done_at - (ready or created)) * 0.9
            pr.closed_at = pr.merged_at
            end = pr.merged_at
        elif iss.resolution in ("Won't Do", "Duplicate") and iss.done_at:
            pr.closed_at = iss.done_at + timedelta(minutes=r.randrange(1, 30))
            end = pr.closed_at
        elif not any(s.state != "closed" for s in iss.sprints):
            pr.stale = True  # work left the sprint; the PR just sits there
        if draft:
            if ready:
                pr.draft_events.append((ready, "ready_for_review"))
                pr.ready_at = ready
            else:
                pr.draft_now = True
                pr.ready_at = None
        else:
            pr.ready_at = created
        # a PR that went back to draft for a while
        if not draft and pr.merged_at and r.random() < 0.06:
            tc = created + (pr.merged_at - created) * 0.2
            tr = created + (pr.merged_at - created) * 0.45
            pr.draft_events += [(tc, "convert_to_draft"), (tr, "ready_for_review")]
        first_commit_from = iss.started + timedelta(minutes=30)
        commits_until = (pr.ready_at or min(LATEST, created + timedelta(days=2)))
        n = r.choice([1, 1, 1, 2, 2, 2, 3, 4])
        self.add_commits(pr, first_commit_from, max(commits_until, first_commit_from + timedelta(minutes=30)), n, pr.author)
        if pr.ready_at:
            mode = r.choices(["normal", "bot_only", "none"], weights=[80, 9, 11])[0]
            if author is P["rui"]:
                mode = r.choice(["none", "normal"])
            mates = self.squad_mates(author, iss.repo)
            reviewers = r.sample(mates, r.choice([1, 1, 2]))
            if pr.stale:
                end = pr.ready_at + timedelta(days=r.randrange(1, 4))
            self.play_reviews(pr, end, mode, reviewers)
            if pr.merged_at:
                pr.merged_by = r.choice([pr.author, pr.author, gh_actor(P["rui"])])

    def bots_and_chores(self):
        r = self.r
        bumps = {
            "launchpad-api": [("github.com/jackc/pgx/v5", "5.7.1", "5.7.2"), ("golang.org/x/crypto", "0.31.0", "0.32.0"),
                              ("github.com/prometheus/client_golang", "1.20.5", "1.21.0")],
            "mission-console": [("vite", "6.0.3", "6.0.7"), ("@tanstack/react-query", "5.62.2", "5.62.8"),
                                ("eslint", "9.16.0", "9.17.0")],
            "telemetry-pipeline": [("pydantic", "2.10.3", "2.10.4"), ("confluent-kafka", "2.6.1", "2.7.0"),
                                   ("clickhouse-connect", "0.8.9", "0.8.11")],
        }
        for repo, items in bumps.items():
            for j, (dep, a, b) in enumerate(items):
                created = work_time(r, ANCHOR - timedelta(days=80 - j * 25), ANCHOR - timedelta(days=60 - j * 25), 5, 7)
                pr = self.new_pr(repo, BOT_DEPENDABOT, "Bump %s from %s to %s" % (dep, a, b),
                                 "Bumps [%s](%s) from %s to %s.\n\n---\n<details><summary>Dependabot commands and options</summary></details>" % (dep, dep, a, b),
                                 "dependabot/%s/%s-%s" % ({"Go": "go_modules", "TypeScript": "npm_and_yarn", "Python": "pip"}[REPOS[repo]["lang"]],
                                                          slugify(dep, 30), b), created)
                pr.labels = ["dependencies"]
                self.add_commits(pr, created - timedelta(minutes=2), created - timedelta(minutes=1), 1, BOT_DEPENDABOT)
                if j == 2:
                    pr.stale = True  # nobody looks at the last one
                    self.play_reviews(pr, LATEST, "bot_only", [])
                    continue
                pr.merged_at = work_time(r, created + timedelta(hours=3), created + timedelta(days=6))
                pr.closed_at = pr.merged_at
                pr.merged_by = gh_actor(P["rui"])
                mode = "normal" if j == 0 else "none"
                self.play_reviews(pr, pr.merged_at, mode, [P["rui"]] if mode == "normal" else [])
        versions = {"launchpad-api": (1, 14), "mission-console": (3, 8), "telemetry-pipeline": (0, 22)}
        for repo, (maj, mnr) in versions.items():
            for j in range(2):
                created = work_time(r, ANCHOR - timedelta(days=50 - j * 30), ANCHOR - timedelta(days=44 - j * 30))
                v = "%d.%d.0" % (maj, mnr + j)
                pr = self.new_pr(repo, RELEASER, "chore(release): %s v%s" % (repo, v),
                                 "Automated release PR.\n\n## Changelog\nSee CHANGELOG.md", "release/v" + v, created)
                pr.labels = ["release"]
                self.add_commits(pr, created - timedelta(minutes=3), created - timedelta(minutes=1), 1, RELEASER)
                pr.merged_at = created + timedelta(minutes=r.randrange(20, 300))
                pr.closed_at = pr.merged_at
                pr.merged_by = gh_actor(P["rui"])
                self.play_reviews(pr, pr.merged_at, "none", [])
        chores = [("launchpad-api", "rui", "ci: cache Go build artefacts"), ("mission-console", "kenji", "ci: run Playwright in shards"),
                  ("telemetry-pipeline", "sami", "ops: pin the ClickHouse image digest"),
                  ("telemetry-pipeline", "sami", "ops: alert on consumer lag > 5m"),
                  ("launchpad-api", "rui", "hotfix: guard nil tenant in the scheduler"),
                  ("mission-console", "greta", "docs: update the README screenshots")]
        for repo, who, title in chores:
            created = work_time(r, ANCHOR - timedelta(days=75), LATEST - timedelta(days=2))
            pr = self.new_pr(repo, P[who], title, "No ticket: small housekeeping change.", slugify(title, 30), created)
            self.add_commits(pr, created - timedelta(hours=3), created - timedelta(minutes=5), r.choice([1, 2]), pr.author)
            pr.merged_at = work_time(r, created + timedelta(minutes=30), created + timedelta(days=1))
            pr.closed_at = pr.merged_at
            pr.merged_by = pr.author
            self.play_reviews(pr, pr.merged_at, "none" if who in ("rui", "sami") else "normal",
                              [] if who in ("rui", "sami") else [P["rui"]])
        # direct pushes to main
        for repo in REPOS:
            for _ in range(2):
                t = work_time(r, ANCHOR - timedelta(days=85), LATEST)
                self.direct.append((repo, gh_actor(P["rui"]), t, r.choice(["Fix typo in README", "Revert flaky test quarantine",
                                                                           "Bump CI runner image"])))

    def run(self):
        for iss in sorted(self.jira.issues, key=lambda i: int(i.id)):
            self.from_issue(iss)
        self.bots_and_chores()
        r = self.r
        for repo, rp in REPOS.items():
            prs = sorted([p for p in self.prs if p.repo == repo], key=lambda p: p.created)
            n = rp["first_pr"]
            for pr in prs:
                pr.number = n
                n += 1 + (1 if r.random() < 0.15 else 0)  # issues share the numbering
        for pr in self.prs:
            times = [pr.created] + [c["dt"] for c in pr.commits] + [rv["dt"] for rv in pr.reviews] + \
                    [t for t, _ in pr.draft_events] + [t for t, _, _ in pr.requested]
            if pr.closed_at:
                times.append(pr.closed_at)
            pr.updated = min(max(times) + timedelta(seconds=self.r.randrange(1, 50)), LATEST)
            pr.id = 2100000000 + pr.number * 97 + REPOS[pr.repo]["id"] % 1000
            pr.head_sha = pr.commits[-1]["sha"]
            pr.merge_sha = sha("merge", pr.repo, pr.number)
            pr.additions = sum(self.r.randrange(3, 160) for _ in pr.commits)
            pr.deletions = sum(self.r.randrange(0, 70) for _ in pr.commits)
            pr.changed_files = min(40, max(1, pr.additions // 25 + self.r.randrange(1, 4)))
        return self


def pr_state(pr):
    return "closed" if pr.closed_at else "open"


def requested_now(pr):
    reviewed = {rv["who"]["login"] for rv in pr.reviews}
    out = []
    if pr.closed_at:
        return out
    for _, _, rv in pr.requested:
        if rv["login"] not in reviewed and rv["login"] not in [o["login"] for o in out]:
            out.append(rv)
    return out


def pr_obj(pr, single=False):
    full = "%s/%s" % (ORG, pr.repo)
    api = "%s/repos/%s" % (GH_API, full)
    n = pr.number
    repo = repo_obj(pr.repo)
    o = {
        "url": "%s/pulls/%d" % (api, n), "id": pr.id,
        "node_id": base64.b64encode(("011:PullRequest%d" % pr.id).encode()).decode(),
        "html_url": "%s/%s/pull/%d" % (GH_WEB, full, n),
        "issue_url": "%s/issues/%d" % (api, n),
        "number": n, "state": pr_state(pr), "locked": False, "title": pr.title,
        "user": gh_user(pr.author), "body": pr.body,
        "created_at": zts(pr.created), "updated_at": zts(pr.updated),
        "closed_at": zts(pr.closed_at) if pr.closed_at else None,
        "merged_at": zts(pr.merged_at) if pr.merged_at else None,
        "merge_commit_sha": pr.merge_sha if pr.merged_at else None,
        "assignee": gh_user(pr.author) if pr.author["type"] == "User" and pr.author is not RELEASER else None,
        "assignees": [gh_user(pr.author)] if pr.author["type"] == "User" and pr.author is not RELEASER else [],
        "requested_reviewers": [gh_user(x) for x in requested_now(pr)],
        "requested_teams": [],
        "labels": [{"id": 7000000000 + (abs(hash_int(l)) % 100000), "node_id": "LA_" + b64id("label", l, n=16),
                    "url": "%s/labels/%s" % (api, l), "name": l, "color": {"bug": "d73a4a", "dependencies": "0366d6"}.get(l, "ededed"),
                    "default": l == "bug", "description": ""} for l in pr.labels],
        "milestone": None,
        "draft": pr.draft_now,
        "head": {"label": "%s:%s" % (ORG, pr.branch), "ref": pr.branch, "sha": pr.head_sha,
                 "user": gh_user(ORG_USER), "repo": repo},
        "base": {"label": "%s:main" % ORG, "ref": "main", "sha": sha("base", pr.repo, n),
                 "user": gh_user(ORG_USER), "repo": repo},
        "_links": {"self": {"href": "%s/pulls/%d" % (api, n)}, "html": {"href": "%s/%s/pull/%d" % (GH_WEB, full, n)}},
        "author_association": "CONTRIBUTOR" if pr.author["type"] == "Bot" else "MEMBER",
        "auto_merge": None, "active_lock_reason": None,
    }
    if single:
        o.update({
            "merged": pr.merged_at is not None,
            "mergeable": None if pr.closed_at else True,
            "rebaseable": None if pr.closed_at else True,
            "mergeable_state": "unknown" if pr.closed_at else ("draft" if pr.draft_now else "blocked" if not any(
                rv["state"] == "APPROVED" for rv in pr.reviews) else "clean"),
            "merged_by": gh_user(pr.merged_by) if pr.merged_by else None,
            "comments": len(pr.comments),
            "review_comments": sum(1 for rv in pr.reviews if rv["state"] != "APPROVED" and rv["who"]["type"] == "User") * 2,
            "maintainer_can_modify": False,
            "commits": len(pr.commits),
            "additions": pr.additions, "deletions": pr.deletions, "changed_files": pr.changed_files,
        })
    return o


def hash_int(text):
    return int(hashlib.sha1(text.encode()).hexdigest()[:12], 16)


def git_person(a, email, dt):
    return {"name": a["name"], "email": email, "date": zts(dt)}


def commit_obj(repo, c, parents, committer=None, committer_email=None, cdt=None, with_stats=False):
    full = "%s/%s" % (ORG, repo)
    api = "%s/repos/%s" % (GH_API, full)
    author = c["author"]
    committer = committer or author
    o = {
        "sha": c["sha"],
        "node_id": base64.b64encode(("C_kwDO%s" % c["sha"][:20]).encode()).decode(),
        "commit": {
            "author": git_person(author, c["email"], c["dt"]),
            "committer": git_person(committer, committer_email or c["email"], cdt or c["dt"]),
            "message": c["msg"],
            "tree": {"sha": sha("tree", c["sha"]), "url": "%s/git/trees/%s" % (api, sha("tree", c["sha"]))},
            "url": "%s/git/commits/%s" % (api, c["sha"]),
            "comment_count": 0,
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
                             "verified_at": None},
        },
        "url": "%s/commits/%s" % (api, c["sha"]),
        "html_url": "%s/%s/commit/%s" % (GH_WEB, full, c["sha"]),
        "author": gh_user(author) if author.get("id") else None,
        "committer": gh_user(committer) if committer.get("id") else None,
        "parents": [{"sha": p, "url": "%s/commits/%s" % (api, p)} for p in parents],
    }
    return o


def review_obj(pr, rv):
    full = "%s/%s" % (ORG, pr.repo)
    html = "%s/%s/pull/%d#pullrequestreview-%d" % (GH_WEB, full, pr.number, rv["id"])
    return {
        "id": rv["id"], "node_id": "PRR_" + b64id("review", rv["id"], n=16), "user": gh_user(rv["who"]),
        "body": rv["body"], "state": rv["state"], "html_url": html,
        "pull_request_url": "%s/repos/%s/pulls/%d" % (GH_API, full, pr.number),
        "author_association": "NONE" if rv["who"]["type"] == "Bot" else "MEMBER",
        "_links": {"html": {"href": html}, "pull_request": {"href": "%s/repos/%s/pulls/%d" % (GH_API, full, pr.number)}},
        "submitted_at": zts(rv["dt"]), "commit_id": rv["commit"],
    }


def timeline(sim, pr):
    full = "%s/%s" % (ORG, pr.repo)
    api = "%s/repos/%s" % (GH_API, full)
    ev = []

    def event(dt, actor, name, extra=None, commit=None):
        sim.event_id += sim.r.randrange(10, 5000)
        o = {"id": sim.event_id, "node_id": b64id("event", sim.event_id, n=20),
             "url": "%s/issues/events/%d" % (api, sim.event_id), "actor": gh_user(actor), "event": name,
             "commit_id": commit, "commit_url": "%s/commits/%s" % (api, commit) if commit else None,
             "created_at": zts(dt)}
        if extra:
            o.update(extra)
        o["performed_via_github_app"] = None
        ev.append((dt, o))

    parent = sha("base", pr.repo, pr.number)
    for c in pr.commits:
        co = commit_obj(pr.repo, c, [parent])
        parent = c["sha"]
        ev.append((c["dt"], {"sha": c["sha"], "node_id": co["node_id"], "url": co["commit"]["url"],
                             "html_url": co["html_url"], "author": co["commit"]["author"],
                             "committer": co["commit"]["committer"], "tree": co["commit"]["tree"],
                             "message": c["msg"], "parents": co["parents"], "verification": co["commit"]["verification"],
                             "event": "committed"}))
    for dt, kind in pr.draft_events:
        event(dt, pr.author, kind)
    for dt, requester, rv in pr.requested:
        event(dt, requester, "review_requested", {"review_requester": gh_user(requester), "requested_reviewer": gh_user(rv)})
    for rv in pr.reviews:
        o = review_obj(pr, rv)
        o["state"] = rv["state"].lower()
        o["event"] = "reviewed"
        ev.append((rv["dt"], o))
    for dt, actor, body in pr.comments:
        sim.event_id += 17
        ev.append((dt, {"url": "%s/issues/comments/%d" % (api, sim.event_id),
                        "html_url": "%s/%s/pull/%d#issuecomment-%d" % (GH_WEB, full, pr.number, sim.event_id),
                        "issue_url": "%s/issues/%d" % (api, pr.number), "id": sim.event_id,
                        "node_id": "IC_" + b64id("comment", sim.event_id, n=16), "user": gh_user(actor),
                        "created_at": zts(dt), "updated_at": zts(dt), "author_association": "MEMBER", "body": body,
                        "event": "commented", "actor": gh_user(actor)}))
    if pr.merged_at:
        event(pr.merged_at, pr.merged_by, "merged", commit=pr.merge_sha)
        event(pr.merged_at, pr.merged_by, "closed")
        event(pr.merged_at + timedelta(seconds=2), pr.merged_by, "head_ref_deleted")
    elif pr.closed_at:
        event(pr.closed_at, gh_actor(P["rui"]), "closed", {"state_reason": None})
    ev.sort(key=lambda e: e[0])
    return [o for _, o in ev]


def emit_github(sim):
    for repo in REPOS:
        full = "%s/%s" % (ORG, repo)
        prs = [p for p in sim.prs if p.repo == repo]
        prs.sort(key=lambda p: (p.updated, p.number), reverse=True)
        write_json("github/%s/pulls.json" % repo, [pr_obj(p) for p in prs])
        base = "/repos/%s" % full
        for p in sorted(prs, key=lambda p: p.number):
            d = "github/%s/pulls/%d" % (repo, p.number)
            write_json(d + "/pull.json", pr_obj(p, single=True))
            route("github", "%s/pulls/%d" % (base, p.number), d + "/pull.json")
            write_json(d + "/reviews.json", [review_obj(p, rv) for rv in sorted(p.reviews, key=lambda x: x["dt"])])
            route("github", "%s/pulls/%d/reviews" % (base, p.number), d + "/reviews.json",
                  pages={"style": "github_link", "items": "", "page_size": 30})
            parent = sha("base", repo, p.number)
            cs = []
            for c in p.commits:
                cs.append(commit_obj(repo, c, [parent]))
                parent = c["sha"]
            write_json(d + "/commits.json", cs)
            route("github", "%s/pulls/%d/commits" % (base, p.number), d + "/commits.json",
                  pages={"style": "github_link", "items": "", "page_size": 30})
            write_json(d + "/timeline.json", timeline(sim, p))
            route("github", "%s/issues/%d/timeline" % (base, p.number), d + "/timeline.json",
                  pages={"style": "github_link", "items": "", "page_size": 30})
        route("github", "%s/pulls" % base, "github/%s/pulls.json" % repo,
              pages={"style": "github_link", "items": "", "page_size": 30})
        # the default branch: squash merges and a few direct pushes, newest first
        main = []
        for p in prs:
            if not p.merged_at:
                continue
            body = "\n".join("* " + c["msg"].split("\n")[0] for c in p.commits) if len(p.commits) > 1 else ""
            trailers = []
            for c in p.commits:
                if c["co"] is not None:
                    t = "Co-authored-by: %s <%s>" % (c["co"]["name"], c["co"]["email"])
                    if t not in trailers:
                        trailers.append(t)
            msg = "%s (#%d)" % (p.title, p.number)
            if body:
                msg += "\n\n" + body
            if trailers:
                msg += "\n\n" + "\n".join(trailers)
            main.append({"sha": p.merge_sha, "dt": p.merged_at, "msg": msg, "author": p.author,
                         "email": p.commits[0]["email"], "co": None, "squash": True,
                         "author_dt": p.commits[0]["dt"] if len(p.commits) == 1 else p.merged_at})
        for repo_d, actor, t, msg in sim.direct:
            if repo_d == repo:
                main.append({"sha": sha("direct", repo, t), "dt": t, "msg": msg, "author": actor,
                             "email": actor["email"], "co": None, "squash": False, "author_dt": t})
        main.sort(key=lambda c: (c["dt"], c["sha"]))
        objs = []
        parent = sha("root", repo)
        for c in main:
            if c["squash"]:
                cc = dict(c)
                cc["dt"] = c["author_dt"]
                o = commit_obj(repo, cc, [parent], committer=WEB_FLOW, committer_email=WEB_FLOW["email"], cdt=c["dt"])
            else:
                o = commit_obj(repo, c, [parent])
            objs.append(o)
            parent = c["sha"]
        objs.reverse()
        write_json("github/%s/commits.json" % repo, objs)
        route("github", "%s/commits" % base, "github/%s/commits.json" % repo,
              pages={"style": "github_link", "items": "", "page_size": 30})


# ==========================================================================
# SLACK
# ==========================================================================

FAKE_SLACK_TOKEN = "xoxb-000000000000-000000000000-DEMOFAKEtokenDEMOFAKEtok"
FAKE_GITHUB_TOKEN = "ghp_DEMOfakeDEMOfakeDEMOfakeDEMOfake0000"

STACK_TRACE = """Traceback (most recent call last):
  File "/app/telemetry/purge/job.py", line 88, in run
    for batch in self.plan(tenant):
  File "/app/telemetry/purge/job.py", line 142, in plan
    policy = self.policies[row["tenant_id"]]
             ~~~~~~~~~~~~~^^^^^^^^^^^^^^^^^
  File "/app/telemetry/purge/policy.py", line 31, in __getitem__
    return self._by_tenant[key]
           ~~~~~~~~~~~~~~~^^^^^
KeyError: 'tn_legacy_0042'"""

TEAM_CHATTER = [
    "Reminder: retro notes go on the Confluence page before Friday 🙏",
    "Who's around for lunch at 12:30?",
    "PSA: staging Postgres upgrade today 14:00–14:30, expect blips",
    "Kudos to <@{p}> for the incident write-up 👏",
    "Heads-up: the all-hands moved to Thursday 16:00",
    "I'll be out tomorrow afternoon, ping <@{p}> for anything urgent",
    "New sprint health dashboard is up, feedback welcome",
    "Coffee machine on the 3rd floor is fixed ☕",
    "Reminder to book your time off for next month in the HR tool",
    "Does anyone have the link to the on-call schedule?",
    "Good morning! Focus this week: finish the carry-over first, then new work.",
    "Have a nice weekend everyone 👋",
    "Quick poll: move Thursday's design review 30 min later? 👍/👎",
    "I wrote up the notes from yesterday's customer call, they're in Confluence",
]
DEV_CHATTER = [
    "Does anyone know why {repo} CI is so slow today?",
    "Quick sanity check on {key}: do we return 409 or 422 on a conflict?",
    "Pairing on {key} after lunch if anyone wants to join",
    "I'll pick up {key} next",
    "Deploying {repo} to staging now, shout if something looks off",
    "Is {key} still relevant? Feels like a duplicate",
    "Flaky test again in {repo}: `test_rebalance_under_load` 🙃",
    "Design question for {key}: should the scheduler own retries or the worker?",
    "Staging is green again after the config fix",
    "Can someone remind me where the feature flag defaults live?",
    "I'm updating the runbook for {repo} while I'm at it",
    "FYI {key} turned out bigger than estimated, I'll bring it up at standup",
    "Anyone else seeing 502s from the staging gateway?",
    "Benchmarks for {key}: p95 went from 240ms to 180ms 🚀",
]
REPLIES = ["+1", "on it", "I think so, yes", "let's take it to standup", "good catch", "I can look after lunch",
           "done ✅", "thanks!", "agreed", "same here", "no idea, sorry", "checking", "nice!", "👀"]
PR_POSTS = [
    "PR for {key} is up: <{url}|{repo}#{n}> — reviews welcome 🙏",
    "Could someone review <{url}|{repo}#{n}>? It's the {key} change",
    "<{url}|{repo}#{n}> ready for review ({key})",
]
BLOCKED_POSTS = [
    "blocked on {key}, waiting for <@{w}>'s review",
    "I'm blocked on {key} until {bkey} lands — <@{w}> any ETA?",
    "{key} is stuck: I need <@{w}> to confirm the API contract before I continue",
    "heads-up: {key} is blocked, waiting on <@{w}> for staging credentials",
]
UNBLOCKED = ["unblocked, thanks <@{w}>!", "{bkey} is merged, {key} is moving again 🎉", "resolved — thanks <@{w}>",
             "unblocked ✅"]


class SlackSim:
    def __init__(self, jira, gh):
        self.r = random.Random(SEED + 4)
        self.jira, self.gh = jira, gh
        r = self.r
        self.channels = []
        for key, name, purpose, created in [
            ("team", "orbital-team", "Orbital Platform team: announcements, questions, everything else", TEAM_FORMED_TS + 61),
            ("alp", "launchpad-dev", "Launchpad (ALP) engineering: checkout, scheduling, console", TEAM_FORMED_TS + 402),
            ("bet", "telemetry-dev", "Telemetry (BET) engineering: ingest, dashboards, retention", TEAM_FORMED_TS + 977),
            ("alerts", "orbital-alerts", "CI, deploys and production alerts. Thread your acks.", TEAM_FORMED_TS + 1480),
        ]:
            self.channels.append({"key": key, "id": "C08" + alnum(r, 8), "name": name, "purpose": purpose,
                                  "created": created, "msgs": []})
        self.ch = {c["key"]: c for c in self.channels}
        self.bot_user = "U08" + alnum(r, 8)
        self.bot_id = "B08" + alnum(r, 8)
        self.app_id = "A08" + alnum(r, 8)
        self.hook_bot_id = "B08" + alnum(r, 8)
        self.gone_user = "U08" + alnum(r, 8)
        self.used = set()

    def ts(self, ch, dt):
        sec = int(dt.timestamp())
        micro = 100 + self.r.randrange(900)
        while (ch["id"], sec, micro) in self.used:
            micro += 1
        self.used.add((ch["id"], sec, micro))
        return "%d.%06d" % (sec, micro)

    def post(self, chan, dt, user, text, edited=None, extra=None):
        ch = self.ch[chan]
        dt = min(dt, LATEST)
        m = {"dt": dt, "user": user, "text": text, "ts": self.ts(ch, dt), "replies": [], "extra": extra or {},
             "edited": None, "kind": "user"}
        if edited is not None:
            m["edited"] = edited or None
        elif user not in (self.bot_user,) and self.r.random() < 0.06:
            m["edited"] = dt + timedelta(minutes=self.r.randrange(1, 40))
        ch["msgs"].append(m)
        return m

    def reply(self, parent, chan, dt, user, text):
        ch = self.ch[chan]
        dt = max(min(dt, LATEST), parent["dt"] + timedelta(seconds=20))
        m = {"dt": dt, "user": user, "text": text, "ts": self.ts(ch, dt), "extra": {}, "edited": None, "kind": "user"}
        if self.r.random() < 0.04:
            m["edited"] = dt + timedelta(minutes=self.r.randrange(1, 10))
        parent["replies"].append(m)
        return m

    def bot(self, chan, dt, text, attachments=None, hook=True):
        ch = self.ch[chan]
        dt = min(dt, LATEST)
        m = {"dt": dt, "user": None, "text": text, "ts": self.ts(ch, dt), "replies": [], "edited": None,
             "kind": "hook" if hook else "app", "extra": {}}
        if attachments:
            m["extra"]["attachments"] = attachments
        ch["msgs"].append(m)
        return m

    def active_issue(self, proj, t):
        c = [i for i in self.jira.issues if i.proj == proj and i.itype != "Epic" and i.started and i.started <= t
             and (i.done_at is None or i.done_at >= t)]
        if not c:
            c = [i for i in self.jira.issues if i.proj == proj and i.itype != "Epic"]
        return self.r.choice(c)

    def run(self):
        r = self.r
        squads = {"ALP": "alp", "BET": "bet"}
        # everyday chatter
        day = (ANCHOR - timedelta(days=88)).date()
        while day <= local(LATEST).date():
            if is_workday(day):
                d0 = berlin(day.year, day.month, day.day, 8, 30)
                d1 = berlin(day.year, day.month, day.day, 18, 30)
                for _ in range(r.choice([1, 2, 2, 3])):
                    who = r.choice(PEOPLE)
                    text = r.choice(TEAM_CHATTER).format(p=r.choice([p for p in PEOPLE if p is not who])["slack"])
                    if day.weekday() == 0 and r.random() < 0.5:
                        who, text = P["greta"], "Good morning! Sprint focus this week: finish carry-over first, then new work. Shout if you're blocked."
                    if day.weekday() == 4 and r.random() < 0.4:
                        text = "Have a nice weekend everyone 👋"
                    m = self.post("team", work_time(r, d0, d1), who["slack"], text)
                    self.maybe_thread(m, "team", r.random() < 0.3)
                for proj, chan in squads.items():
                    team = ALP_TEAM if proj == "ALP" else BET_TEAM
                    for _ in range(r.choice([1, 2, 3, 3])):
                        t = work_time(r, d0, d1)
                        iss = self.active_issue(proj, t)
                        who = r.choice(team + [P["rui"]])
                        text = r.choice(DEV_CHATTER).format(key=iss.key, repo=iss.repo)
                        m = self.post(chan, t, who["slack"], text)
                        self.maybe_thread(m, chan, r.random() < 0.35, pool=team + [P["rui"]])
                # CI noise
                for repo in REPOS:
                    if r.random() < 0.22:
                        t = work_time(r, d0, d1)
                        sha7 = sha("ci", repo, t)[:7]
                        run = 80000 + int(t.timestamp()) % 9000
                        m = self.bot("alerts", t, "main build failed: %s" % repo, attachments=[{
                            "id": 1, "color": "d73a4a", "fallback": "main build failed: %s@%s" % (repo, sha7),
                            "title": "❌ main build failed: %s @ %s" % (repo, sha7),
                            "title_link": "%s/%s/%s/actions/runs/%d" % (GH_WEB, ORG, repo, run),
                            "text": "Job `test` failed after %dm%02ds" % (r.randrange(3, 14), r.randrange(60))}])
                        if r.random() < 0.6:
                            fixer = r.choice(ENGINEERS)
                            self.reply(m, "alerts", t + timedelta(minutes=r.randrange(5, 50)), fixer["slack"],
                                       r.choice(["looking", "flaky test, re-running", "my bad, fix incoming", "ack"]))
                            if r.random() < 0.6:
                                self.reply(m, "alerts", t + timedelta(minutes=r.randrange(51, 140)), fixer["slack"],
                                           r.choice(["green again ✅", "fixed on main", "quarantined the flaky test"]))
            day += timedelta(days=1)
        # PR review requests
        for pr in sorted(self.gh.prs, key=lambda p: (p.repo, p.number)):
            if pr.issue is None or pr.ready_at is None or r.random() > 0.45:
                continue
            chan = squads[pr.issue.proj]
            url = "%s/%s/%s/pull/%d" % (GH_WEB, ORG, pr.repo, pr.number)
            t = pr.ready_at + timedelta(minutes=r.randrange(1, 12))
            m = self.post(chan, t, pr.author["person"]["slack"],
                          r.choice(PR_POSTS).format(key=pr.issue.key, url=url, repo=pr.repo, n=pr.number))
            humans = [rv for rv in pr.reviews if rv["who"]["type"] == "User"]
            if humans:
                rv = humans[0]
                txt = {"APPROVED": "approved ✅", "CHANGES_REQUESTED": "left a few comments",
                       "COMMENTED": "left some questions"}[rv["state"]]
                self.reply(m, chan, rv["dt"] + timedelta(minutes=1), rv["who"]["person"]["slack"], txt)
            elif pr.merged_at is None and pr.closed_at is None and pr.created < LATEST - timedelta(days=2):
                self.reply(m, chan, pr.ready_at + timedelta(days=1, hours=2), pr.author["person"]["slack"],
                           "friendly bump 🙂")
        # blocked / unblocked
        for iss in sorted(self.jira.issues, key=lambda i: int(i.id)):
            for b in iss.blocked_log:
                if r.random() > 0.8 and b["end"] is not None:
                    continue
                chan = squads[iss.proj]
                w = b["waiting_on"]
                bkey = b["blocker"].key if b["blocker"] else "the infra change"
                tpl = r.choice(BLOCKED_POSTS if b["blocker"] else [BLOCKED_POSTS[0], BLOCKED_POSTS[2], BLOCKED_POSTS[3]])
                m = self.post(chan, b["start"] + timedelta(minutes=r.randrange(2, 25)), b["person"]["slack"],
                              tpl.format(key=iss.key, bkey=bkey, w=w["slack"]))
                if r.random() < 0.6:
                    self.reply(m, chan, m["dt"] + timedelta(minutes=r.randrange(10, 90)), w["slack"],
                               r.choice(["looking now", "sorry, on it after this meeting", "will do today"]))
                if b["end"] is not None:
                    self.reply(m, chan, b["end"] + timedelta(minutes=r.randrange(1, 20)), b["person"]["slack"],
                               r.choice(UNBLOCKED).format(w=w["slack"], key=iss.key, bkey=bkey))
        self.scripted()

    def maybe_thread(self, m, chan, yes, pool=None):
        r = self.r
        if not yes:
            return
        pool = pool or PEOPLE
        t = m["dt"]
        for _ in range(r.choice([1, 1, 2, 3])):
            t = t + timedelta(minutes=r.randrange(2, 90))
            who = r.choice(pool)
            self.reply(m, chan, t, who["slack"], r.choice(REPLIES).format(key=m["text"][:0]))

    def scripted(self):
        r = self.r
        # a pasted Python stack trace, answered in the thread
        purge = [i for i in self.jira.issues if i.proj == "BET" and i.summary.startswith("Purge job KeyError")]
        key = purge[0].key if purge else "BET-1"
        t = berlin(2025, 12, 10, 14, 12, 31)
        m = self.post("bet", t, P["oskar"]["slack"],
                      "getting this from the purge job on staging, any ideas?\n```" + STACK_TRACE + "```", edited=False)
        self.reply(m, "bet", t + timedelta(minutes=9), P["lena"]["slack"],
                   "that's a legacy tenant without a retention policy row — it's %s" % key)
        self.reply(m, "bet", t + timedelta(minutes=31), P["oskar"]["slack"], "ah right, I'll default them to 90 days. thanks!")
        # a bot token pasted by mistake
        t = berlin(2025, 11, 20, 11, 4, 12)
        m = self.post("alp", t, P["kenji"]["slack"],
                      "for the staging notifier use this: `SLACK_BOT_TOKEN=%s`" % FAKE_SLACK_TOKEN, edited=False)
        self.reply(m, "alp", t + timedelta(minutes=3), P["rui"]["slack"],
                   "⚠️ please never paste tokens in channels — revoke it and put it in the vault")
        self.reply(m, "alp", t + timedelta(minutes=17), P["kenji"]["slack"], "revoked and rotated, sorry!")
        # a GitHub token, then the message got edited (the token is still in it)
        t = berlin(2025, 12, 2, 16, 40, 2)
        m = self.post("bet", t, P["sami"]["slack"],
                      "CI runners need `GITHUB_TOKEN=%s` in the env, I set it on the new pool (edit: scoped to read-only)" % FAKE_GITHUB_TOKEN,
                      edited=t + timedelta(minutes=6))
        self.reply(m, "bet", t + timedelta(minutes=12), P["priya"]["slack"],
                   "can we move that to the secrets manager instead of pasting it here?")
        # people joining channels
        self.post("alp", berlin(2025, 11, 12, 9, 31, 7), P["sami"]["slack"], "<@%s> has joined the channel" % P["sami"]["slack"],
                  edited=False, extra={"subtype": "channel_join"})
        self.post("alerts", berlin(2025, 10, 14, 10, 2, 40), P["priya"]["slack"],
                  "<@%s> has joined the channel" % P["priya"]["slack"], edited=False, extra={"subtype": "channel_join"})
        self.post("alerts", berlin(2025, 10, 9, 15, 20, 0), self.bot_user, "<@%s> has joined the channel" % self.bot_user,
                  edited=False, extra={"subtype": "channel_join"})
        # a thread whose parent was deleted
        t = berlin(2025, 12, 18, 15, 3, 44)
        m = self.post("team", t, "USLACKBOT", "This message was deleted.", edited=False,
                      extra={"subtype": "tombstone", "hidden": True})
        self.reply(m, "team", t + timedelta(minutes=4), P["tobias"]["slack"], "wait, which doc?")
        self.reply(m, "team", t + timedelta(minutes=6), P["greta"]["slack"], "I removed it, wrong channel — sorry!")
        # production alerts and their acks
        for n in range(9):
            t = work_time(r, ANCHOR - timedelta(days=85 - n * 9), ANCHOR - timedelta(days=80 - n * 9), 7, 22)
            name = r.choice(["IngestLagHigh", "Checkout5xxRate", "SchedulerLeaderLost", "ClickHouseDiskUsage"])
            m = self.bot("alerts", t, "🔥 [FIRING] %s — %s" % (name, r.choice(["lag 7m12s on telemetry-ingest-3",
                                                                                "5xx rate 4.2% over 5m", "no leader for 90s",
                                                                                "disk 91% on ch-2"])))
            who = r.choice([P["sami"], P["lena"], P["rui"], P["ines"]])
            self.reply(m, "alerts", t + timedelta(minutes=r.randrange(2, 15)), who["slack"], "ack, looking")
            self.reply(m, "alerts", t + timedelta(minutes=r.randrange(30, 100)), who["slack"],
                       "resolved: %s" % r.choice(["restarted the consumer group", "rolled back the deploy",
                                                  "scaled the pool", "freed old partitions"]))
        # deploys (app bot with a bot profile)
        for pr in self.gh.prs:
            if pr.author is RELEASER and pr.merged_at:
                self.bot("alerts", pr.merged_at + timedelta(minutes=r.randrange(6, 25)),
                         "✅ Deployed %s to production (%s)" % (pr.repo, pr.title.split()[-1]), hook=False)

    # -- wire shapes
    def msg_obj(self, ch, m, parent=None, in_replies=False):
        if m["kind"] == "hook":
            o = {"subtype": "bot_message", "text": m["text"], "ts": m["ts"], "username": "Orbital CI",
                 "bot_id": self.hook_bot_id, "type": "message"}
            o.update(m["extra"])
        elif m["kind"] == "app":
            o = {"bot_id": self.bot_id, "type": "message", "text": m["text"], "user": self.bot_user,
                 "ts": m["ts"], "app_id": self.app_id, "team": SLACK_TEAM,
                 "bot_profile": {"id": self.bot_id, "deleted": False, "name": "Orbital Release Bot", "updated": TEAM_FORMED_TS + 1400,
                                 "app_id": self.app_id, "icons": {"image_48": "https://avatar.example.com/bot_48.png"},
                                 "team_id": SLACK_TEAM}}
        elif m["extra"].get("subtype") == "tombstone":
            o = {"type": "message", "subtype": "tombstone", "text": m["text"], "user": "USLACKBOT", "hidden": True,
                 "ts": m["ts"]}
        elif m["extra"].get("subtype") == "channel_join":
            o = {"type": "message", "subtype": "channel_join", "ts": m["ts"], "user": m["user"], "text": m["text"]}
        else:
            o = {"client_msg_id": "%s-%s-%s-%s-%s" % tuple(sha("cmid", ch["id"], m["ts"])[i:j] for i, j in
                                                           ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))),
                 "type": "message", "text": m["text"], "user": m["user"], "ts": m["ts"], "team": SLACK_TEAM}
            if m["edited"]:
                o["edited"] = {"user": m["user"], "ts": "%d.000000" % int(m["edited"].timestamp())}
        if parent is not None:
            o["thread_ts"] = parent["ts"]
            o["parent_user_id"] = parent["user"] or self.bot_user
        elif m.get("replies"):
            reps = m["replies"]
            users = []
            for x in reps:
                if x["user"] not in users:
                    users.append(x["user"])
            o.update({"thread_ts": m["ts"], "reply_count": len(reps), "reply_users_count": len(users),
                      "latest_reply": reps[-1]["ts"], "reply_users": users, "is_locked": False, "subscribed": False})
        if m.get("reactions"):
            o["reactions"] = m["reactions"]
        return o

    def member(self, p, n):
        return {"id": p["slack"], "team_id": SLACK_TEAM, "name": p["key"], "deleted": False,
                "color": ["9f69e7", "4bbe2e", "e7392d", "3c989f", "674b1b", "e96699", "e0a729", "684b6c", "5b89d5",
                          "53b759"][n % 10],
                "real_name": p["name"], "tz": "Europe/Berlin", "tz_label": "Central European Time", "tz_offset": 3600,
                "profile": {"title": p["title"], "phone": "", "skype": "", "real_name": p["name"],
                            "real_name_normalized": p["name"], "display_name": p["first"],
                            "display_name_normalized": p["first"], "fields": None, "status_text": "",
                            "status_emoji": "", "status_expiration": 0, "avatar_hash": sha("av", p["key"])[:12],
                            "email": p["email"], "first_name": p["first"], "last_name": p["last"],
                            "image_48": "https://avatar.example.com/%s_48.png" % p["key"], "team": SLACK_TEAM},
                "is_admin": p["key"] in ("greta", "rui"), "is_owner": p["key"] == "greta",
                "is_primary_owner": p["key"] == "greta", "is_restricted": False, "is_ultra_restricted": False,
                "is_bot": False, "is_app_user": False, "updated": 1762170000 + n * 3607, "is_email_confirmed": True,
                "who_can_share_contact_card": "EVERYONE"}

    def emit(self):
        r = self.r
        # reactions on some messages
        for ch in self.channels:
            for m in ch["msgs"]:
                if m["kind"] == "user" and not m["extra"] and r.random() < 0.12:
                    users = [p["slack"] for p in r.sample(PEOPLE, r.choice([1, 2, 3])) if p["slack"] != m["user"]]
                    if users:
                        m["reactions"] = [{"name": r.choice(["+1", "eyes", "tada", "white_check_mark", "pray"]),
                                           "users": users, "count": len(users)}]
        members = [self.member(p, n) for n, p in enumerate(PEOPLE)]
        members.append({"id": self.bot_user, "team_id": SLACK_TEAM, "name": "orbital-release-bot", "deleted": False,
                        "color": "757575", "real_name": "Orbital Release Bot", "tz": "America/Los_Angeles",
                        "tz_label": "Pacific Standard Time", "tz_offset": -28800,
                        "profile": {"title": "", "phone": "", "skype": "", "real_name": "Orbital Release Bot",
                                    "real_name_normalized": "Orbital Release Bot", "display_name": "",
                                    "display_name_normalized": "", "fields": None, "status_text": "", "status_emoji": "",
                                    "status_expiration": 0, "avatar_hash": "a1b2c3d4e5f6", "bot_id": self.bot_id,
                                    "api_app_id": self.app_id, "always_active": True, "first_name": "Orbital Release Bot",
                                    "last_name": "", "image_48": "https://avatar.example.com/bot_48.png", "team": SLACK_TEAM},
                        "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
                        "is_ultra_restricted": False, "is_bot": True, "is_app_user": False, "updated": TEAM_FORMED_TS + 1400})
        members.append({"id": self.gone_user, "team_id": SLACK_TEAM, "name": "milo.driftwood", "deleted": True,
                        "profile": {"title": "Contractor", "phone": "", "skype": "", "real_name": "Milo Driftwood",
                                    "real_name_normalized": "Milo Driftwood", "display_name": "Milo",
                                    "display_name_normalized": "Milo", "fields": None, "status_text": "",
                                    "status_emoji": "", "status_expiration": 0, "avatar_hash": "0f9e8d7c6b5a",
                                    "email": "milo.driftwood@example.org", "first_name": "Milo", "last_name": "Driftwood",
                                    "image_48": "https://avatar.example.com/milo_48.png", "team": SLACK_TEAM},
                        "is_bot": False, "is_app_user": False, "updated": TEAM_FORMED_TS + 86400 * 9})
        members.insert(0, {"id": "USLACKBOT", "team_id": SLACK_TEAM, "name": "slackbot", "deleted": False,
                           "color": "757575", "real_name": "Slackbot", "tz": "America/Los_Angeles",
                           "tz_label": "Pacific Standard Time", "tz_offset": -28800,
                           "profile": {"title": "", "phone": "", "skype": "", "real_name": "Slackbot",
                                       "real_name_normalized": "Slackbot", "display_name": "Slackbot",
                                       "display_name_normalized": "Slackbot", "fields": None, "status_text": "",
                                       "status_emoji": "", "status_expiration": 0, "avatar_hash": "sv41d8cd98f0",
                                       "always_active": True, "first_name": "slackbot", "last_name": "",
                                       "image_48": "https://avatar.example.com/slackbot_48.png", "team": SLACK_TEAM},
                           "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
                           "is_ultra_restricted": False, "is_bot": False, "is_app_user": False, "updated": TEAM_FORMED_TS})
        write_json("slack/users.list.json", {"ok": True, "members": members, "cache_ts": int(LATEST.timestamp())})
        route("slack", "/api/users.list", "slack/users.list.json",
              pages={"style": "slack_cursor", "items": "members", "page_size": 200})

        chans = []
        for ch in self.channels:
            ch["msgs"].sort(key=lambda m: m["ts"])
            for m in ch["msgs"]:
                m.setdefault("replies", [])
                m["replies"].sort(key=lambda x: x["ts"])
            members_n = {"team": 10, "alp": 6, "bet": 6, "alerts": 11}[ch["key"]]
            last = ch["msgs"][-1]["dt"]
            chans.append({
                "id": ch["id"], "name": ch["name"], "is_channel": True, "is_group": False, "is_im": False,
                "is_mpim": False, "is_private": False, "created": ch["created"], "is_archived": False,
                "is_general": ch["key"] == "team", "unlinked": 0, "name_normalized": ch["name"], "is_shared": False,
                "is_org_shared": False, "is_pending_ext_shared": False, "pending_shared": [],
                "context_team_id": SLACK_TEAM, "updated": int(last.timestamp()) * 1000, "parent_conversation": None,
                "creator": P["greta"]["slack"], "is_ext_shared": False, "shared_team_ids": [SLACK_TEAM],
                "pending_connected_team_ids": [], "is_member": True,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": ch["purpose"], "creator": P["greta"]["slack"], "last_set": ch["created"]},
                "properties": {"use_case": "project"}, "previous_names": [], "num_members": members_n})
            hist = [self.msg_obj(ch, m) for m in reversed(ch["msgs"])]
            fn = "slack/history-%s.json" % ch["name"]
            write_json(fn, {"ok": True, "messages": hist, "pin_count": 0, "channel_actions_ts": None,
                            "channel_actions_count": 0})
            route("slack", "/api/conversations.history", fn, query={"channel": ch["id"]},
                  pages={"style": "slack_cursor", "items": "messages", "page_size": 100})
            for m in ch["msgs"]:
                if not m["replies"]:
                    continue
                msgs = [self.msg_obj(ch, m)] + [self.msg_obj(ch, x, parent=m) for x in m["replies"]]
                fn = "slack/replies/%s-%s.json" % (ch["name"], m["ts"])
                write_json(fn, {"ok": True, "messages": msgs})
                route("slack", "/api/conversations.replies", fn, query={"channel": ch["id"], "ts": m["ts"]},
                      pages={"style": "slack_cursor", "items": "messages", "page_size": 100})
        write_json("slack/conversations.list.json", {"ok": True, "channels": chans})
        route("slack", "/api/conversations.list", "slack/conversations.list.json",
              pages={"style": "slack_cursor", "items": "channels", "page_size": 100})


# ==========================================================================
# ZOOM
# ==========================================================================

def zoom_uuid(*parts):
    raw = hashlib.sha256(("zoom-uuid/" + "/".join(str(p) for p in parts)).encode()).digest()[:16]
    return base64.b64encode(raw).decode()  # standard alphabet: may hold '/' and '+', ends with '=='


def uuid_paths(u):
    """Every way a client may put a Zoom UUID into a path: as is, URL-encoded,
    and double URL-encoded (Zoom requires the latter for UUIDs with '/')."""
    once = urllib.parse.quote(u, safe="")
    twice = urllib.parse.quote(once, safe="")
    out = []
    for v in ([u] if "/" not in u else []) + [once, twice]:
        if v not in out:
            out.append(v)
    return out


def user_paths(p):
    """Zoom accepts a user's id or email as {userId}."""
    return [p["zoom"], p["email"], p["email"].replace("@", "%40")]


class Meeting:
    pass


TRANSCRIPTS = {}


class ZoomSim:
    def __init__(self, jira):
        self.r = random.Random(SEED + 5)
        self.jira = jira
        self.series = []
        self.instances = []
        self.next_id = 84110000000

    def new_series(self, host, topic, mtype, duration, first_start, attendees, agenda=""):
        r = self.r
        m = Meeting()
        self.next_id += r.randrange(1000000, 90000000)
        m.id, m.host, m.topic, m.type, m.duration = self.next_id, host, topic, mtype, duration
        m.first_start, m.attendees, m.agenda = first_start, attendees, agenda
        m.created = min(first_start - timedelta(days=r.randrange(1, 6), minutes=r.randrange(600)), LATEST)
        m.created = max(m.created, ANCHOR - timedelta(days=90))
        m.instances = []
        self.series.append(m)
        return m

    def occur(self, m, start, attendees=None, transcript=None, overlap=None):
        r = self.r
        i = Meeting()
        i.series, i.start = m, start
        i.end = start + timedelta(minutes=m.duration + r.randrange(-4, 9))
        i.end = min(i.end, LATEST)
        i.uuid = zoom_uuid(m.id, start.isoformat())
        i.attendees = attendees if attendees is not None else list(m.attendees)
        i.transcript = transcript
        i.overlap = overlap or {}
        m.instances.append(i)
        self.instances.append(i)
        return i

    def run(self):
        r = self.r
        everyone = list(PEOPLE)
        # daily standup: the last three weeks and this morning
        su = self.new_series(P["rui"], "Orbital daily standup", 8, 15, berlin(2025, 10, 13, 9, 30), everyone,
                             "Yesterday / today / blockers. Keep it under 15 minutes.")
        d = berlin(2025, 12, 15, 9, 30)
        while d < LATEST:
            if is_workday(local(d).date()):
                att = [p for p in everyone if (p is not P["greta"] or r.random() < 0.5) and r.random() > 0.08]
                self.occur(su, d, att)
            d += timedelta(days=1)
        # sprint plannings
        alp = self.new_series(P["rui"], "ALP sprint planning", 8, 60, berlin(2025, 10, 20, 10, 30),
                              ALP_TEAM + [P["rui"], P["greta"]], "Plan the next ALP sprint; bring estimates.")
        for (y, mo, dd) in [(2025, 11, 17), (2025, 12, 1), (2025, 12, 15), (2025, 12, 29)]:
            self.occur(alp, berlin(y, mo, dd, 10, 30), transcript="alp-planning" if dd == 29 else None)
        bet = self.new_series(P["lena"], "BET sprint planning", 8, 60, berlin(2025, 10, 22, 10, 30),
                              BET_TEAM + [P["rui"]], "Plan the next BET sprint.")
        for (y, mo, dd) in [(2025, 11, 19), (2025, 12, 3), (2025, 12, 17), (2025, 12, 31)]:
            self.occur(bet, berlin(y, mo, dd, 10, 30), transcript="bet-planning" if dd == 31 else None)
        retro = self.new_series(P["greta"], "Orbital retro", 8, 60, berlin(2025, 10, 17, 15, 0), everyone,
                                "What went well, what didn't, what we change.")
        for (y, mo, dd) in [(2025, 11, 28), (2025, 12, 12), (2025, 12, 26)]:
            self.occur(retro, berlin(y, mo, dd, 15, 0), transcript="retro" if dd == 26 else None)
        dr = self.new_series(P["ines"], "Design review", 8, 60, berlin(2025, 10, 16, 14, 0),
                             [P["ines"], P["rui"], P["tobias"], P["amara"], P["kenji"], P["lena"], P["priya"]],
                             "One design doc per week, async comments first.")
        for (y, mo, dd) in [(2025, 11, 27), (2025, 12, 4), (2025, 12, 11), (2025, 12, 18), (2025, 12, 25), (2026, 1, 1)]:
            self.occur(dr, berlin(y, mo, dd, 14, 0), transcript="design-review" if dd == 18 and mo == 12 else None)
        # 1:1s with the engineering manager, every other week
        slots = [(10, 0), (11, 0), (11, 30), (13, 30), (14, 0), (15, 0), (15, 30), (16, 0), (16, 30)]
        for n, p in enumerate([x for x in PEOPLE if x is not P["greta"]]):
            h, mi = slots[n]
            one = self.new_series(P["greta"], "1:1 Greta / %s" % p["first"], 8, 30, berlin(2025, 10, 14 + n % 3, h, mi),
                                  [P["greta"], p], "Career, feedback, anything on your mind.")
            base = [(2025, 12, 16), (2025, 12, 30)] if n % 2 == 0 else [(2025, 12, 18), (2026, 1, 1)]
            for (y, mo, dd) in base:
                day = dd + (n // 4) % 2
                start = berlin(y, mo, day, h, mi)
                if p is P["priya"]:
                    start = berlin(y, mo, day, 9, 15)  # collides with the standup
                if p is P["rui"] and (y, mo, dd) == (2025, 12, 18):
                    start = berlin(2025, 12, 18, 14, 15)  # collides with the design review
                self.occur(one, start)
        # one-off meetings
        singles = [
            (P["sami"], "Incident review: ingest lag on 9 Dec", 60, berlin(2025, 12, 10, 11, 0),
             [P["sami"], P["lena"], P["oskar"], P["priya"], P["rui"], P["greta"]], "incident"),
            (P["rui"], "Architecture deep-dive: scheduler leader election", 90, berlin(2025, 12, 16, 14, 0),
             [P["rui"], P["ines"], P["tobias"], P["kenji"], P["sami"]], "architecture"),
            (P["lena"], "Vendor call: ClickHouse support", 45, berlin(2025, 12, 9, 16, 0),
             [P["lena"], P["oskar"], P["sami"]], None),
            (P["tobias"], "Pairing: checkout idempotency", 120, berlin(2025, 11, 25, 13, 0), [P["tobias"], P["ines"]], None),
            (P["greta"], "Q1 roadmap sync", 60, berlin(2025, 12, 22, 11, 0), [P["greta"], P["rui"], P["ines"], P["lena"]], None),
            (P["greta"], "Hiring debrief: backend candidate", 30, berlin(2025, 12, 11, 14, 30),
             [P["greta"], P["rui"], P["sami"]], None),
        ]
        for host, topic, dur, start, att, tr in singles:
            m = self.new_series(host, topic, 2, dur, start, att)
            self.occur(m, start, transcript=tr)
        # make sure some UUIDs need double encoding
        self.instances.sort(key=lambda i: i.start)
        self.instances[3].uuid = "/" + self.instances[3].uuid[1:]
        self.instances[10].uuid = self.instances[10].uuid[:6] + "//" + self.instances[10].uuid[8:]
        plus = [i for i in self.instances if "+" in i.uuid]
        if not plus:
            self.instances[12].uuid = self.instances[12].uuid[:5] + "+" + self.instances[12].uuid[6:]
        for m in self.series:
            m.uuid = m.instances[-1].uuid
        return self

    def participants(self, inst):
        r = random.Random(SEED + 6 + int(inst.start.timestamp()))
        rows = []
        k = 0
        for p in inst.attendees:
            join = inst.start + timedelta(seconds=r.randrange(-150, 240))
            leave = inst.end + timedelta(seconds=r.randrange(-200, 60))
            if p is P["priya"] and inst.series.topic == "Orbital daily standup" and any(
                    o.series.topic.endswith("/ Priya") and o.start <= inst.start < o.end for o in self.instances):
                join = inst.start + timedelta(minutes=6)  # straight from the 1:1
            segs = [(join, leave)]
            if r.random() < 0.12 and (leave - join) > timedelta(minutes=10):
                cut = join + (leave - join) * r.uniform(0.3, 0.7)
                segs = [(join, cut), (cut + timedelta(seconds=r.randrange(20, 150)), leave)]  # dropped and re-joined
            for a, b in segs:
                a, b = min(a, LATEST), min(b, LATEST)
                k += 1
                rows.append({"id": p["zoom"], "user_id": str(16778240 + 1024 * k), "name": p["name"],
                             "user_email": p["email"], "join_time": zts(a), "leave_time": zts(b),
                             "duration": int((b - a).total_seconds()), "failover": False, "status": "in_meeting",
                             "customer_key": "", "participant_user_id": p["zoom"]})
        if inst.series.topic.startswith("Vendor call"):
            a, b = inst.start + timedelta(minutes=2), inst.end - timedelta(minutes=3)
            rows.append({"id": "", "user_id": str(16778240 + 1024 * (k + 1)), "name": "Support Engineer (Vendor)",
                         "user_email": "support@example.org", "join_time": zts(a), "leave_time": zts(b),
                         "duration": int((b - a).total_seconds()), "failover": False, "status": "in_meeting",
                         "customer_key": "", "participant_user_id": ""})
        rows.sort(key=lambda x: (x["join_time"], x["user_id"]))
        return rows

    def emit(self):
        r = self.r
        write_json("zoom/oauth-token.json", {"access_token": "demo-zoom-token", "token_type": "bearer", "expires_in": 3599,
                                             "scope": "meeting:read:admin recording:read:admin report:read:admin user:read:admin"})
        route("zoom", "/oauth/token", "zoom/oauth-token.json", method="POST")
        users = []
        for n, p in enumerate(PEOPLE):
            users.append({"id": p["zoom"], "first_name": p["first"], "last_name": p["last"], "display_name": p["name"],
                          "email": p["email"], "type": 2, "pmi": p["zoom_pmi"], "timezone": "Europe/Berlin",
                          "verified": 1, "dept": "Engineering",
                          "created_at": zts(berlin(2025, 10, 6, 9, 12, n)),
                          "last_login_time": zts(LATEST - timedelta(hours=n * 7 + 1, minutes=n * 3)),
                          "last_client_version": "6.3.5.%d(mac)" % (61000 + n), "language": "en-US",
                          "phone_number": "", "status": "active", "role_id": "2" if p["key"] != "greta" else "1",
                          "employee_unique_id": "", "user_created_at": zts(berlin(2025, 10, 6, 9, 12, n))})
        write_json("zoom/users.json", {"page_count": 1, "page_number": 1, "page_size": 30, "total_records": len(users),
                                       "next_page_token": "", "users": users})
        route("zoom", "/v2/users", "zoom/users.json", pages={"style": "zoom_token", "items": "users", "page_size": 30})
        for p in PEOPLE:
            hosted = [m for m in self.series if m.host is p]
            items = []
            for m in sorted(hosted, key=lambda m: m.first_start):
                items.append({"uuid": m.uuid, "id": m.id, "host_id": p["zoom"], "topic": m.topic, "type": m.type,
                              "start_time": zts(m.first_start), "duration": m.duration, "timezone": "Europe/Berlin",
                              "agenda": m.agenda, "created_at": zts(m.created),
                              "join_url": "https://zoom.example.com/j/%d" % m.id})
            fn = "zoom/users/%s-meetings.json" % p["key"]
            write_json(fn, {"page_size": 30, "total_records": len(items), "next_page_token": "", "meetings": items})
            for uid in user_paths(p):
                route("zoom", "/v2/users/%s/meetings" % uid, fn,
                      pages={"style": "zoom_token", "items": "meetings", "page_size": 30})
            # cloud recordings (only meetings with a transcript were recorded)
            recs = []
            for m in hosted:
                for inst in m.instances:
                    if not inst.transcript:
                        continue
                    rid = sha("rec", inst.uuid)
                    files = []
                    for kind, ext, rtype, size in (("MP4", "MP4", "shared_screen_with_speaker_view", 48211000),
                                                   ("M4A", "M4A", "audio_only", 9120000),
                                                   ("TRANSCRIPT", "VTT", "audio_transcript", 0)):
                        fid = "%s-%s" % (rid[:8], {"MP4": "a1", "M4A": "b2", "TRANSCRIPT": "c3"}[kind])
                        fid = b64id("recfile", fid, n=36)
                        vtt = TRANSCRIPTS[inst.transcript] if kind == "TRANSCRIPT" else None
                        files.append({
                            "id": fid, "meeting_id": inst.uuid, "recording_start": zts(inst.start + timedelta(seconds=41)),
                            "recording_end": zts(inst.end - timedelta(seconds=30)), "file_type": kind,
                            "file_extension": ext, "file_size": len(vtt.encode()) if vtt else size + r.randrange(999999),
                            "play_url": "https://zoom.example.com/rec/play/%s" % fid,
                            "download_url": "/rec/download/%s.%s" % (fid, ext.lower()),
                            "status": "completed", "recording_type": rtype})
                        if vtt:
                            fnv = "zoom/rec/%s.vtt" % fid
                            write_text(fnv, vtt)
                            route("zoom", "/rec/download/%s.vtt" % fid, fnv)
                    recs.append({"uuid": inst.uuid, "id": m.id, "account_id": ZOOM_ACCOUNT, "host_id": p["zoom"],
                                 "topic": m.topic, "type": m.type, "start_time": zts(inst.start),
                                 "timezone": "Europe/Berlin",
                                 "duration": int((inst.end - inst.start).total_seconds() // 60),
                                 "total_size": sum(f["file_size"] for f in files), "recording_count": len(files),
                                 "share_url": "https://zoom.example.com/rec/share/%s" % b64id("share", inst.uuid, n=40),
                                 "recording_files": files})
            recs.sort(key=lambda x: x["start_time"], reverse=True)
            fn = "zoom/users/%s-recordings.json" % p["key"]
            write_json(fn, {"from": (ANCHOR - timedelta(days=30)).strftime("%Y-%m-%d"), "to": ANCHOR.strftime("%Y-%m-%d"),
                            "page_size": 30, "total_records": len(recs), "next_page_token": "", "meetings": recs})
            for uid in user_paths(p):
                route("zoom", "/v2/users/%s/recordings" % uid, fn,
                      pages={"style": "zoom_token", "items": "meetings", "page_size": 30})
        for m in self.series:
            fn = "zoom/past/%d-instances.json" % m.id
            write_json(fn, {"meetings": [{"uuid": i.uuid, "start_time": zts(i.start)} for i in m.instances]})
            route("zoom", "/v2/past_meetings/%d/instances" % m.id, fn)
            for v in uuid_paths(m.uuid):  # the latest instance's UUID works too
                route("zoom", "/v2/past_meetings/%s/instances" % v, fn)
        for inst in self.instances:
            m = inst.series
            rows = self.participants(inst)
            key = sha("inst", inst.uuid)[:12]
            fn = "zoom/report/%s-participants.json" % key
            write_json(fn, {"page_count": 1, "page_size": 300, "total_records": len(rows), "next_page_token": "",
                            "participants": rows})
            det = "zoom/past/%s.json" % key
            write_json(det, {"uuid": inst.uuid, "id": m.id, "host_id": m.host["zoom"], "type": m.type, "topic": m.topic,
                             "user_name": m.host["name"], "user_email": m.host["email"], "start_time": zts(inst.start),
                             "end_time": zts(inst.end), "duration": int((inst.end - inst.start).total_seconds() // 60),
                             "total_minutes": sum(x["duration"] for x in rows) // 60,
                             "participants_count": len(rows), "dept": "Engineering", "source": "Zoom"})
            for v in uuid_paths(inst.uuid):
                route("zoom", "/v2/report/meetings/%s/participants" % v, fn,
                      pages={"style": "zoom_token", "items": "participants", "page_size": 300})
                route("zoom", "/v2/past_meetings/%s" % v, det)
            if m.type == 2:  # a one-off meeting can also be asked for by its number
                route("zoom", "/v2/report/meetings/%d/participants" % m.id, fn,
                      pages={"style": "zoom_token", "items": "participants", "page_size": 300})
                route("zoom", "/v2/past_meetings/%d" % m.id, det)


def vtt(lines, start_offset=2.0, seed=0):
    """Zoom audio-transcript WebVTT: numbered cues, `Name: text`."""
    r = random.Random(SEED + 7 + seed)
    out = ["WEBVTT", ""]
    t = start_offset
    for n, (speaker, text) in enumerate(lines, 1):
        dur = max(1.5, min(14.0, len(text) / 14.0 + r.uniform(0.2, 1.5)))
        a, b = t, t + dur

        def fmt(x):
            ms = int(round(x * 1000))
            return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)

        out += [str(n), "%s --> %s" % (fmt(a), fmt(b)), ("%s: %s" % (speaker, text)) if speaker else text, ""]
        t = b + r.uniform(0.1, 4.0)
    return "\n".join(out)


def build_transcripts(jira):
    def find(proj, prefix):
        for i in jira.issues:
            if i.proj == proj and i.summary.startswith(prefix):
                return i.key
        return proj + "-1"

    epic = {e.summary: e.key for e in jira.issues if e.itype == "Epic"}
    n = {k: P[k]["name"] for k in P}
    def carried(proj):
        return sorted((i for i in jira.issues if i.proj == proj and len(i.sprints) >= 2
                       and any(s.state == "active" for s in i.sprints)), key=lambda i: int(i.id))

    alp_carry, bet_carry = carried("ALP"), carried("BET")
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    a1 = alp_carry[0].key if alp_carry else "ALP-1"
    a2 = alp_carry[1].key if len(alp_carry) > 1 else "ALP-2"
    b1 = bet_carry[0].key if bet_carry else "BET-1"
    bet_blocked = [i for i in jira.issues if i.proj == "BET" and i.status == "Blocked"]
    b2 = bet_blocked[0].key if bet_blocked else "BET-2"
    TRANSCRIPTS["alp-planning"] = vtt([
        (n["rui"], "Okay, let's start. Sprint 26 planning for Launchpad. Everyone can see the board?"),
        (n["ines"], "Yes. Before we start: we carried %s issues over from last sprint." % words[min(len(alp_carry), 10)]),
        (n["rui"], "Right. Carry-over first: %s and %s. Who is on those?" % (a1, a2)),
        (n["tobias"], "One of mine is waiting on the staging credentials, I asked Sami twice."),
        (n["greta"], "Then let's not pretend. How much capacity do we really have with the holidays?"),
        (n["rui"], "Roughly seventy percent. So about twenty-eight points instead of forty."),
        (n["amara"], "The console work on the launch timeline is eight points on its own."),
        (n["ines"], "I would split it. The read-only timeline first, the drag and drop later."),
        (n["rui"], "Okay, we decided to split the timeline story; Amara, can you create the second ticket?"),
        (n["amara"], "Yes, I'll do it right after this."),
        (n["kenji"], "What about the idempotency keys, %s? That's what customers are asking for." % epic.get("Checkout API v2", "ALP-1")),
        (n["tobias"], "The middleware is done; the open question is the key retention. Twenty-four hours or seven days?"),
        (n["ines"], "Seven days costs us a bigger table, but retries from the mobile clients can come days later."),
        (n["rui"], "Let's go with twenty-four hours for now and measure the late retries. We revisit in two weeks."),
        (n["greta"], "Agreed. Write it down in the ADR so we don't have this discussion again."),
        (n["tobias"], "I'll update ADR-003."),
        (n["kenji"], "And the flaky Playwright tests? They cost us an hour a day."),
        (n["rui"], "Agreed: we quarantine the three flaky ones this sprint and Kenji owns fixing them."),
        (n["kenji"], "Fine by me."),
        (n["greta"], "Sprint goal then: start the new quarter clean, unblock the roadmap items."),
        (n["rui"], "Good. Anything else? No? Thanks everyone."),
    ], seed=1)
    TRANSCRIPTS["bet-planning"] = vtt([
        (n["lena"], "Hi all, BET sprint 14 planning. Let's look at what's left from sprint 13."),
        (n["oskar"], "%s is almost there, just the backfill verification." % b1),
        (n["priya"], "%s is blocked by the schema registry change." % b2),
        (n["sami"], "The registry upgrade is scheduled for Thursday. I can do it Wednesday if that helps."),
        (n["lena"], "Please do. So %s waits until Wednesday, fine." % b2),
        (n["rui"], "How are we on the Kafka cutover, %s?" % epic.get("Ingest pipeline on Kafka", "BET-1")),
        (n["lena"], "Shadow writes have been running for ten days with no diff. I'd like to cut over next week."),
        (n["sami"], "Not during the first week of January. On-call is thin."),
        (n["lena"], "Fair. We decided to cut over on the 14th and keep the HTTP path warm for a week after."),
        (n["oskar"], "And the purge job? The KeyError on legacy tenants is fixed, but there are more legacy tenants."),
        (n["priya"], "We should default the retention to ninety days for any tenant without a policy."),
        (n["lena"], "Agreed: default ninety days, and we log every tenant that gets the default."),
        (n["rui"], "Estimates? The dashboard rollups are still unestimated."),
        (n["oskar"], "Five for the rollups, three for the CSV export."),
        (n["lena"], "Let's go with that. That's us at thirty-one points."),
        (n["lena"], "Thanks everyone, see you at standup."),
    ], seed=2)
    TRANSCRIPTS["retro"] = vtt([
        (n["greta"], "Welcome to the retro. Same format: went well, didn't go well, what we change."),
        (n["ines"], "Went well: the checkout v2 beta shipped without an incident."),
        (n["sami"], "Went well: the ingest lag alert finally has a runbook."),
        (n["tobias"], "Didn't go well: I was blocked for two days waiting for a review."),
        (n["priya"], "Same for me. Reviews pile up on Rui."),
        (n["rui"], "That's fair. I'm the default reviewer on too many things."),
        (n["greta"], "What do we change?"),
        (n["kenji"], "Round-robin reviewers per squad, and the tech lead only for architecture changes."),
        (n["rui"], "Agreed: round-robin reviewers from Monday. I'll set up CODEOWNERS."),
        (n["lena"], "Also: we keep carrying issues over. Three sprints for some of them."),
        (n["greta"], "We decided to cap the sprint at seventy percent of capacity for the next two sprints."),
        (n["oskar"], "And people pasted secrets in Slack twice this month."),
        (n["sami"], "Let's go with a pre-commit hook and a Slack reminder bot. I'll write the runbook for rotating secrets."),
        (n["greta"], "Good. Action items are in the Confluence page. Thanks all, have a good break."),
    ], seed=3)
    TRANSCRIPTS["design-review"] = vtt([
        (n["ines"], "Today's doc is the event schema versioning proposal, ADR-002."),
        (n["lena"], "The main change: every event carries a schema version and we never remove fields."),
        (n["rui"], "What about renames?"),
        (n["lena"], "A rename is an add plus a deprecation. Consumers get two releases to move."),
        (n["tobias"], "Checkout emits OrderConfirmed; we would need to version that too."),
        (n["priya"], "The registry enforces backward compatibility, so a bad change fails in CI."),
        (n["amara"], "Does the console read these events directly?"),
        (n["ines"], "No, only through the API. So the console is not affected."),
        (n["rui"], "Okay. Agreed: backward-compatible changes only, enforced by the registry in CI."),
        (n["ines"], "And we decided to add the version header to the outbox events too, Tobias takes that."),
        (n["tobias"], "Yes, I'll open a ticket under checkout."),
        (n["ines"], "Thanks. Next week: the scheduler leader election doc."),
    ], seed=4)
    TRANSCRIPTS["incident"] = vtt([
        (n["sami"], "Incident review for the ingest lag on the ninth. Timeline is in the doc."),
        (n["sami"], "At 14:02 the consumer lag alert fired, lag peaked at seven minutes."),
        (n["oskar"], "Root cause: a rebalance storm after the deploy. Eager rebalancing with forty consumers."),
        (n["lena"], "We had a ticket for that, %s, the cooperative sticky assignor." % find("BET", "Rebalance storm")),
        (n["greta"], "Why wasn't it done?"),
        (n["lena"], "It was carried over twice. Always something more urgent."),
        (n["rui"], "Then it's the most urgent thing now. Let's go with cooperative sticky this sprint."),
        (n["sami"], "Agreed: it goes first in the sprint, and deploys of ingest pause until it's in."),
        (n["priya"], "Also the alert fired but nobody acked for twelve minutes."),
        (n["sami"], "We decided to page the secondary after five minutes without an ack."),
        (n["greta"], "Good. Sami, please put the action items in the runbook page."),
    ], seed=5)
    TRANSCRIPTS["architecture"] = vtt([
        (n["rui"], "Deep-dive on the scheduler leader election. Ines wrote the proposal."),
        (n["ines"], "Today we use a Postgres advisory lock. When the connection drops we get two leaders for a few seconds."),
        (n["kenji"], "That's the double-fire bug, %s." % find("ALP", "Scheduler double-fires")),
        (n["ines"], "Exactly. Options: etcd leases, Kubernetes leases, or fencing tokens on top of Postgres."),
        (n["sami"], "I'd rather not run etcd just for this."),
        (n["tobias"], "Kubernetes leases have the same clock problem without fencing."),
        (n["ines"], "So fencing tokens: every job write carries the leader epoch, and stale epochs are rejected."),
        (n["rui"], "Let's go with fencing tokens on Postgres. It fixes the double fire and needs no new infrastructure."),
        (n["kenji"], "Agreed. I can take the chaos test: kill the leader every minute for an hour."),
        (n["rui"], "Agreed: Ines writes the ADR, Kenji owns the chaos test, target is the next sprint."),
    ], seed=6)


# ==========================================================================
# CONFLUENCE
# ==========================================================================

SPACES = [
    {"id": "98305", "key": "ORB", "name": "Orbital Platform", "desc": "Team space of the Orbital Platform team"},
    {"id": "98306", "key": "RUN", "name": "Orbital Runbooks", "desc": "Runbooks and on-call"},
]


def jira_macro(key, n):
    mid = sha("macro", key, n)
    return ('<ac:structured-macro ac:name="jira" ac:schema-version="1" ac:macro-id="%s-%s-%s-%s-%s">'
            '<ac:parameter ac:name="server">System Jira</ac:parameter>'
            '<ac:parameter ac:name="serverId">5c1f2d3e-0a9b-4c8d-9e7f-6a5b4c3d2e1f</ac:parameter>'
            '<ac:parameter ac:name="key">%s</ac:parameter></ac:structured-macro>') % (
        mid[:8], mid[8:12], mid[12:16], mid[16:20], mid[20:32], key)


class ConfluenceSim:
    def __init__(self, jira):
        self.r = random.Random(SEED + 8)
        self.jira = jira
        self.pages = []
        self.next_id = 229000

    def page(self, space, title, parent, author, created_days, edited_days, body, versions=None, editor=None):
        r = self.r
        self.next_id += r.randrange(300, 4000)
        pid = str(self.next_id)
        created = work_time(r, ANCHOR - timedelta(days=created_days), ANCHOR - timedelta(days=created_days - 1))
        edited = created if edited_days == created_days else \
            work_time(r, ANCHOR - timedelta(days=edited_days), ANCHOR - timedelta(days=edited_days - 1))
        edited = max(edited, created)
        pg = {"id": pid, "space": space, "title": title, "parent": parent, "author": author,
              "editor": editor or author, "created": created, "edited": edited, "body": body,
              "version": versions or (1 if edited == created else r.randrange(2, 12))}
        self.pages.append(pg)
        return pg

    def url(self, pg):
        return "%s/spaces/%s/pages/%s/%s" % (WIKI, pg["space"]["key"], pg["id"], urllib.parse.quote_plus(pg["title"]))

    def run(self):
        orb, run = SPACES
        J = self.jira
        epics = [i for i in J.issues if i.itype == "Epic"]
        home = self.page(orb, "Orbital Platform", None, P["greta"], 90, 10,
                         "<h1>Orbital Platform</h1><p>We build Launchpad (checkout, scheduling, console) and Telemetry "
                         "(ingest, dashboards, retention) for Kestrel Orbital.</p><p>Jira: ALP and BET. Slack: "
                         "#orbital-team.</p>")
        self.page(orb, "Team working agreement", home["id"], P["greta"], 89, 75,
                  "<h2>How we work</h2><ul><li>Core hours 10:00-16:00 Berlin</li><li>Standup 09:30 on Zoom</li>"
                  "<li>Reviews within one working day</li><li>No secrets in Slack, ever</li></ul>")
        self.page(orb, "Onboarding guide", home["id"], P["rui"], 88, 82,
                  "<h2>Week one</h2><ol><li>Get access to GitHub, Jira and the VPN</li><li>Pair with a buddy on a "
                  "starter ticket</li><li>Read the architecture overview</li></ol>")
        self.page(orb, "Architecture overview", home["id"], P["rui"], 87, 70,
                  "<h2>Services</h2><p>launchpad-api (Go), mission-console (TypeScript), telemetry-pipeline "
                  "(Python, Kafka, ClickHouse).</p><p>See the epics %s.</p>" % ", ".join(
                      e.key for e in epics[:3]))
        docs = self.page(orb, "Project docs", home["id"], P["greta"], 86, 86, "<p>One page per epic.</p>", versions=1)
        ages = {"Checkout API v2": (84, 6), "Mission console redesign": (80, 21), "Launch scheduling service": (78, 33),
                "Auth hardening": (86, 64), "Ingest pipeline on Kafka": (85, 4), "Telemetry dashboards": (79, 18),
                "Retention & GDPR purge": (83, 68)}
        suffix = {"Checkout API v2": "design", "Mission console redesign": "spec", "Launch scheduling service": "RFC",
                  "Auth hardening": "plan", "Ingest pipeline on Kafka": "design", "Telemetry dashboards": "requirements",
                  "Retention & GDPR purge": "plan"}
        for e in epics:
            c, ed = ages[e.summary]
            kids = sorted(e.children, key=lambda i: int(i.id))[:6]
            body = ("<h2>Context</h2><p>Epic: %s</p><p>Tracking epic %s in Jira.</p><h2>Scope</h2><ul>%s</ul>"
                    "<h2>Decisions</h2><p>See the ADRs in this space.</p>") % (
                jira_macro(e.key, 0), e.key,
                "".join("<li>%s %s</li>" % (k.key, k.summary.replace("&", "&amp;")) for k in kids))
            pg = self.page(orb, "%s — %s" % (e.summary, suffix[e.summary]), docs["id"], e.assignee, c, ed, body,
                           editor=self.r.choice([e.assignee, P["rui"]]))
            e.page = pg
            e.description = adf_doc(
                adf_para(adf_text("Epic for %s. The design lives in Confluence: " % e.summary),
                         {"type": "inlineCard", "attrs": {"url": self.url(pg)}}),
                adf_heading("Goals"),
                adf_list(["Ship behind a flag, then roll out per tenant", "Runbook before GA", "No p95 regression"]))
        adr = [("ADR-001: Kafka for telemetry ingest", 80, 78, P["lena"], "BET"),
               ("ADR-002: Event schema versioning", 50, 45, P["lena"], "BET"),
               ("ADR-003: Idempotency keys for checkout", 40, 7, P["tobias"], "ALP"),
               ("ADR-004: Fencing tokens for scheduler leadership", 19, 19, P["ines"], "ALP")]
        for title, c, ed, who, proj in adr:
            rel = [i for i in J.issues if i.proj == proj and i.itype != "Epic"][c % 7:(c % 7) + 2]
            self.page(orb, title, docs["id"], who, c, ed,
                      "<h2>Status</h2><p>Accepted</p><h2>Decision</h2><p>%s</p><p>Related: %s</p>" % (
                          title.split(": ", 1)[1], " ".join(i.key for i in rel)))
        retros = self.page(orb, "Retrospectives", home["id"], P["greta"], 82, 82, "<p>Retro notes, newest first.</p>",
                           versions=1)
        carried = [i for i in J.issues if len([s for s in i.sprints if s.state == "closed"]) >= 2]
        for k, (y, m, d) in enumerate([(2025, 11, 14), (2025, 11, 28), (2025, 12, 12), (2025, 12, 26)]):
            days = (ANCHOR.date() - datetime(y, m, d).date()).days
            keys = " ".join(i.key for i in carried[k * 2:k * 2 + 3])
            self.page(orb, "Retro %04d-%02d-%02d" % (y, m, d), retros["id"], P["greta"], days, max(days - 1, 1),
                      "<h2>Went well</h2><ul><li>Shipped on time</li></ul><h2>To improve</h2><ul><li>Carry-over: "
                      "%s</li><li>Review latency</li></ul><h2>Actions</h2><ac:task-list><ac:task><ac:task-id>%d</ac:task-id>"
                      "<ac:task-status>incomplete</ac:task-status><ac:task-body>Round-robin reviewers</ac:task-body>"
                      "</ac:task></ac:task-list>" % (keys, k + 1))
        notes = self.page(orb, "Meeting notes", home["id"], P["ines"], 70, 70, "<p>Design review notes.</p>", versions=1)
        for (y, m, d), topic in [((2025, 12, 11), "Console navigation"), ((2025, 12, 18), "Event schema versioning")]:
            days = (ANCHOR.date() - datetime(y, m, d).date()).days
            self.page(orb, "Design review %04d-%02d-%02d: %s" % (y, m, d, topic), notes["id"], P["ines"], days, days - 1,
                      "<h2>Decisions</h2><ul><li>Agreed: backward-compatible changes only</li></ul>")
        self.page(orb, "Q1 2026 roadmap (draft)", home["id"], P["greta"], 14, 2,
                  "<p>Themes: Kafka cutover (%s), checkout v2 GA (%s), console redesign (%s).</p>" % tuple(
                      e.key for e in epics[:3]), editor=P["rui"])
        rhome = self.page(run, "Runbooks", None, P["sami"], 88, 88, "<p>All runbooks. On-call: see the handbook.</p>",
                          versions=1)
        lag = [i for i in J.issues if i.summary.startswith(("Consumer lag alerting", "Rebalance storm"))]
        for title, c, ed, who, extra in [
            ("Runbook: ingest lag", 60, 26, P["sami"], " ".join(i.key for i in lag)),
            ("Runbook: checkout 5xx spike", 80, 66, P["rui"], ""),
            ("Runbook: rotating secrets", 30, 20, P["sami"], ""),
            ("Runbook: scheduler leader lost", 25, 15, P["ines"], ""),
            ("Runbook: ClickHouse disk full", 84, 72, P["lena"], ""),
            ("On-call handbook", 87, 85, P["sami"], ""),
        ]:
            body = "<h2>Symptoms</h2><p>The alert in #orbital-alerts.</p><h2>Steps</h2><ol><li>Check the dashboard</li>" \
                   "<li>Follow the steps below</li></ol>"
            if extra:
                body += "<p>Background: %s</p>" % extra
            self.page(run, title, rhome["id"], who, c, ed, body)
        return self

    def v2(self, pg):
        sp = pg["space"]
        return {
            "id": pg["id"], "status": "current", "title": pg["title"], "spaceId": sp["id"],
            "parentId": pg["parent"], "parentType": "page" if pg["parent"] else None, "position": int(pg["id"]) % 997,
            "authorId": pg["author"]["jira"], "ownerId": pg["author"]["jira"], "lastOwnerId": None,
            "createdAt": mts(pg["created"]),
            "version": {"createdAt": mts(pg["edited"]), "message": "", "number": pg["version"], "minorEdit": False,
                        "authorId": pg["editor"]["jira"]},
            "body": {"storage": {"representation": "storage", "value": pg["body"]}},
            "_links": {"editui": "/pages/resumedraft.action?draftId=%s" % pg["id"],
                       "webui": "/spaces/%s/pages/%s/%s" % (sp["key"], pg["id"], urllib.parse.quote_plus(pg["title"])),
                       "edituiv2": "/spaces/%s/pages/edit-v2/%s" % (sp["key"], pg["id"]),
                       "tinyui": "/x/" + b64id("tiny", pg["id"], n=6)},
        }

    def v1(self, pg):
        sp = pg["space"]
        ed = pg["editor"]
        return {
            "id": pg["id"], "type": "page", "status": "current", "title": pg["title"],
            "space": {"id": int(sp["id"]), "key": sp["key"], "name": sp["name"], "type": "global", "status": "current",
                      "_links": {"webui": "/spaces/%s" % sp["key"], "self": "%s/rest/api/space/%s" % (WIKI, sp["key"])}},
            "version": {"by": {"type": "known", "accountId": ed["jira"], "accountType": "atlassian", "email": "",
                               "publicName": ed["name"], "displayName": ed["name"]},
                        "when": mts(pg["edited"]), "message": "", "number": pg["version"], "minorEdit": False},
            "body": {"storage": {"value": pg["body"], "representation": "storage"}},
            "_expandable": {"children": "", "history": "/rest/api/content/%s/history" % pg["id"],
                            "ancestors": "", "descendants": ""},
            "_links": {"webui": "/spaces/%s/pages/%s/%s" % (sp["key"], pg["id"], urllib.parse.quote_plus(pg["title"])),
                       "self": "%s/rest/api/content/%s" % (WIKI, pg["id"]), "tinyui": "/x/" + b64id("tiny", pg["id"], n=6)},
        }

    def emit(self):
        spaces = []
        for sp in SPACES:
            home = [p for p in self.pages if p["space"] is sp and p["parent"] is None][0]
            spaces.append({"id": sp["id"], "key": sp["key"], "name": sp["name"], "type": "global", "status": "current",
                           "authorId": home["author"]["jira"], "createdAt": mts(home["created"] - timedelta(minutes=5)),
                           "homepageId": home["id"], "spaceOwnerId": home["author"]["jira"],
                           "description": None, "icon": None, "_links": {"webui": "/spaces/%s" % sp["key"]}})
            pages = [self.v2(p) for p in self.pages if p["space"] is sp]
            fn = "confluence/pages-%s.json" % sp["key"]
            write_json(fn, {"results": pages, "_links": {"base": WIKI}})
            route("confluence", "/wiki/api/v2/pages", fn, query={"space-id": sp["id"]},
                  pages={"style": "confluence_cursor", "items": "results", "page_size": 25})
        write_json("confluence/spaces.json", {"results": spaces, "_links": {"base": WIKI}})
        route("confluence", "/wiki/api/v2/spaces", "confluence/spaces.json",
              pages={"style": "confluence_cursor", "items": "results", "page_size": 25})
        keyed = [p for p in self.pages if any(("%s-" % k) in p["body"] for k in PROJECTS)]
        keyed.sort(key=lambda p: p["edited"], reverse=True)
        write_json("confluence/search-jira-keys.json", {
            "results": [self.v1(p) for p in keyed], "start": 0, "limit": 25, "size": len(keyed),
            "totalSize": len(keyed), "cqlQuery": "type = page AND (text ~ \"ALP\" OR text ~ \"BET\")",
            "searchDuration": 41, "_links": {"base": WIKI, "context": "/wiki"}})
        route("confluence", "/wiki/rest/api/content/search", "confluence/search-jira-keys.json", query={"cql": "text ~"},
              pages={"style": "confluence_start", "items": "results", "page_size": 25})


# ==========================================================================
# config.toml
# ==========================================================================

def toml_list(xs):
    return "[" + ", ".join('"%s"' % x for x in xs) + "]"


def config_toml(slack):
    out = [
        "# ASYNC Cockpit demo organisation: Kestrel Orbital's Orbital Platform team.",
        "# Written by assets/demo/generate.py; every name, id and address here is invented.",
        "# `async-cockpit demo` replaces the http://127.0.0.1:1 origins with its replay",
        "# server's and sets dummy tokens in the environment variables named below.",
        "",
        'site = "demo"',
        "retention_days = 90",
        "",
        "[team]",
        'name = "Orbital Platform"',
        'time_zone = "Europe/Berlin"',
        'work_hours = { start = "09:00", end = "17:30" }',
        'work_days = ["mon", "tue", "wed", "thu", "fri"]',
        "",
    ]
    for p in PEOPLE:
        out += [
            "[[people]]",
            'name = "%s"' % p["name"],
            "emails = %s" % toml_list(p["emails"]),
            'github = "%s"' % p["github"],
            'jira_account_id = "%s"' % p["jira"],
            'slack_id = "%s"' % p["slack"],
            'zoom_email = "%s"' % p["email"],
            'unix_user = "%s"' % p["unix"],
            "roles = %s" % toml_list(p["roles"]),
            "",
        ]
    out += [
        "[github]",
        "enabled = true",
        'base_url = "http://127.0.0.1:1"',
        'token_env = "GITHUB_TOKEN"',
        "repositories = %s" % toml_list("%s/%s" % (ORG, r) for r in REPOS),
        'bots = ["orbital-releaser"]',
        "",
        "[jira]",
        "enabled = true",
        'base_url = "http://127.0.0.1:1"',
        'deployment = "cloud"',
        'user = ""',
        'token_env = "JIRA_TOKEN"',
        "projects = %s" % toml_list(PROJECTS),
        'story_points_field = ""',
        "",
        "[slack]",
        "enabled = true",
        'base_url = "http://127.0.0.1:1/api"',
        'token_env = "SLACK_TOKEN"',
        "channels = %s" % toml_list(c["id"] for c in slack.channels),
        "",
        "[zoom]",
        "enabled = true",
        'base_url = "http://127.0.0.1:1/v2"',
        'oauth_url = "http://127.0.0.1:1"',
        'account_id_env = "ZOOM_ACCOUNT_ID"',
        'client_id_env = "ZOOM_CLIENT_ID"',
        'client_secret_env = "ZOOM_CLIENT_SECRET"',
        "",
        "[confluence]",
        "enabled = true",
        'base_url = "http://127.0.0.1:1/wiki"',
        'deployment = "cloud"',
        'user = ""',
        'token_env = "CONFLUENCE_TOKEN"',
        "spaces = %s" % toml_list(s["key"] for s in SPACES),
        "",
        "[llm]",
        'provider = "offline"',
        'model = ""',
        'base_url = ""',
        'api_key_env = ""',
        "timeout_secs = 60",
        "max_output_tokens = 800",
        "",
    ]
    return "\n".join(out)


# ==========================================================================
# self-check
# ==========================================================================

def iter_strings(o, key=None):
    if isinstance(o, dict):
        for k, v in o.items():
            yield from iter_strings(v, k)
    elif isinstance(o, list):
        for v in o:
            yield from iter_strings(v, key)
    elif isinstance(o, str):
        yield key, o


def parse_instant(s):
    import re
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})", s)
    if not m:
        return None
    tz = m.group(4)
    if tz == "Z":
        off = timedelta(0)
    else:
        sign = 1 if tz[0] == "+" else -1
        tz = tz[1:].replace(":", "")
        off = sign * timedelta(hours=int(tz[:2]), minutes=int(tz[2:]))
    dt = datetime.strptime(m.group(1) + "T" + m.group(2), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC) - off
    return dt


def self_check(jira, gh, slack, zoom, conf):
    import re
    issues = [i for i in jira.issues]
    assert 180 <= len(issues) <= 220, len(issues)
    assert 140 <= len(gh.prs) <= 165, len(gh.prs)
    assert len(slack.channels) == 4
    assert 50 <= len(zoom.instances) <= 70, len(zoom.instances)
    assert len(TRANSCRIPTS) >= 5 and sum(1 for k in WRITTEN if k.endswith(".vtt")) >= 5
    assert 28 <= len(conf.pages) <= 36, len(conf.pages)
    # sprint dynamics are visible in the changelogs
    items = [(iss, h[0], it) for iss in issues for h in iss.hist for it in h[2]]
    sprint_items = [(iss, t, it) for iss, t, it in items if it["field"] == "Sprint"]
    assert sum(1 for i in issues if len(i.sprints) >= 2) >= 10, "carry-over across 2 sprints"
    assert any(len(i.sprints) >= 3 for i in issues), "carry-over across 3 sprints"
    starts = {s.id: s.start for ss in jira.sprints.values() for s in ss if s.start}
    added = [1 for iss, t, it in sprint_items if it["to"] and not it["from"]
             and starts.get(int(it["to"].split(", ")[-1])) and t > starts[int(it["to"].split(", ")[-1])]]
    def ids(v):
        return [x for x in v.split(", ") if x]
    removed = [1 for iss, t, it in sprint_items if len(ids(it["to"])) < len(ids(it["from"]))]
    assert len(added) >= 6 and len(removed) >= 3, (len(added), len(removed))
    assert sum(1 for _, _, it in items if it["field"] == "Story point estimate") >= 10
    assert sum(1 for i in issues if i.points is None and i.itype != "Epic") >= 10
    assert {i.resolution for i in issues} >= {"Done", "Won't Do", "Duplicate"}
    assert any(i.status == "Blocked" for i in issues) and any(i.flagged for i in issues)
    assert any(k == "blocked_by" for i in issues for k, _ in i.links)
    assert len(jira.long_changelog) >= 5
    # GitHub edge cases
    assert any(p.draft_now for p in gh.prs) and any(k == "ready_for_review" for p in gh.prs for _, k in p.draft_events)
    assert any(k == "convert_to_draft" for p in gh.prs for _, k in p.draft_events)
    assert any(p.merged_at and not p.reviews for p in gh.prs)
    assert any(p.reviews and all(rv["who"]["type"] == "Bot" for rv in p.reviews) for p in gh.prs)
    assert any(p.stale and not p.closed_at for p in gh.prs)
    assert any(c["co"] for p in gh.prs for c in p.commits)
    # Zoom: a re-join, a UUID that needs double encoding
    assert any("%252F" in r["path"] for r in ROUTES)
    # routes point at files; JSON parses; timestamps in range; only fake secrets; only example domains
    for name, data in WRITTEN.items():
        if name.endswith(".json"):
            for m in re.finditer(r"startDate=|endDate=", data.decode()):
                raise AssertionError("legacy sprint string in %s" % name)
    for rt in ROUTES:
        assert rt["file"] in WRITTEN, rt["file"]
    lo, hi = ANCHOR - timedelta(days=92), ANCHOR
    email_re = re.compile(r"[A-Za-z0-9._%+\[\]-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
    for name, data in WRITTEN.items():
        text = data.decode("utf-8")
        for dom in email_re.findall(text):
            assert dom == "example.com" or dom == "example.org" or dom.endswith(".example.com"), (name, dom)
        for tok in re.findall(r"\b(?:xox[abprs]-[A-Za-z0-9-]+|gh[pousr]_[A-Za-z0-9]+)", text):
            assert tok in (FAKE_SLACK_TOKEN, FAKE_GITHUB_TOKEN), (name, tok)
        if not name.endswith(".json"):
            continue
        obj = json.loads(text)
        for key, s in iter_strings(obj):
            dt = parse_instant(s)
            if dt is not None:
                # the one planned future instant: the active sprint's end date
                assert lo <= dt <= (hi + timedelta(days=14) if key == "endDate" else hi), (name, key, s)
            if key in ("ts", "thread_ts", "latest_reply") and re.fullmatch(r"\d{10}\.\d{6}", s):
                t = datetime.fromtimestamp(int(s.split(".")[0]), UTC)
                assert lo <= t <= hi, (name, key, s)
    parts = zoom.participants
    assert any(len({r["user_id"] for r in parts(i)}) > len({r["id"] for r in parts(i)}) for i in zoom.instances), "re-join"
    total = sum(len(v) for v in WRITTEN.values())
    assert total < 6_600_000, total
    return total


# ==========================================================================
# main
# ==========================================================================

def main():
    jira = JiraSim().run()
    conf = ConfluenceSim(jira).run()  # also writes the epics' descriptions (links to their pages)
    gh = GitHubSim(jira).run()
    slack = SlackSim(jira, gh)
    slack.run()
    zoom = ZoomSim(jira).run()
    build_transcripts(jira)

    emit_jira(jira)
    emit_github(gh)
    slack.emit()
    zoom.emit()
    conf.emit()
    write_json("routes.json", {"anchor": zts(ANCHOR), "routes": ROUTES})
    WRITTEN["config.toml"] = config_toml(slack).encode("utf-8")

    total = self_check(jira, gh, slack, zoom, conf)

    for d in PROVIDER_DIRS:
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)
    for rel, data in sorted(WRITTEN.items()):
        path = os.path.join(HERE, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print("wrote %d files, %d routes, %.2f MB: %d issues, %d pull requests, %d channels, %d meetings, "
          "%d transcripts, %d pages" % (len(WRITTEN), len(ROUTES), total / 1e6, len(jira.issues), len(gh.prs),
                                        len(slack.channels), len(zoom.instances), len(TRANSCRIPTS), len(conf.pages)))


if __name__ == "__main__":
    main()
