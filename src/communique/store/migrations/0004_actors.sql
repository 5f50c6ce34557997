-- communique schema, version 4: corrections to actors, made by people.
--
-- Extraction writes event_actors, mentions, actor_roles and actors, and
-- re-ingesting a corpus rewrites them.  Corrections are kept apart, in an
-- append-only log, and applied when the data is read: through the views
-- *_corrected below, which have the columns of the tables they correct.  So a
-- correction survives any number of re-ingests, and the log says who changed
-- what, when.  How the corrections combine: docs/actors.md, "Corrections".

CREATE SEQUENCE actor_correction_ids START 1;

CREATE TABLE actor_corrections (
    correction_id INTEGER PRIMARY KEY DEFAULT nextval('actor_correction_ids'),
    made_at   TIMESTAMP NOT NULL,   -- UTC
    made_by   VARCHAR,              -- who: the login name, or --by
    action    VARCHAR NOT NULL,     -- merge | split | edit
    actor_id  VARCHAR NOT NULL,     -- merge: the actor merged away; split, edit: the actor corrected
    target_id VARCHAR,              -- merge: the actor it becomes; split: the new actor
    doc_id    VARCHAR,              -- split: the document (content hash) whose mentions move to target_id
    field     VARCHAR,              -- edit: name | country | sector
    value     VARCHAR,              -- edit: the new value
    note      VARCHAR               -- why, in the corrector's words
);

-- Where a merged-away actor ends up, following chains (A into B, then B into C: A is C).
CREATE VIEW actor_merged_into AS
WITH RECURSIVE chain(actor_id, target_id, depth) AS (
    SELECT actor_id, target_id, 1 FROM actor_corrections WHERE action = 'merge'
    UNION ALL
    SELECT c.actor_id, m.target_id, c.depth + 1
    FROM chain c JOIN actor_corrections m ON m.action = 'merge' AND m.actor_id = c.target_id
    WHERE c.depth < 64
)
SELECT actor_id, arg_max(target_id, depth) AS target_id FROM chain GROUP BY actor_id;

-- An actor's mentions in one document that are someone else (the latest split wins).
CREATE VIEW actor_splits AS
SELECT doc_id, actor_id, arg_max(target_id, correction_id) AS target_id
FROM actor_corrections WHERE action = 'split' GROUP BY doc_id, actor_id;

-- The latest value of each field edited, per actor.
CREATE VIEW actor_edits AS
SELECT actor_id,
       arg_max(value, correction_id) FILTER (WHERE field = 'name') AS name,
       arg_max(value, correction_id) FILTER (WHERE field = 'country') AS country,
       arg_max(value, correction_id) FILTER (WHERE field = 'sector') AS sector
FROM actor_corrections WHERE action = 'edit' GROUP BY actor_id;

-- Every id a correction names, and the actor it is in the end (merges followed).
CREATE VIEW actor_final AS
WITH ids AS (
    SELECT actor_id FROM actor_corrections
    UNION SELECT target_id FROM actor_corrections WHERE target_id IS NOT NULL
)
SELECT ids.actor_id, coalesce(m.target_id, ids.actor_id) AS final_id
FROM ids LEFT JOIN actor_merged_into m ON m.actor_id = ids.actor_id;

-- What a row extracted with one of those ids reads as: the final actor's id, its
-- edited fields, and (when merged) its name and kind.  Small: one row per id corrected.
CREATE VIEW actor_overlay AS
SELECT f.actor_id, f.final_id, ed.name AS edited_name, ed.country AS edited_country, ed.sector AS edited_sector,
       CASE WHEN f.final_id <> f.actor_id THEN k.name END AS final_name,
       CASE WHEN f.final_id <> f.actor_id THEN k.kind END AS final_kind
FROM actor_final f
LEFT JOIN actor_edits ed ON ed.actor_id = f.final_id
LEFT JOIN (SELECT actor_id, name, kind FROM actors WHERE actor_id IN (SELECT final_id FROM actor_final)) k
       ON k.actor_id = f.final_id;

-- The same for the rows of a document an actor was split in: every id whose actor
-- (after merges) is the split actor reads, in that document, as the split-off actor.
CREATE VIEW actor_overlay_splits AS
SELECT sp.doc_id, f.actor_id, o.final_id, o.edited_name, o.edited_country, o.edited_sector,
       o.final_name, o.final_kind
FROM actor_splits sp
JOIN actor_final f ON f.final_id = sp.actor_id
JOIN actor_overlay o ON o.actor_id = sp.target_id;

