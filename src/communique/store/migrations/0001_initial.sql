-- communique schema, version 1.
-- Offsets are character offsets into documents.text, end-exclusive.
-- Partial ISO dates (YYYY-MM-DD | YYYY-MM | YYYY) are VARCHAR; date_first/date_last
-- are the first and last day they may mean, for range filters.

CREATE TABLE documents (
    doc_id            VARCHAR PRIMARY KEY,   -- content hash (Document.doc_id)
    source_id         VARCHAR,               -- the input's own id
    title             VARCHAR,
    published         DATE,
    url               VARCHAR,
    publisher         VARCHAR,
    language          VARCHAR,
    source            VARCHAR,               -- where it was read: path or path:line
    text              VARCHAR,
    reference_date    VARCHAR,
    topics            VARCHAR[],
    warnings          VARCHAR[],
    extractor_version VARCHAR,
    extraction_hash   VARCHAR,               -- fingerprint of the whole extraction: unchanged input → skipped
    ingested_at       TIMESTAMP              -- UTC
);

CREATE TABLE events (
    event_id            VARCHAR NOT NULL,    -- unique: enforced on write (no index, for insert speed)
    doc_id              VARCHAR NOT NULL,
    type                VARCHAR NOT NULL,
    mode                VARCHAR,
    contexts            VARCHAR[],
    cameo               VARCHAR,
    quad_class          INTEGER,
    goldstein           DOUBLE,
    plover_score        DOUBLE,
    date                VARCHAR,
    date_precision      VARCHAR,
    date_end            VARCHAR,
    date_first          DATE,
    date_last           DATE,
    date_span_start     INTEGER,
    date_span_end       INTEGER,
    date_rule           VARCHAR,
    location_name       VARCHAR,
    location_country    VARCHAR,
    location_lat        DOUBLE,
    location_lon        DOUBLE,
    location_geonameid  BIGINT,
    location_span_start INTEGER,
    location_span_end   INTEGER,
    location_rule       VARCHAR,
    sentence_start      INTEGER,
    sentence_end        INTEGER,
    trigger_start       INTEGER,
    trigger_end         INTEGER,
    mention_starts      INTEGER[],
    mention_ends        INTEGER[],
    evidence            VARCHAR,
    negated             BOOLEAN,
    future              BOOLEAN,
    hypothetical        BOOLEAN,
    historical          BOOLEAN,
    confidence          DOUBLE,
    rule                VARCHAR,
    extractor_version   VARCHAR
);

CREATE TABLE event_actors (
    event_id   VARCHAR NOT NULL,
    doc_id     VARCHAR NOT NULL,
    side       VARCHAR NOT NULL,             -- 'source' | 'target'
    position   INTEGER NOT NULL,             -- order within the side
    actor_id   VARCHAR,
    name       VARCHAR,
    kind       VARCHAR,
    country    VARCHAR,
    sector     VARCHAR,
    role       VARCHAR,
    org        VARCHAR,
    span_start INTEGER,
    span_end   INTEGER,
    rule       VARCHAR
);

CREATE TABLE event_mentions (
    event_id   VARCHAR NOT NULL,
    doc_id     VARCHAR NOT NULL,
    span_start INTEGER,
    span_end   INTEGER
);

CREATE TABLE actors (
    actor_id VARCHAR PRIMARY KEY,
    name     VARCHAR,
    kind     VARCHAR,
    country  VARCHAR,
    sector   VARCHAR,
    aliases  VARCHAR[],
    qid      VARCHAR
);

CREATE TABLE actor_roles (
    actor_id   VARCHAR NOT NULL,
    doc_id     VARCHAR NOT NULL,
    role       VARCHAR,
    org        VARCHAR,
    country    VARCHAR,
    sector     VARCHAR,
    first_seen VARCHAR,
    last_seen  VARCHAR,
    span_start INTEGER,
    span_end   INTEGER
);

CREATE TABLE mentions (
    doc_id           VARCHAR NOT NULL,
    actor_id         VARCHAR,
    span_start       INTEGER,
    span_end         INTEGER,
    name             VARCHAR,
    kind             VARCHAR,
    role             VARCHAR,
    org              VARCHAR,
    country          VARCHAR,
    sector           VARCHAR,
    rule             VARCHAR,
    antecedent_start INTEGER,
    antecedent_end   INTEGER
);

CREATE TABLE instruments (
    doc_id     VARCHAR NOT NULL,
    name       VARCHAR,
    kind       VARCHAR,
    span_start INTEGER,
    span_end   INTEGER
);

CREATE TABLE gatherings (
    doc_id           VARCHAR NOT NULL,
    name             VARCHAR,
    start_date       VARCHAR,
    end_date         VARCHAR,
    location_name    VARCHAR,
    location_country VARCHAR,
    span_start       INTEGER,
    span_end         INTEGER
);
