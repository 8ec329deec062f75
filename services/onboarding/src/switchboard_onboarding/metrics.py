"""What onboarding counts for its dashboards: submissions, approvals, bulk runs, overrides."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

SUBMISSIONS = Counter(
    "onboarding_submissions_total",
    "Submissions by outcome: accepted, or invalid (refused by the checks)",
    ["outcome"],
)
APPROVAL_SECONDS = Histogram(
    "onboarding_approval_seconds",
    "From submission to the lead's decision",
    ["decision"],
    buckets=(60, 600, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600),
)
BULK_SECONDS = Histogram(
    "onboarding_bulk_seconds",
    "How long one bulk request took, by operation",
    ["operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
BULK_ITEMS = Counter(
    "onboarding_bulk_items_total",
    "Bulk items by operation and outcome: succeeded or failed",
    ["operation", "outcome"],
)
OVERRIDES = Counter("onboarding_overrides_total", "Edits of locked records by override")
