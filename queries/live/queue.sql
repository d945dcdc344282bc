-- name: live/queue
-- description: Per queue now: calls waiting, the oldest waiting call's age, and today's offered,
-- description: answered and abandoned calls with the longest wait.
-- param: at TIMESTAMP = NULL        -- the instant to look at (default: now)
-- param: zone VARCHAR = 'UTC'       -- the tenant's time zone: "today" starts at its local midnight
-- kpi: KPIS.md Agents/Live: queue
--
-- A call is waiting when it was enqueued at or before `at` and has no answered or abandoned
-- event by then (calls enqueued more than a day before `at` are not looked at). The longest
-- wait today is the longest time from enqueued to answered or abandoned among calls that left
-- the queue today, and the age of any call still waiting. Seconds are rounded to whole ones.
WITH p AS (SELECT coalesce($at, now()) AS at_, date_trunc('day', coalesce($at, now()), $zone) AS day_start),
calls AS (
    SELECT q.call_id, q.queue,
           min(q.at) FILTER (WHERE q.event = 'enqueued') AS enqueued_at,
           min(q.at) FILTER (WHERE q.event IN ('answered', 'abandoned')) AS left_at,
           bool_or(q.event = 'abandoned') AS abandoned
    FROM queue_events q, p
    WHERE q.at <= p.at_ AND q.at >= least(p.day_start, p.at_ - INTERVAL '1 day')
    GROUP BY q.call_id, q.queue
)
SELECT c.queue,
       count(*) FILTER (WHERE c.enqueued_at IS NOT NULL AND c.left_at IS NULL) AS waiting,
       round(max(epoch(p.at_) - epoch(c.enqueued_at)) FILTER (WHERE c.left_at IS NULL)) AS oldest_wait_s,
       count(*) FILTER (WHERE c.enqueued_at >= p.day_start) AS offered_today,
       count(*) FILTER (WHERE c.left_at >= p.day_start AND NOT c.abandoned) AS answered_today,
       count(*) FILTER (WHERE c.left_at >= p.day_start AND c.abandoned) AS abandoned_today,
       round(max(epoch(coalesce(c.left_at, p.at_)) - epoch(c.enqueued_at)) FILTER (WHERE coalesce(c.left_at, p.at_) >= p.day_start)) AS longest_wait_today_s
FROM calls c, p
WHERE c.enqueued_at IS NOT NULL
GROUP BY c.queue
ORDER BY c.queue;
