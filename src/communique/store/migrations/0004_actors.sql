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

-- The actor a row of a document belongs to after corrections: merges first, then
-- the document's split, then any merge of the split-off actor.
CREATE MACRO corrected_actor_id(merged, split, split_merged, extracted) AS
    coalesce(split_merged, split, merged, extracted);

CREATE VIEW event_actors_corrected AS
WITH mapped AS (
    SELECT ea.*, corrected_actor_id(m1.target_id, sp.target_id, m2.target_id, ea.actor_id) AS final_id
    FROM event_actors ea
    LEFT JOIN actor_merged_into m1 ON m1.actor_id = ea.actor_id
    LEFT JOIN actor_splits sp ON sp.doc_id = ea.doc_id AND sp.actor_id = coalesce(m1.target_id, ea.actor_id)
    LEFT JOIN actor_merged_into m2 ON m2.actor_id = sp.target_id
)
SELECT m.* EXCLUDE (final_id) REPLACE (
    m.final_id AS actor_id,
    coalesce(ed.name, k.name, m.name) AS name,
    coalesce(k.kind, m.kind) AS kind,
    coalesce(ed.country, m.country) AS country,
    coalesce(ed.sector, m.sector) AS sector)
FROM mapped m
LEFT JOIN actor_edits ed ON ed.actor_id = m.final_id
LEFT JOIN actors k ON k.actor_id = m.final_id AND m.final_id <> m.actor_id;

CREATE VIEW mentions_corrected AS
WITH mapped AS (
    SELECT mt.*, corrected_actor_id(m1.target_id, sp.target_id, m2.target_id, mt.actor_id) AS final_id
    FROM mentions mt
    LEFT JOIN actor_merged_into m1 ON m1.actor_id = mt.actor_id
    LEFT JOIN actor_splits sp ON sp.doc_id = mt.doc_id AND sp.actor_id = coalesce(m1.target_id, mt.actor_id)
    LEFT JOIN actor_merged_into m2 ON m2.actor_id = sp.target_id
)
SELECT m.* EXCLUDE (final_id) REPLACE (
    m.final_id AS actor_id,
    coalesce(ed.name, k.name, m.name) AS name,
    coalesce(k.kind, m.kind) AS kind,
    coalesce(ed.country, m.country) AS country,
    coalesce(ed.sector, m.sector) AS sector)
FROM mapped m
LEFT JOIN actor_edits ed ON ed.actor_id = m.final_id
LEFT JOIN actors k ON k.actor_id = m.final_id AND m.final_id <> m.actor_id;

-- Roles keep the country and sector of the office (an edit of the person does not change them).
CREATE VIEW actor_roles_corrected AS
SELECT r.* REPLACE (corrected_actor_id(m1.target_id, sp.target_id, m2.target_id, r.actor_id) AS actor_id)
FROM actor_roles r
LEFT JOIN actor_merged_into m1 ON m1.actor_id = r.actor_id
LEFT JOIN actor_splits sp ON sp.doc_id = r.doc_id AND sp.actor_id = coalesce(m1.target_id, r.actor_id)
LEFT JOIN actor_merged_into m2 ON m2.actor_id = sp.target_id;

-- Actors after corrections: merged-away actors are gone (their names become
-- aliases of the actor they were merged into), split-off actors are added, edits applied.
CREATE VIEW actors_corrected AS
WITH split_off AS (  -- named, placed and typed as its mentions in the document say
    SELECT sp.target_id AS actor_id, mode(mt.name) AS name, mode(mt.kind) AS kind,
           mode(mt.country) AS country, mode(mt.sector) AS sector,
           CAST([] AS VARCHAR[]) AS aliases, CAST(NULL AS VARCHAR) AS qid
    FROM actor_splits sp
    JOIN mentions mt ON mt.doc_id = sp.doc_id
    LEFT JOIN actor_merged_into m1 ON m1.actor_id = mt.actor_id
    WHERE coalesce(m1.target_id, mt.actor_id) = sp.actor_id
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
