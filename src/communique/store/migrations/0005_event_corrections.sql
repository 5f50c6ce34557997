-- communique schema, version 5: corrections to events, made by people.
--
-- As for actors (version 4), corrections are an append-only log kept apart from
-- what extraction writes, and applied when data is read: events_corrected has the
-- columns of events (and the rowid of the event row, so that ties sort alike), with
-- edited values in place and deleted events left out.  Corrections key on the
-- stable event_id (a hash of the document, the act and its first mention), so they
-- survive any number of re-ingests.  Who may write them: docs/api.md,
-- "Corrections and security".

CREATE SEQUENCE event_correction_ids START 1;

CREATE TABLE event_corrections (
    correction_id      INTEGER PRIMARY KEY DEFAULT nextval('event_correction_ids'),
    made_at            TIMESTAMP NOT NULL,  -- UTC
    made_by            VARCHAR,             -- who, as the corrector named themself
    action             VARCHAR NOT NULL,    -- confirm | edit | delete | restore
    event_id           VARCHAR NOT NULL,
    doc_id             VARCHAR,             -- the event's document (content hash)
    fields             VARCHAR[],           -- edit: what it sets: type, mode, date, location, source, target
    -- edit, type or mode: the whole coding, derived from the codebooks when the edit was made
    type               VARCHAR,
    mode               VARCHAR,
    cameo              VARCHAR,
    quad_class         INTEGER,
    goldstein          DOUBLE,
    plover_score       DOUBLE,
    -- edit, date: the date as written (YYYY[-MM[-DD]]) and the days it may mean
    date               VARCHAR,
    date_precision     VARCHAR,
    date_end           VARCHAR,
    date_first         DATE,
    date_last          DATE,
    -- edit, location
    location_name      VARCHAR,
    location_country   VARCHAR,
    location_lat       DOUBLE,
    location_lon       DOUBLE,
    location_geonameid BIGINT,
    -- edit, source or target: the participants' actor ids, in order ([] for none)
    source_ids         VARCHAR[],
    target_ids         VARCHAR[],
    note               VARCHAR              -- why, in the corrector's words
);

-- Per event: deleted (the latest delete or restore says), confirmed, and the latest
-- value of each group of fields edited.  Structs, so that an edit to "no mode" or
-- "no place" is a value and not a missing one.
CREATE VIEW event_edits AS
SELECT event_id,
       coalesce(arg_max(action, correction_id) FILTER (WHERE action IN ('delete', 'restore')) = 'delete',
                false) AS deleted,
       bool_or(action = 'confirm') AS confirmed,
       arg_max({'type': type, 'mode': mode, 'cameo': cameo, 'quad_class': quad_class, 'goldstein': goldstein,
                'plover_score': plover_score}, correction_id)
           FILTER (WHERE action = 'edit' AND list_has_any(fields, ['type', 'mode'])) AS coding,
       arg_max({'date': date, 'date_precision': date_precision, 'date_end': date_end, 'date_first': date_first,
                'date_last': date_last}, correction_id)
           FILTER (WHERE action = 'edit' AND list_contains(fields, 'date')) AS dating,
       arg_max({'name': location_name, 'country': location_country, 'lat': location_lat, 'lon': location_lon,
                'geonameid': location_geonameid}, correction_id)
           FILTER (WHERE action = 'edit' AND list_contains(fields, 'location')) AS place
FROM event_corrections GROUP BY event_id;

-- The rows of the events corrected, found by event id (through its index) once, so that
-- reading every event costs an integer probe per row, not a string one.
CREATE VIEW event_edit_rows AS
SELECT e.rowid AS event_rowid, c.* FROM event_edits c JOIN events e ON e.event_id = c.event_id;

