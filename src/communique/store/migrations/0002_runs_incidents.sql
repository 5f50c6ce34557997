-- communique schema, version 2: the run log, and incidents (one real-world event
-- reported by one or more documents).

-- One row per `communique ingest`.  A run whose status is still 'running' was
-- killed; the next run with the same run_key resumes it.
CREATE TABLE runs (
    run_id         VARCHAR PRIMARY KEY,  -- sortable: start time (UTC) and a random suffix
    run_key        VARCHAR NOT NULL,     -- hash of the inputs and the pipeline configuration: equal keys, same job
    resumes        VARCHAR,              -- the interrupted run this one continued
    command        VARCHAR,              -- 'ingest' | 'retry-failed'
    engine         VARCHAR,              -- 'local' | 'ray'
    workers        INTEGER,
    inputs         VARCHAR[],
    config         VARCHAR,              -- JSON: extractor version, model, actor files and their hashes
    started_at     TIMESTAMP,            -- UTC
    finished_at    TIMESTAMP,
    status         VARCHAR NOT NULL,     -- running | finished | interrupted | failed
    message        VARCHAR,              -- why a run failed
    documents_read INTEGER,
    documents_new  INTEGER,
    documents_replaced  INTEGER,
    documents_unchanged INTEGER,
    documents_skipped   INTEGER,         -- done by the interrupted run this one resumed, or not asked for
    documents_failed    INTEGER,
    inputs_unreadable   INTEGER,
    events         INTEGER
);

-- What a run did with each input, written in the same transaction as the document.
CREATE TABLE run_items (
    run_id    VARCHAR NOT NULL,
    doc_id    VARCHAR,                   -- null for input that could not be read
    source_id VARCHAR,
    source    VARCHAR,                   -- where it was read: path:line
    status    VARCHAR NOT NULL,          -- new | replaced | unchanged | skipped | failed | unreadable
    reason    VARCHAR,
    logged_at TIMESTAMP                  -- UTC
);

-- Incidents: the events of several documents that report one real-world event,
-- merged by the rules of communique/data/incident_rules.yaml.  Derived from the
-- events table: rebuilt at the end of every ingest that changed something.
CREATE TABLE incidents (
    incident_id         VARCHAR PRIMARY KEY,
    type                VARCHAR NOT NULL,
    mode                VARCHAR,
    cameo               VARCHAR,
    quad_class          INTEGER,
    goldstein           DOUBLE,
    plover_score        DOUBLE,
    date_first          DATE,
    date_last           DATE,
    date                VARCHAR,             -- the earliest date as reported (YYYY[-MM[-DD]])
    location_name       VARCHAR,
    location_country    VARCHAR,
    location_lat        DOUBLE,
    location_lon        DOUBLE,
    location_geonameid  BIGINT,
    negated             BOOLEAN,
    future              BOOLEAN,
    hypothetical        BOOLEAN,
    num_mentions        INTEGER,             -- GDELT NumMentions: every mention in every document
    num_documents       INTEGER,             -- GDELT NumArticles
    num_publishers      INTEGER,             -- GDELT NumSources (a document without a publisher counts as one)
    first_event_id      VARCHAR,             -- the event the incident started from
    explanation         VARCHAR
);

CREATE TABLE incident_events (
    incident_id VARCHAR NOT NULL,
    event_id    VARCHAR NOT NULL,
    doc_id      VARCHAR NOT NULL,
    position    INTEGER NOT NULL,            -- 0: the event that started the incident
    reason      VARCHAR                      -- why this event started or joined the incident
);