-- The views below read one row of overlay per row of data (two hash probes), so
-- reading through them costs little more than reading the tables.
CREATE VIEW event_actors_corrected AS
SELECT ea.* REPLACE (
    coalesce(s.final_id, g.final_id, ea.actor_id) AS actor_id,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.edited_name, s.final_name, ea.name)
         ELSE coalesce(g.edited_name, g.final_name, ea.name) END AS name,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.final_kind, ea.kind) ELSE coalesce(g.final_kind, ea.kind) END AS kind,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.edited_country, ea.country)
         ELSE coalesce(g.edited_country, ea.country) END AS country,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.edited_sector, ea.sector)
         ELSE coalesce(g.edited_sector, ea.sector) END AS sector)
FROM event_actors ea
LEFT JOIN actor_overlay g ON g.actor_id = ea.actor_id
LEFT JOIN actor_overlay_splits s ON s.doc_id = ea.doc_id AND s.actor_id = ea.actor_id;

CREATE VIEW mentions_corrected AS
SELECT mt.* REPLACE (
    coalesce(s.final_id, g.final_id, mt.actor_id) AS actor_id,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.edited_name, s.final_name, mt.name)
         ELSE coalesce(g.edited_name, g.final_name, mt.name) END AS name,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.final_kind, mt.kind) ELSE coalesce(g.final_kind, mt.kind) END AS kind,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.edited_country, mt.country)
         ELSE coalesce(g.edited_country, mt.country) END AS country,
    CASE WHEN s.final_id IS NOT NULL THEN coalesce(s.edited_sector, mt.sector)
         ELSE coalesce(g.edited_sector, mt.sector) END AS sector)
FROM mentions mt
LEFT JOIN actor_overlay g ON g.actor_id = mt.actor_id
LEFT JOIN actor_overlay_splits s ON s.doc_id = mt.doc_id AND s.actor_id = mt.actor_id;

-- Roles keep the country and sector of the office (an edit of the person does not change them).
CREATE VIEW actor_roles_corrected AS
SELECT r.* REPLACE (coalesce(s.final_id, g.final_id, r.actor_id) AS actor_id)
FROM actor_roles r
LEFT JOIN actor_overlay g ON g.actor_id = r.actor_id
LEFT JOIN actor_overlay_splits s ON s.doc_id = r.doc_id AND s.actor_id = r.actor_id;

-- Actors after corrections: merged-away actors are gone (their names become
-- aliases of the actor they were merged into), split-off actors are added, edits applied.
CREATE VIEW actors_corrected AS
WITH split_off AS (  -- named, placed and typed as its mentions in the document say
    SELECT sp.target_id AS actor_id, mode(mt.name) AS name, mode(mt.kind) AS kind,
           mode(mt.country) AS country, mode(mt.sector) AS sector,
           CAST([] AS VARCHAR[]) AS aliases, CAST(NULL AS VARCHAR) AS qid
    FROM actor_splits sp
    JOIN actor_final f ON f.final_id = sp.actor_id
    JOIN mentions mt ON mt.doc_id = sp.doc_id AND mt.actor_id = f.actor_id
    GROUP BY sp.target_id
), everyone AS (
    SELECT * FROM actors
    UNION ALL BY NAME
    SELECT * FROM split_off WHERE actor_id NOT IN (SELECT actor_id FROM actors)
), absorbed AS (
    SELECT mi.target_id AS actor_id, list(DISTINCT n) AS names
    FROM actor_merged_into mi JOIN actors a ON a.actor_id = mi.actor_id,
         unnest(list_prepend(a.name, coalesce(a.aliases, CAST([] AS VARCHAR[])))) AS t(n)
    WHERE n IS NOT NULL
    GROUP BY mi.target_id
)
SELECT e.* REPLACE (
    coalesce(ed.name, e.name) AS name,
    coalesce(ed.country, e.country) AS country,
    coalesce(ed.sector, e.sector) AS sector,
    list_filter(list_distinct(list_concat(coalesce(e.aliases, CAST([] AS VARCHAR[])),
                                          coalesce(ab.names, CAST([] AS VARCHAR[])),
                                          CASE WHEN ed.name IS NOT NULL THEN [e.name] ELSE CAST([] AS VARCHAR[]) END)),
                lambda n: n IS NOT NULL AND n <> coalesce(ed.name, e.name)) AS aliases)
FROM everyone e
LEFT JOIN actor_edits ed ON ed.actor_id = e.actor_id
LEFT JOIN absorbed ab ON ab.actor_id = e.actor_id
WHERE e.actor_id NOT IN (SELECT actor_id FROM actor_merged_into);
