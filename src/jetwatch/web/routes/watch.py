"""The watchlist and its rules (edits need the token), a test notification, and the
latest alerts. Rules are served with their targets redacted (names as they are, URLs
without secrets)."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from jetwatch.config import redact
from jetwatch.store.db import Store
from jetwatch.watch import alerts, lists, rules
from jetwatch.watch.alerts import AlertRecord
from jetwatch.web.deps import Context, Notice, RuleEntry, WatchEntry, context, view, writer
from jetwatch.web.models import Added, Alerts, Removed, RuleRecord, Rules, Sent, Watchlist

router = APIRouter()


@router.get("/api/watchlist", response_model=Watchlist)
def watchlist(
    c: Annotated[Context, Depends(context)], s: Annotated[Store, Depends(view)]
) -> Watchlist:
    return Watchlist(entries=lists.entries(s), editable=bool(c.cfg.token))


@router.post("/api/watchlist", dependencies=[Depends(writer)], response_model=Added)
def add_entry(s: Annotated[Store, Depends(view)], entry: WatchEntry) -> Added:
    return Added(id=lists.add(s, entry.kind, entry.value, note=entry.note, exclude=entry.exclude))


@router.delete("/api/watchlist/{entry_id}", dependencies=[Depends(writer)], response_model=Removed)
def remove_entry(s: Annotated[Store, Depends(view)], entry_id: int) -> Removed:
    if not lists.remove(s, entry_id):
        raise HTTPException(404, "no such entry")
    return Removed(removed=entry_id)


@router.get("/api/alerts", response_model=Alerts, response_model_exclude_unset=True)
def latest_alerts(
    s: Annotated[Store, Depends(view)], limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> Alerts:
    shown = [c for c in alerts.LATEST if c not in ("attempts", "error")]
    rows = alerts.latest(s, limit).select(shown).to_pylist()
    return Alerts(alerts=[AlertRecord.model_validate(r) for r in rows])


@router.get("/api/rules", response_model=Rules)
def watch_rules(s: Annotated[Store, Depends(view)]) -> Rules:
    return Rules(
        rules=[
            RuleRecord(
                id=r.id,
                event=r.event,
                conditions={k: v for k, v in vars(r.when).items() if v is not None},
                notify=[redact(t) for t in r.notify],
                per_hour=r.per_hour,
            )
            for r in rules.load(s)
        ]
    )


@router.post("/api/rules", dependencies=[Depends(writer)], response_model=Added)
def add_rule(s: Annotated[Store, Depends(view)], rule: RuleEntry) -> Added:
    return Added(id=rules.add(s, rule.event, rule.when, rule.notify, per_hour=rule.per_hour))


@router.delete("/api/rules/{rule_id}", dependencies=[Depends(writer)], response_model=Removed)
def remove_rule(s: Annotated[Store, Depends(view)], rule_id: int) -> Removed:
    if not rules.remove(s, rule_id):
        raise HTTPException(404, "no such rule")
    return Removed(removed=rule_id)


@router.post("/api/notify/test", dependencies=[Depends(writer)], response_model=Sent)
def test_notification(
    c: Annotated[Context, Depends(context)], s: Annotated[Store, Depends(view)], notice: Notice
) -> Sent:
    """Sends a test notification to a rule's targets (or to one target), now."""
    if notice.rule is not None:
        found = [r for r in rules.load(s) if r.id == notice.rule]
        if not found:
            raise HTTPException(404, "no such rule")
        targets = found[0].notify
    elif notice.target:
        targets = [notice.target]
    else:
        raise HTTPException(422, "name a rule or a target")
    ok, error = alerts.notify(
        c.cfg, targets, "jetwatch test notification", "If you read this, jetwatch can alert you."
    )
    return Sent(ok=ok, error=error, targets=[redact(t) for t in targets])
