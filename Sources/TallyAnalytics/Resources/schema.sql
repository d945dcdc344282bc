-- Tally's contact-center data model, applied to every new tenant.
-- Timestamps are UTC microseconds. NOT NULL marks the columns required on ingest.
-- WITH (time_column = c): rows of every segment are sorted by c and zone maps on c prune time ranges.
-- WITH (ttl = '…'): whole segments older than the retention are dropped.

CREATE TABLE agents (
    agent_id    INTEGER NOT NULL,
    name        VARCHAR,
    team        VARCHAR,
    sector      VARCHAR NOT NULL,
    kind        VARCHAR,            -- 'human' | 'ai'
    hired_at    TIMESTAMP
);

CREATE TABLE agent_metrics (
    call_id                BIGINT NOT NULL,
    agent_id               INTEGER,
    sector                 VARCHAR NOT NULL,
    queue                  VARCHAR,
    channel                VARCHAR,
    started_at             TIMESTAMP NOT NULL,
    answered_at            TIMESTAMP,
    ended_at               TIMESTAMP,
    queue_wait_s           INTEGER,
    talk_s                 INTEGER,
    hold_s                 INTEGER,
    wrap_s                 INTEGER,
    handle_s               INTEGER,   -- talk_s + hold_s + wrap_s
    outcome                VARCHAR NOT NULL, -- resolved | escalated | transferred | abandoned | callback
    first_contact_resolved BOOLEAN,
    transferred            BOOLEAN,
    quality_score          DOUBLE,    -- 1–5
    revenue                DOUBLE,
    cost                   DOUBLE
) WITH (time_column = started_at);

CREATE TABLE call_quality_scores (
    call_id             BIGINT NOT NULL,
    agent_id            INTEGER NOT NULL,
    reviewed_at         TIMESTAMP NOT NULL,
    reviewer_id         INTEGER,
    professionalism     INTEGER,      -- 1–5 each
    empathy             INTEGER,
    resolution          INTEGER,
    clarity             INTEGER,
    responsiveness      INTEGER,
    overall             DOUBLE,
    audio_clarity_pct   DOUBLE,
    background_noise_db DOUBLE,
    notes               VARCHAR
) WITH (time_column = reviewed_at);

CREATE TABLE customer_satisfaction (
    call_id           BIGINT NOT NULL,
    agent_id          INTEGER,
    surveyed_at       TIMESTAMP NOT NULL,
    csat              INTEGER,        -- 1–5
    nps               INTEGER,        -- 0–10
    sentiment         DOUBLE,         -- −1…+1
    would_recommend   BOOLEAN,
    feedback_category VARCHAR,
    comment           VARCHAR
) WITH (time_column = surveyed_at);

CREATE TABLE cost_analysis (
    period_start TIMESTAMP NOT NULL,
    sector       VARCHAR,
    component    VARCHAR,            -- labor | telephony | ai_inference | licensing | other
    cost         DOUBLE,
    revenue      DOUBLE
) WITH (time_column = period_start);

CREATE TABLE agent_status_events (
    agent_id INTEGER NOT NULL,
    at       TIMESTAMP NOT NULL,
    status   VARCHAR NOT NULL        -- available | busy | wrap | break | offline
) WITH (time_column = at);

CREATE TABLE queue_events (
    call_id BIGINT NOT NULL,
    queue   VARCHAR NOT NULL,
    at      TIMESTAMP NOT NULL,
    event   VARCHAR NOT NULL         -- enqueued | answered | abandoned | transferred
) WITH (time_column = at);

-- Written by Tally itself: rollups, forecasts, detected anomalies, the audit trail.
CREATE TABLE performance_trends (
    bucket      TIMESTAMP NOT NULL,
    granularity VARCHAR NOT NULL,    -- hour | day | week
    agent_id    INTEGER,
    sector      VARCHAR,
    metric      VARCHAR NOT NULL,
    value       DOUBLE
) WITH (time_column = bucket);

CREATE TABLE predictive_analytics (
    generated_at TIMESTAMP NOT NULL,
    target_at    TIMESTAMP NOT NULL,
    queue        VARCHAR,
    metric       VARCHAR NOT NULL,
    model        VARCHAR,
    value        DOUBLE,
    lower_bound  DOUBLE,
    upper_bound  DOUBLE
) WITH (time_column = target_at);

CREATE TABLE anomaly_detection (
    detected_at TIMESTAMP NOT NULL,
    bucket      TIMESTAMP NOT NULL,
    metric      VARCHAR NOT NULL,
    agent_id    INTEGER,
    sector      VARCHAR,
    queue       VARCHAR,
    value       DOUBLE,
    expected    DOUBLE,
    score       DOUBLE,
    severity    VARCHAR,             -- low | medium | high
    method      VARCHAR
) WITH (time_column = bucket);

CREATE TABLE analytics_audit_log (
    at        TIMESTAMP NOT NULL,
    subject   VARCHAR,
    role      VARCHAR,
    statement VARCHAR,
    row_count BIGINT,
    ms        DOUBLE,
    status    VARCHAR
) WITH (time_column = at, ttl = '400 days');

-- Ground truth written by `tally generate`: the anomalies it injected, for detection tests.
CREATE TABLE injected_anomalies (
    start_at  TIMESTAMP NOT NULL,
    end_at    TIMESTAMP NOT NULL,
    kind      VARCHAR NOT NULL,      -- aht_spike | csat_drop | volume_surge
    agent_id  INTEGER,
    queue     VARCHAR,
    magnitude DOUBLE
) WITH (time_column = start_at);
