-- The small store the REPL tests run on (tenant acme; tenant beta has one call).
CREATE TABLE agents (agent_id INTEGER NOT NULL, name VARCHAR, sector VARCHAR NOT NULL);
CREATE TABLE agent_metrics (
    call_id BIGINT NOT NULL, agent_id INTEGER, sector VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL,
    handle_s INTEGER, outcome VARCHAR NOT NULL, quality_score DOUBLE, notes VARCHAR
) WITH (time_column = started_at);
INSERT INTO agents VALUES (7, 'Ana Costa', 'retail'), (8, 'Ben Ito', 'banking'), (9, 'Chloé Dubois', 'retail');
INSERT INTO agent_metrics VALUES
    (1, 7, 'retail',  '2025-01-02 09:15:00', 310, 'resolved',  4.5, 'asked about "returns", then prices'),
    (2, 8, 'banking', '2025-01-02 10:40:00', 620, 'escalated', 3.0, NULL),
    (3, 7, 'retail',  '2025-01-03 11:05:00', 180, 'resolved',  5.0, 'card | pin reset'),
    (4, 9, 'retail',  '2025-01-03 14:20:00', NULL, 'abandoned', NULL, NULL),
    (5, 8, 'banking', '2025-01-04 16:45:30', 455, 'resolved',  4.0, 'loan question');
