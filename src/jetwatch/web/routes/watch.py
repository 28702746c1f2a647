"""The watchlist (edits need the token) and the latest alerts."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from jetwatch.store.db import Store
from jetwatch.watch import alerts, lists
from jetwatch.watch.alerts import AlertRecord
from jetwatch.web.deps import Context, WatchEntry, context, view, writer
from jetwatch.web.models import Added, Alerts, Removed, Watchlist

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