-- Events after corrections: the rows nobody corrected as they are (filters reach the
-- table scan), then the few corrected ones with their corrections.  A corrected date or
-- place no longer comes from the text: its span is dropped and its rule reads
-- 'corrected'.  A confirmed event has confidence 1.  Deleted events are left out.
CREATE VIEW events_corrected AS
SELECT e.*, e.rowid AS rowid
FROM events e ANTI JOIN event_edit_rows c ON c.event_rowid = e.rowid
UNION ALL
SELECT e.* REPLACE (
    CASE WHEN c.coding IS NULL THEN e.type ELSE c.coding.type END AS type,
    CASE WHEN c.coding IS NULL THEN e.mode ELSE c.coding.mode END AS mode,
    CASE WHEN c.coding IS NULL THEN e.cameo ELSE c.coding.cameo END AS cameo,
    CASE WHEN c.coding IS NULL THEN e.quad_class ELSE c.coding.quad_class END AS quad_class,
    CASE WHEN c.coding IS NULL THEN e.goldstein ELSE c.coding.goldstein END AS goldstein,
    CASE WHEN c.coding IS NULL THEN e.plover_score ELSE c.coding.plover_score END AS plover_score,
    CASE WHEN c.dating IS NULL THEN e.date ELSE c.dating.date END AS date,
    CASE WHEN c.dating IS NULL THEN e.date_precision ELSE c.dating.date_precision END AS date_precision,
    CASE WHEN c.dating IS NULL THEN e.date_end ELSE c.dating.date_end END AS date_end,
    CASE WHEN c.dating IS NULL THEN e.date_first ELSE c.dating.date_first END AS date_first,
    CASE WHEN c.dating IS NULL THEN e.date_last ELSE c.dating.date_last END AS date_last,
    CASE WHEN c.dating IS NULL THEN e.date_span_start END AS date_span_start,
    CASE WHEN c.dating IS NULL THEN e.date_span_end END AS date_span_end,
    CASE WHEN c.dating IS NULL THEN e.date_rule ELSE 'corrected' END AS date_rule,
    CASE WHEN c.place IS NULL THEN e.location_name ELSE c.place.name END AS location_name,
    CASE WHEN c.place IS NULL THEN e.location_country ELSE c.place.country END AS location_country,
    CASE WHEN c.place IS NULL THEN e.location_lat ELSE c.place.lat END AS location_lat,
    CASE WHEN c.place IS NULL THEN e.location_lon ELSE c.place.lon END AS location_lon,
    CASE WHEN c.place IS NULL THEN e.location_geonameid ELSE c.place.geonameid END AS location_geonameid,
    CASE WHEN c.place IS NULL THEN e.location_span_start END AS location_span_start,
    CASE WHEN c.place IS NULL THEN e.location_span_end END AS location_span_end,
    CASE WHEN c.place IS NULL THEN e.location_rule ELSE 'corrected' END AS location_rule,
    CASE WHEN c.confirmed THEN 1.0 ELSE e.confidence END AS confidence),
    e.rowid AS rowid
FROM event_edit_rows c JOIN events e ON e.rowid = c.event_rowid
WHERE NOT c.deleted;

-- The latest participants set by hand, per event and side.
CREATE VIEW event_side_edits AS
WITH sides AS (
    SELECT correction_id, event_id, doc_id, 'source' AS side, source_ids AS actor_ids FROM event_corrections
    WHERE action = 'edit' AND list_contains(fields, 'source')
    UNION ALL
    SELECT correction_id, event_id, doc_id, 'target' AS side, target_ids AS actor_ids FROM event_corrections
    WHERE action = 'edit' AND list_contains(fields, 'target')
)
SELECT event_id, side, arg_max({'doc_id': doc_id, 'actor_ids': coalesce(actor_ids, CAST([] AS VARCHAR[]))},
                               correction_id) AS latest
FROM sides GROUP BY event_id, side;

-- Participants after corrections: the rows extraction wrote, with people's corrections of
-- actors applied (version 4's view, renamed), except on the sides of events a person
-- set by hand, whose participants are the actors named (merges followed, names and
-- countries as the actors are known now, edits included; no span in the text).  Read
-- from the actors table, not actors_corrected, which costs more than the rest together:
-- an actor split off by hand has no name here (the API names it from actors_corrected).
ALTER VIEW event_actors_corrected RENAME TO event_actors_actor_corrected;

CREATE VIEW event_actors_corrected AS
SELECT ea.* FROM event_actors_actor_corrected ea
ANTI JOIN event_side_edits s ON s.event_id = ea.event_id AND s.side = ea.side
UNION ALL BY NAME
SELECT p.event_id, p.doc_id, p.side, CAST(p.position AS INTEGER) AS position, coalesce(f.final_id, p.actor_id) AS actor_id,
       coalesce(ed.name, k.name) AS name, k.kind, coalesce(ed.country, k.country) AS country,
       coalesce(ed.sector, k.sector) AS sector, CAST(NULL AS VARCHAR) AS role, CAST(NULL AS VARCHAR) AS org,
       CAST(NULL AS INTEGER) AS span_start, CAST(NULL AS INTEGER) AS span_end, 'corrected' AS rule
FROM (
    SELECT event_id, side, latest.doc_id AS doc_id, unnest(latest.actor_ids) AS actor_id,
           generate_subscripts(latest.actor_ids, 1) - 1 AS position
    FROM event_side_edits
) p
LEFT JOIN actor_final f ON f.actor_id = p.actor_id
LEFT JOIN actors k ON k.actor_id = coalesce(f.final_id, p.actor_id)
LEFT JOIN actor_edits ed ON ed.actor_id = coalesce(f.final_id, p.actor_id);
