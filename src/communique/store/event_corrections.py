"""People's corrections of events: confirm, edit (type, mode, date, place, participants),
delete and restore.

Like the corrections of actors (:mod:`communique.store.actors`), they go to an
append-only log (``event_corrections``, migration 0005) keyed by the stable event id,
and are applied when data is read, through ``events_corrected`` and
``event_actors_corrected``: re-ingesting a corpus rewrites what extraction wrote and
leaves the log alone.  An edit stores the whole of what it sets (a new type comes with
its CAMEO code, quad class, Goldstein and PLOVER scores from the codebooks; a new date
with the days it may mean), so reading a correction needs no code, only the views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from communique.errors import StoreError
from communique.store.actors import CorrectionError, _now, _who, find_actor
from communique.store.rows import date_bounds

if TYPE_CHECKING:  # pragma: no cover
    from communique.store.duckdb_store import Store

ACTIONS = ("confirm", "edit", "delete", "restore")
EDITABLE = ("type", "mode", "date", "location", "source", "target")
MAX_PARTICIPANTS = 20
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PRECISION = {4: "year", 7: "month", 10: "day"}
CORRECTION_COLUMNS = ("type", "mode", "cameo", "quad_class", "goldstein", "plover_score", "date", "date_precision",
            "date_end", "date_first", "date_last", "location_name", "location_country", "location_lat",
            "location_lon", "location_geonameid", "source_ids", "target_ids")


class EventNotFoundError(StoreError):
    """No stored event has this id."""


class EventStateError(CorrectionError):
    """A correction of a deleted event (restore it first), or a restore of one that is not deleted."""


@dataclass(frozen=True)
class PlaceEdit:
    """Where an event happened, as a person says.  Without coordinates the gazetteer is
    asked for the name (the country, when given, picks among namesakes)."""

    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None


def confirm(store: "Store", event_id: str, *, by: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Mark the event as checked by a person: it reads with confidence 1."""
    return _record(store, "confirm", event_id, by, note)


