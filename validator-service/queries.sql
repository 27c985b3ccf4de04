-- streaming-clicks validator: every SQL statement the validator runs, runnable with the duckdb CLI.
--
--   duckdb -c "SET VARIABLE data_dir = 'data'" -c ".read validator-service/queries.sql"
--
-- Optional variables (defaults below): window_ts ('2026-11-21 22:45:00', UTC; default the latest sealed window),
-- n (Top-N size, 10), window_ms (window length in ms, 300000), rsd (UV_RSD, 0.01), from_ts / to_ts (range of /api/uv).
-- The service runs the named blocks below ("-- name: x"), binding every value through SET VARIABLE with a JDBC
-- parameter; only the block "cli_setup" is replaced in the service by Java readers of the same files.

-- name: session
SET TimeZone = 'UTC';

-- name: cli_setup
-- Committed files only: the latest N.compact of a sink's _spark_metadata plus the deltas after it, add/delete
-- applied in order, paths rebased on the sink directory. A file the log does not name is never opened.
CREATE OR REPLACE TEMP MACRO committed_files(sink_dir) AS TABLE
WITH f AS (
  SELECT CAST(regexp_extract(filename, '(\d+)(\.compact)?$', 1) AS BIGINT) AS batch,
         filename LIKE '%.compact' AS compact, content
  FROM read_text(sink_dir || '/_spark_metadata/*')
  WHERE regexp_matches(filename, '/\d+(\.compact)?$')),
latest AS (SELECT coalesce(max(batch) FILTER (WHERE compact), -1) AS c FROM f),
live AS (SELECT f.* FROM f, latest WHERE f.batch > latest.c OR (f.batch = latest.c AND f.compact)),
lines AS (SELECT batch, unnest(string_split(content, chr(10))) AS line,
                 generate_subscripts(string_split(content, chr(10)), 1) AS i FROM live),
acts AS (SELECT json_extract_string(line, '$.path') AS path, json_extract_string(line, '$.action') AS action,
                batch * 1000000000 + i AS pos
         FROM lines WHERE starts_with(line, '{'))
SELECT sink_dir || '/' || regexp_extract(path, '((?:[^/=]+=[^/]*/)*[^/]+)$', 1) AS file
FROM (SELECT path, arg_max(action, pos) AS action FROM acts GROUP BY path)
WHERE action = 'add';
-- One row per (committed batch, Kafka partition) of a query's checkpoint: the watermark the batch used and its
-- offsets (start = the previous batch's end).
CREATE OR REPLACE TEMP MACRO checkpoint_batches(chk) AS TABLE
WITH f AS (
  SELECT CAST(regexp_extract(filename, '(\d+)$', 1) AS BIGINT) AS batch_id, string_split(content, chr(10)) AS l
  FROM read_text(chk || '/offsets/*') WHERE regexp_matches(filename, '/offsets/\d+$')),
c AS (SELECT CAST(regexp_extract(filename, '(\d+)$', 1) AS BIGINT) AS batch_id
      FROM read_text(chk || '/commits/*') WHERE regexp_matches(filename, '/commits/\d+$')),
e AS (SELECT batch_id, CAST(json_extract(l[2], '$.batchWatermarkMs') AS BIGINT) AS watermark_ms,
             unnest(map_entries(CAST(json_extract(l[3], '$.*')[1] AS MAP(VARCHAR, BIGINT)))) AS kv FROM f)
SELECT batch_id, watermark_ms, CAST(kv.key AS INTEGER) AS kafka_partition,
       lag(kv.value) OVER (PARTITION BY kv.key ORDER BY batch_id) AS start_offset, kv.value AS end_offset
FROM e WHERE batch_id IN (SELECT batch_id FROM c);
SET VARIABLE window_ms = coalesce(getvariable('window_ms'), 300000);
SET VARIABLE uv_files = (SELECT list(file ORDER BY file) FROM committed_files(getvariable('data_dir') || '/parquet/uv'));
SET VARIABLE pv_files = (SELECT list(file ORDER BY file) FROM committed_files(getvariable('data_dir') || '/parquet/pv'));
SET VARIABLE events_files = (SELECT list(file ORDER BY file) FROM committed_files(getvariable('data_dir') || '/parquet/events'));
SET VARIABLE quarantine_files = (SELECT list(file ORDER BY file) FROM committed_files(getvariable('data_dir') || '/parquet/quarantine'));
CREATE OR REPLACE TEMP TABLE uv_batches AS SELECT * FROM checkpoint_batches(getvariable('data_dir') || '/chk/uv');
CREATE OR REPLACE TEMP TABLE pv_batches AS SELECT * FROM checkpoint_batches(getvariable('data_dir') || '/chk/pv');
CREATE OR REPLACE TEMP TABLE events_batches AS SELECT * FROM checkpoint_batches(getvariable('data_dir') || '/chk/events');
CREATE OR REPLACE TEMP TABLE quarantine_batches AS SELECT * FROM checkpoint_batches(getvariable('data_dir') || '/chk/quarantine');
-- Sealed for the stack: the smaller of the uv and pv queries' watermarks (never the wall clock).
SET VARIABLE sealed_ms = (SELECT least((SELECT max(watermark_ms) FROM uv_batches), (SELECT max(watermark_ms) FROM pv_batches)));

-- name: views
-- The sinks as the job wrote them (columns: io.streamingclicks.contract.OutputColumns), timestamps as UTC.
CREATE OR REPLACE TEMP VIEW uv AS
SELECT CAST(window_start AS TIMESTAMP) AS window_start, CAST(window_end AS TIMESTAMP) AS window_end, CAST(uv AS BIGINT) AS uv
FROM read_parquet(getvariable('uv_files'), hive_partitioning = false);
CREATE OR REPLACE TEMP VIEW pv AS
SELECT CAST(window_start AS TIMESTAMP) AS window_start, CAST(window_end AS TIMESTAMP) AS window_end,
       CAST(page_id AS VARCHAR) AS page_id, CAST(pv AS BIGINT) AS pv
FROM read_parquet(getvariable('pv_files'), hive_partitioning = false);
CREATE OR REPLACE TEMP VIEW events AS
SELECT CAST(event_id AS VARCHAR) AS event_id, CAST(user_id AS VARCHAR) AS user_id, CAST(page_id AS VARCHAR) AS page_id,
       CAST(event_time AS TIMESTAMP) AS event_time, CAST(kafka_partition AS INTEGER) AS kafka_partition,
       CAST(kafka_offset AS BIGINT) AS kafka_offset, CAST(kafka_timestamp AS TIMESTAMP) AS kafka_timestamp,
       epoch_ms(CAST(event_time AS TIMESTAMP)) // getvariable('window_ms') * getvariable('window_ms') AS ws_ms
FROM read_parquet(getvariable('events_files'), hive_partitioning = false);
CREATE OR REPLACE TEMP VIEW quarantine AS
SELECT CAST(raw AS VARCHAR) AS raw, CAST(reason AS VARCHAR) AS reason, CAST(kafka_partition AS INTEGER) AS kafka_partition,
       CAST(kafka_offset AS BIGINT) AS kafka_offset, CAST(kafka_timestamp AS TIMESTAMP) AS kafka_timestamp
FROM read_parquet(getvariable('quarantine_files'), hive_partitioning = false);
-- DESIGN.md link 3 for each query: window w is counted by the first batch j whose late-row filter watermark is
-- >= end(w). In Spark 3.5 batch j filters late rows with the watermark of batch j-1 (offsets/(j-1)'s
-- batchWatermarkMs; MicroBatchExecution passes the previous batch's metadata, see spark-job/README.md), so an event
-- arriving in the very batch that seals its window is still counted. An event of w is counted iff its offset is below batch j's start
-- offset in its partition, otherwise it was dropped as late. Windows not sealed for the stack are left out, and so
-- are windows the events sink has not caught up with (pending).
-- accounted('pv_batches') / accounted('uv_batches'): the same rule for each aggregate query's checkpoint.
CREATE OR REPLACE TEMP MACRO accounted(batches) AS TABLE
WITH sealed AS (SELECT DISTINCT ws_ms FROM events
                WHERE kafka_partition IS NOT NULL AND ws_ms + getvariable('window_ms') <= getvariable('sealed_ms')),
j AS (SELECT s.ws_ms, min(b.batch_id) AS batch_id FROM sealed s
      JOIN (SELECT batch_id, lag(watermark_ms) OVER (ORDER BY batch_id) AS filter_watermark_ms
            FROM (SELECT DISTINCT batch_id, watermark_ms FROM query_table(batches))) b
        ON b.filter_watermark_ms >= s.ws_ms + getvariable('window_ms')
      GROUP BY s.ws_ms),
starts AS (SELECT j.ws_ms, b.kafka_partition, coalesce(b.start_offset, 0) AS start_offset
           FROM j JOIN query_table(batches) b USING (batch_id)),
caught_up AS (SELECT s.ws_ms FROM starts s
              LEFT JOIN (SELECT kafka_partition, max(end_offset) AS e FROM events_batches GROUP BY 1) eb USING (kafka_partition)
              GROUP BY s.ws_ms
              HAVING bool_and(eb.e IS NULL OR eb.e >= s.start_offset) OR NOT EXISTS (SELECT 1 FROM events_batches))
SELECT e.ws_ms, e.page_id, e.user_id, e.event_id, e.kafka_partition, e.kafka_offset,
       coalesce(e.kafka_offset < s.start_offset, false) AS counted
FROM events e JOIN caught_up USING (ws_ms)
LEFT JOIN starts s ON s.ws_ms = e.ws_ms AND s.kafka_partition = e.kafka_partition;
CREATE OR REPLACE TEMP VIEW pv_accounted AS SELECT * FROM accounted('pv_batches');
CREATE OR REPLACE TEMP VIEW uv_accounted AS SELECT * FROM accounted('uv_batches');

-- name: latest_sealed_window
SELECT max(window_start) AS window_start FROM pv
WHERE getvariable('sealed_ms') IS NULL OR epoch_ms(window_end) <= getvariable('sealed_ms');

-- name: topn
-- Window Top-N (the seed's query): pages of one window by pv, ties by page id.
SELECT page_id, pv FROM pv
WHERE window_start = CAST(coalesce(getvariable('window_ts'), (SELECT max(window_start) FROM pv
        WHERE getvariable('sealed_ms') IS NULL OR epoch_ms(window_end) <= getvariable('sealed_ms'))) AS TIMESTAMP)
ORDER BY pv DESC, page_id
LIMIT coalesce(getvariable('n'), 10);

-- name: windows
-- Sealed windows with their uv and pv totals.
SELECT coalesce(u.window_start, p.window_start) AS window_start, coalesce(u.window_end, p.window_end) AS window_end,
       u.uv, p.pv, p.pages
FROM (SELECT window_start, any_value(window_end) AS window_end, sum(uv) AS uv FROM uv GROUP BY 1) u
FULL JOIN (SELECT window_start, any_value(window_end) AS window_end, sum(pv) AS pv, count(*) AS pages FROM pv GROUP BY 1) p
  USING (window_start)
WHERE getvariable('sealed_ms') IS NULL OR epoch_ms(coalesce(u.window_end, p.window_end)) <= getvariable('sealed_ms')
ORDER BY 1;

-- name: uv_sanity
-- Window UV sanity (the seed's query): the HLL uv against COUNT(DISTINCT user_id) over the events the window
-- counted, with the error in units of the sketch's sigma (Spark's HLL++: m = 2^ceil(2 log2(1.106 / rsd)),
-- sigma = 1.04 / sqrt(m)).
WITH exact AS (SELECT ws_ms, count(DISTINCT user_id) FILTER (WHERE counted) AS exact, count(*) FILTER (WHERE NOT counted) AS late
               FROM uv_accounted GROUP BY ws_ms),
hll AS (SELECT epoch_ms(window_start) AS ws_ms, sum(uv) AS uv FROM uv GROUP BY 1),
sigma AS (SELECT 1.04 / sqrt(pow(2, ceil(2 * log2(1.106 / coalesce(getvariable('rsd'), 0.01))))) AS s)
SELECT epoch_ms(ws_ms) AS window_start, hll.uv AS hll, exact.exact, exact.late,
       CASE WHEN exact.exact > 0 AND hll.uv IS NOT NULL THEN (hll.uv - exact.exact) / exact.exact END AS rel_error,
       CASE WHEN exact.exact > 0 AND hll.uv IS NOT NULL THEN abs(hll.uv - exact.exact) / exact.exact / sigma.s END AS sigmas
FROM exact LEFT JOIN hll USING (ws_ms), sigma
WHERE (getvariable('from_ts') IS NULL OR ws_ms >= epoch_ms(CAST(getvariable('from_ts') AS TIMESTAMP)))
  AND (getvariable('to_ts') IS NULL OR ws_ms < epoch_ms(CAST(getvariable('to_ts') AS TIMESTAMP)))
ORDER BY 1;

-- name: pv_accounting
-- Link 3: per sealed window, the pv total must equal the events the pv query counted; the rest were dropped as late.
SELECT epoch_ms(a.ws_ms) AS window_start, count(*) FILTER (WHERE a.counted) AS expected_pv,
       coalesce(max(p.pv), 0) AS pv, count(*) FILTER (WHERE NOT a.counted) AS late_events
FROM pv_accounted a LEFT JOIN (SELECT epoch_ms(window_start) AS ws_ms, sum(pv) AS pv FROM pv GROUP BY 1) p USING (ws_ms)
GROUP BY a.ws_ms ORDER BY 1;

-- name: late_events
-- The events of sealed windows that the pv query dropped as late (the dashboard names them).
SELECT epoch_ms(ws_ms) AS window_start, event_id, page_id, kafka_partition, kafka_offset
FROM pv_accounted WHERE NOT counted ORDER BY kafka_partition, kafka_offset LIMIT 1000;

-- name: dq_nulls_uv
SELECT count(*) FILTER (WHERE window_start IS NULL OR window_end IS NULL OR uv IS NULL) AS bad, count(*) AS total FROM uv;

-- name: dq_nulls_pv
SELECT count(*) FILTER (WHERE window_start IS NULL OR window_end IS NULL OR page_id IS NULL OR pv IS NULL) AS bad,
       count(*) AS total FROM pv;

-- name: dq_nulls_events
SELECT count(*) FILTER (WHERE user_id IS NULL OR page_id IS NULL OR event_time IS NULL) AS bad, count(*) AS total FROM events;

-- name: dq_duplicates_uv
SELECT coalesce(sum(c - 1), 0) AS bad, count(*) AS keys FROM (SELECT count(*) AS c FROM uv GROUP BY window_start);

-- name: dq_duplicates_pv
SELECT coalesce(sum(c - 1), 0) AS bad, count(*) AS keys FROM (SELECT count(*) AS c FROM pv GROUP BY window_start, page_id);

-- name: dq_event_id_unique
-- Events without an event_id come from outside the producer (external): they have no id to repeat.
SELECT coalesce(sum(c - 1), 0) AS bad, count(*) AS ids FROM (SELECT count(*) AS c FROM events WHERE event_id IS NOT NULL GROUP BY event_id);

-- name: dq_offsets
-- Link 2: per partition, the offsets in events and quarantine together, from the first one read up to the smaller
-- of the two queries' committed end offsets: no gap, no repeat.
WITH bound AS (
  SELECT kafka_partition, min(e) AS end_offset FROM (
    SELECT kafka_partition, max(end_offset) AS e FROM events_batches GROUP BY 1
    UNION ALL SELECT kafka_partition, max(end_offset) FROM quarantine_batches GROUP BY 1) GROUP BY 1),
o AS (SELECT kafka_partition, kafka_offset FROM events WHERE kafka_partition IS NOT NULL
      UNION ALL SELECT kafka_partition, kafka_offset FROM quarantine WHERE kafka_partition IS NOT NULL),
per AS (
  SELECT o.kafka_partition, min(o.kafka_offset) AS first_offset, coalesce(any_value(b.end_offset), max(o.kafka_offset) + 1) AS end_offset,
         count(*) AS n, count(DISTINCT o.kafka_offset) AS distinct_n
  FROM o LEFT JOIN bound b USING (kafka_partition)
  WHERE b.end_offset IS NULL OR o.kafka_offset < b.end_offset
  GROUP BY o.kafka_partition)
SELECT kafka_partition, first_offset, end_offset, (end_offset - first_offset) - distinct_n AS gaps, n - distinct_n AS repeats
FROM per ORDER BY kafka_partition;

-- name: dq_completeness
-- Every sealed window with counted events has its uv row and a pv row for each page it counted.
WITH w AS (SELECT DISTINCT ws_ms FROM pv_accounted WHERE counted),
pages AS (SELECT DISTINCT ws_ms, page_id FROM pv_accounted WHERE counted)
SELECT (SELECT count(*) FROM w WHERE ws_ms NOT IN (SELECT epoch_ms(window_start) FROM uv)) AS missing_uv,
       (SELECT count(*) FROM pages p WHERE NOT EXISTS (SELECT 1 FROM pv WHERE epoch_ms(pv.window_start) = p.ws_ms AND pv.page_id = p.page_id)) AS missing_pv,
       (SELECT count(*) FROM w) AS sealed_windows,
       (SELECT min(epoch_ms(ws_ms)) FROM w WHERE ws_ms NOT IN (SELECT epoch_ms(window_start) FROM uv)) AS first_missing;

-- name: dq_quarantine_rate
SELECT (SELECT count(*) FROM quarantine) AS quarantined, (SELECT count(*) FROM events) AS events;

-- name: dq_quarantine_reasons
SELECT reason, count(*) AS n FROM quarantine GROUP BY reason ORDER BY n DESC;

-- name: kafka_counts
-- Link 1, Kafka side: producer records in committed events per (event-time second, page); no event_id = external.
SELECT epoch_ms(date_trunc('second', event_time)) AS second_ms, page_id, count(*) AS n
FROM events WHERE event_id IS NOT NULL AND kafka_partition IS NOT NULL GROUP BY 1, 2;

-- name: external_events
SELECT count(*) AS n FROM events WHERE event_id IS NULL;