def delete(store: "Store", event_id: str, *, by: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Hide the event from every listing, count and export that reads corrections."""
    return _record(store, "delete", event_id, by, note)


def restore(store: "Store", event_id: str, *, by: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Undo a deletion."""
    return _record(store, "restore", event_id, by, note)


def edit(store: "Store", event_id: str, changes: dict[str, Any], *, by: str | None = None,
         note: str | None = None) -> dict[str, Any]:
    """Set some of: ``type``, ``mode`` (None: no mode), ``date`` (YYYY[-MM[-DD]], None: undated;
    with ``date_end`` for a range), ``location`` (a :class:`PlaceEdit`, None: no place),
    ``source`` and ``target`` (actor ids or names, in order; [] for none)."""
    unknown = sorted(set(changes) - set(EDITABLE) - {"date_end"})
    if unknown:
        raise CorrectionError(f"cannot edit {', '.join(unknown)}: only {', '.join(EDITABLE)}")
    if not changes:
        raise CorrectionError(f"nothing to change: give one of {', '.join(EDITABLE)}")
    if "date_end" in changes and "date" not in changes:
        raise CorrectionError("date_end: give the date too")
    values: dict[str, Any] = {}
    fields: list[str] = []
    for side in ("source", "target"):  # resolved first: find_actor reads the file itself
        if side in changes:
            values[f"{side}_ids"] = _participants(store, side, changes[side])
            fields.append(side)
    if "date" in changes:
        values.update(_dating(changes["date"], changes.get("date_end")))
        fields.append("date")
    if "location" in changes:
        values.update(_placing(changes["location"]))
        fields.append("location")
    with store._transaction() as con:
        current = _current(con, event_id, for_action="edit")
        if "type" in changes or "mode" in changes:
            values.update(_coding(current, changes))
            fields += [f for f in ("type", "mode") if f in changes]
        fields = [f for f in EDITABLE if f in fields]
        return _insert(con, "edit", event_id, current["doc_id"], by, note, fields=fields, values=values)


def corrections(con: Any, *, event_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The log (oldest first), of one event or of all; ``con`` is any open connection or cursor."""
    where, params = ("WHERE event_id = ?", [event_id]) if event_id else ("", [])
    if limit:
        params.append(int(limit))
    cursor = con.execute(f"SELECT * FROM event_corrections {where} ORDER BY correction_id"
                         f"{' LIMIT ?' if limit else ''}", params)
    names = [c[0] for c in cursor.description]
    return [describe(dict(zip(names, row))) for row in cursor.fetchall()]


def describe(row: dict[str, Any]) -> dict[str, Any]:
    """A row of the log with only the values it set (an edit of the date shows no type)."""
    fields = set(row.get("fields") or ())
    row["fields"] = list(row.get("fields") or [])
    for column in CORRECTION_COLUMNS:
        if column in row and not _sets(column, fields):
            del row[column]
    return row


# --- the work ------------------------------------------------------------------------------

def _sets(column: str, fields: set[str]) -> bool:
    if column in ("type", "mode", "cameo", "quad_class", "goldstein", "plover_score"):
        return bool(fields & {"type", "mode"})
    if column.startswith("date"):
        return "date" in fields
    if column.startswith("location"):
        return "location" in fields
    return column.removesuffix("_ids") in fields


def _record(store: "Store", action: str, event_id: str, by: str | None, note: str | None) -> dict[str, Any]:
    with store._transaction() as con:
        current = _current(con, event_id, for_action=action)
        return _insert(con, action, event_id, current["doc_id"], by, note)


def _current(con: Any, event_id: str, for_action: str) -> dict[str, Any]:
    """The event as it reads now (corrections applied), or why it cannot take ``for_action``."""
    stored = con.execute("SELECT doc_id FROM events WHERE event_id = ? LIMIT 1", [event_id]).fetchone()
    if stored is None:
        raise EventNotFoundError(f"no event with id {event_id!r}")
    deleted = con.execute("SELECT deleted FROM event_edits WHERE event_id = ?", [event_id]).fetchone()
    is_deleted = bool(deleted and deleted[0])
    if for_action == "restore" and not is_deleted:
        raise EventStateError(f"event {event_id} is not deleted: nothing to restore")
    if for_action != "restore" and is_deleted:
        raise EventStateError(f"event {event_id} is deleted: restore it first")
    if for_action == "restore":
        return {"doc_id": stored[0]}
    cursor = con.execute("SELECT type, mode, doc_id FROM events_corrected WHERE event_id = ? LIMIT 1", [event_id])
    names = [c[0] for c in cursor.description]
    return dict(zip(names, cursor.fetchone()))


def _insert(con: Any, action: str, event_id: str, doc_id: str, by: str | None, note: str | None, *,
            fields: Sequence[str] = (), values: dict[str, Any] | None = None) -> dict[str, Any]:
    values = values or {}
    assert set(values) <= set(CORRECTION_COLUMNS), values  # column names come from this module, never from a request
    made_at = _now()
    columns = ["made_at", "made_by", "action", "event_id", "doc_id", "fields", "note", *values]
    row = con.execute(
        f"INSERT INTO event_corrections ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        "RETURNING correction_id",
        [made_at, _who(by), action, event_id, doc_id, list(fields) or None, note, *values.values()],
    ).fetchone()
    return {"correction_id": row[0], "made_at": made_at, "made_by": _who(by), "action": action,
            "event_id": event_id, "doc_id": doc_id, "fields": list(fields), **values, "note": note}


def _coding(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Type, mode and the codes the codebooks give them."""
    from communique.ontology import cameo_for, plover_types

    types = plover_types()
    wanted = changes.get("type", current["type"])
    kind = types.get(str(wanted).upper()) if wanted else None
    if kind is None:
        raise CorrectionError(f"type: {wanted!r} is not a PLOVER type; choose from {', '.join(types)}")
    if "mode" in changes:
        mode = changes["mode"].strip().lower() if changes["mode"] else None
        if mode is not None and mode not in kind.modes:
            choices = ", ".join(kind.modes) or "none"
            raise CorrectionError(f"mode: {mode!r} is not a mode of {kind.name}; choose from {choices}")
    else:  # a new type keeps the mode only where the type has it
        mode = current["mode"] if current["mode"] in kind.modes else None
    code = cameo_for(kind.name, mode, strict=False)
    return {"type": kind.name, "mode": mode, "cameo": code.code, "quad_class": code.quad_class,
            "goldstein": code.goldstein, "plover_score": kind.score}


def _dating(value: str | None, end: str | None) -> dict[str, Any]:
    if value is None:
        if end:
            raise CorrectionError("date_end: give the date too")
        return {"date": None, "date_precision": None, "date_end": None, "date_first": None, "date_last": None}
    value, end = value.strip(), end.strip() if end else None
    for name, given in (("date", value), ("date_end", end)):
        if given is not None and (not _PARTIAL_DATE.match(given) or None in date_bounds(given)):
            raise CorrectionError(f"{name}: {given!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    first, last = date_bounds(value, end)
    if end and date_bounds(end)[1] < date_bounds(value)[0]:
        raise CorrectionError(f"date_end {end} is before the date {value}")
    return {"date": value, "date_precision": _PRECISION[len(value)], "date_end": end,
            "date_first": first, "date_last": last}


def _placing(place: PlaceEdit | None) -> dict[str, Any]:
    if place is None:
        return {k: None for k in ("location_name", "location_country", "location_lat", "location_lon",
                                  "location_geonameid")}
    name = place.name.strip()
    if not name:
        raise CorrectionError("location: give the place's name (or no location at all)")
    country = place.country.strip().upper() if place.country else None
    lat, lon, geonameid = place.lat, place.lon, place.geonameid
    if (lat is None) != (lon is None):
        raise CorrectionError("location: give both lat and lon, or neither")
    if lat is None:
        from communique.place import Gazetteer

        found = Gazetteer.default().lookup(name, country)
        if found is not None and (country is None or found.country == country):
            country, lat, lon, geonameid = found.country, found.lat, found.lon, found.geonameid
    return {"location_name": name, "location_country": country, "location_lat": lat, "location_lon": lon,
            "location_geonameid": geonameid}


def _participants(store: "Store", side: str, given: Sequence[str]) -> list[str]:
    if len(given) > MAX_PARTICIPANTS:
        raise CorrectionError(f"{side}: at most {MAX_PARTICIPANTS} actors")
    ids: list[str] = []
    for name_or_id in given:
        actor_id = find_actor(store, name_or_id)  # an id, a merged-away id, a name: the actor it is now
        if actor_id not in ids:
            ids.append(actor_id)
    return ids
