-- streaming-clicks validator: every SQL statement the validator runs, runnable with the duckdb CLI.
--
--   duckdb -c "SET VARIABLE data_dir = 'data'" -c ".read validator-service/queries.sql"
--
-- Optional variables (defaults below): window_ts ('2026-11-21 22:45:00', UTC; default the latest sealed window),
-- n (Top-N size, 10), window_ms (window length in ms, 300000), rsd (UV_RSD, 0.01), from_ts / to_ts (range of /api/uv),
-- bucket_ms (uv_exact's bucket, 3600000).
-- The service runs the named blocks below ("-- name: x"), binding every value through SET VARIABLE with a JDBC
-- parameter; only the block "cli_setup" is replaced in the service by Java readers of the same files.
-- OUTPUT_FORMAT=iceberg: the tables have no _spark_metadata; read the script `make sql-files` prints first, which
-- binds each table's committed data files (planned by iceberg-core; AS_OF=<instant> for older snapshots):
--   make -s sql-files > /tmp/tables.sql
--   duckdb -c ".read /tmp/tables.sql" -c ".read validator-service/queries.sql"
-- The job runs two queries: ingest (chk/ingest) reads Kafka, or landing files with --source files, into events and
-- quarantine; windows (chk/windows) reads the committed events parquet files with Spark's file source and writes uv,
-- pv and topn. Link 2 on the file source is by (landing file, line) instead of (partition, offset): see
-- landing_lines. Link 3 is by events parquet file on both sources (by ingest batch on the Iceberg format): see
-- events_read and pv_accounted.

-- name: session
-- No extension is downloaded or loaded behind the user's back: the file needs only DuckDB's built-in parquet and json.
SET autoinstall_known_extensions = false;
SET autoload_known_extensions = false;
SET TimeZone = 'UTC';

-- name: cli_setup
-- Committed files only: the latest N.compact of a sink's _spark_metadata plus the deltas after it, add/delete
-- applied in order, paths rebased on the sink directory. A file the log does not name is never opened. Spark logs
-- each path as a URI (a space as %20, a '%' of a Hive-escaped partition value as %25): decoded once, it is the name
-- on disk.
CREATE OR REPLACE TEMP MACRO committed_files(sink_dir) AS TABLE
WITH f AS (
  SELECT CAST(regexp_extract(filename, '(\d+)(\.compact)?$', 1) AS BIGINT) AS batch,
         filename LIKE '%.compact' AS compact, content
  FROM read_text(sink_dir || '/_spark_metadata/[0-9]*')
  WHERE regexp_matches(filename, '/\d+(\.compact)?$')),
latest AS (SELECT coalesce(max(batch) FILTER (WHERE compact), -1) AS c FROM f),
live AS (SELECT f.* FROM f, latest WHERE f.batch > latest.c OR (f.batch = latest.c AND f.compact)),
lines AS (SELECT batch, unnest(string_split(content, chr(10))) AS line,
                 generate_subscripts(string_split(content, chr(10)), 1) AS i FROM live),
acts AS (SELECT json_extract_string(line, '$.path') AS path, json_extract_string(line, '$.action') AS action,
                batch * 1000000000 + i AS pos
         FROM lines WHERE starts_with(line, '{'))
SELECT sink_dir || '/' || CASE WHEN contains(path, '://') OR starts_with(path, 'file:') THEN url_decode(below)
                                ELSE below END AS file
FROM (SELECT path, regexp_extract(path, '((?:[^/=]+=[^/]*/)*[^/]+)$', 1) AS below, arg_max(action, pos) AS action
      FROM acts GROUP BY path)
WHERE action = 'add';
-- A query's checkpoint, one row per planned batch (offsets/N: a version line, the batch metadata with the watermark
-- it ran with, then the source's offsets) and whether commits/N says it finished. Spark keeps the last 100 batches;
-- the older ones come from the job's history of committed batches (chk/<query>/history/<first batch>.jsonl, one line
-- {"batchId":N,"offsets":[the lines of offsets/N]} per committed batch; a torn last line of a file is a kill
-- mid-append and is skipped, a torn line before it is not the job's and stops the file). offsets/N wins over it.
CREATE OR REPLACE TEMP MACRO checkpoint_offsets(chk) AS TABLE
WITH f AS (
  SELECT CAST(regexp_extract(filename, '(\d+)$', 1) AS BIGINT) AS batch_id, string_split(content, chr(10)) AS l
  FROM read_text(chk || '/offsets/[0-9]*') WHERE regexp_matches(filename, '/offsets/\d+$')),
c AS (SELECT CAST(regexp_extract(filename, '(\d+)$', 1) AS BIGINT) AS batch_id
      FROM read_text(chk || '/commits/[0-9]*') WHERE regexp_matches(filename, '/commits/\d+$')),
live AS (SELECT batch_id, CAST(json_extract(l[2], '$.batchWatermarkMs') AS BIGINT) AS watermark_ms, l[3] AS source,
                batch_id IN (SELECT batch_id FROM c) AS committed
         FROM f),
h AS (SELECT filename, string_split(rtrim(content, chr(10)), chr(10)) AS l FROM read_text(chk || '/history/*.jsonl')
      WHERE regexp_matches(filename, '/history/\d+\.jsonl$')),
hl AS (SELECT filename, unnest(l) AS line, generate_subscripts(l, 1) AS i, len(l) AS n FROM h),
he AS (SELECT i, CASE WHEN json_valid(line) THEN line WHEN i = n THEN NULL
                   ELSE error(filename || ' line ' || i || ' is not JSON, and only the last line of the batch history'
                              || ' can be torn: ' || line) END AS line
       FROM hl WHERE trim(line) <> ''),
hist AS (SELECT i, CAST(json_extract(line, '$.batchId') AS BIGINT) AS batch_id,
                json_extract_string(line, '$.offsets[1]') AS meta, json_extract_string(line, '$.offsets[2]') AS source
         FROM he WHERE line IS NOT NULL)
SELECT * FROM live
UNION ALL
SELECT batch_id, CAST(json_extract(arg_min(meta, i), '$.batchWatermarkMs') AS BIGINT), arg_min(source, i), true
FROM hist WHERE batch_id NOT IN (SELECT batch_id FROM live) GROUP BY batch_id;
-- One row per (committed batch, Kafka partition) of a query's checkpoint: the watermark the batch used and its
-- offsets (start = the previous planned batch's end: offsets/N is the plan, a commit only says it finished).
CREATE OR REPLACE TEMP MACRO checkpoint_batches(chk) AS TABLE
WITH e AS (SELECT batch_id, watermark_ms, committed,
                  unnest(map_entries(CAST(json_extract(source, '$.*')[1] AS MAP(VARCHAR, BIGINT)))) AS kv
           FROM checkpoint_offsets(chk) WHERE json_extract(source, '$.logOffset') IS NULL)
SELECT batch_id, watermark_ms, kafka_partition, start_offset, end_offset FROM (
  SELECT batch_id, watermark_ms, committed, CAST(kv.key AS INTEGER) AS kafka_partition,
         lag(kv.value) OVER (PARTITION BY kv.key ORDER BY batch_id) AS start_offset, kv.value AS end_offset FROM e)
WHERE committed;
-- The same for a file-source checkpoint: offsets/N line 3 is {"logOffset":k}, the last batch of the source's own
-- log (sources/0) that batch N read; it read the log batches after the previous batch's logOffset up to k.
CREATE OR REPLACE TEMP MACRO checkpoint_file_batches(chk) AS TABLE
SELECT batch_id, watermark_ms, start_log_offset, end_log_offset FROM (
  SELECT batch_id, watermark_ms, committed, lag(log_offset) OVER (ORDER BY batch_id) AS start_log_offset,
         log_offset AS end_log_offset
  FROM (SELECT *, CAST(json_extract(source, '$.logOffset') AS BIGINT) AS log_offset FROM checkpoint_offsets(chk))
  WHERE log_offset IS NOT NULL)
WHERE committed;
-- The file source's log (chk/<query>/sources/0): a v1 header, then one JSON line per file read, with its path and
-- the log batch that listed it; N.compact holds every entry up to N (earlier deltas may be deleted). A Kafka
-- source's sources/0/0 holds its initial offsets and no path. A file is named by the last segment of its path URI,
-- decoded (the name on disk). Spark writes a log file under a temporary name and renames it, so a torn last line
-- is a copy cut short and is skipped; a torn line before the last is not Spark's and stops the file.
CREATE OR REPLACE TEMP MACRO checkpoint_source_files(chk) AS TABLE
WITH f AS (SELECT filename, string_split(rtrim(content, chr(10)), chr(10)) AS l FROM read_text(chk || '/sources/0/[0-9]*')
           WHERE regexp_matches(filename, '/sources/0/\d+(\.compact)?$')),
lines AS (SELECT filename, unnest(l) AS line, generate_subscripts(l, 1) AS i, len(l) AS n FROM f),
entries AS (
  SELECT CASE WHEN json_valid(line) THEN json_extract_string(line, '$.path') WHEN i = n THEN NULL
              ELSE error(filename || ' line ' || i || ' is not JSON, and Spark writes this log whole (temp file,'
                         || ' then rename): ' || line) END AS path,
         CASE WHEN json_valid(line) THEN try_cast(json_extract(line, '$.batchId') AS BIGINT) END AS batch
  FROM lines WHERE starts_with(line, '{'))
SELECT url_decode(regexp_extract(path, '[^/]+$')) AS source_file, min(batch) AS source_batch
FROM entries WHERE path IS NOT NULL AND batch IS NOT NULL GROUP BY 1;
SET VARIABLE window_ms = coalesce(getvariable('window_ms'), 300000);
-- A list bound before this block is kept: on OUTPUT_FORMAT=iceberg, `make sql-files` prints a script binding each
-- table's planned data files (iceberg-core) to these variables; there is no _spark_metadata to read then.
SET VARIABLE uv_files = coalesce(getvariable('uv_files'), (SELECT list(file ORDER BY file)
  FROM committed_files(getvariable('data_dir') || '/parquet/uv')));
SET VARIABLE pv_files = coalesce(getvariable('pv_files'), (SELECT list(file ORDER BY file)
  FROM committed_files(getvariable('data_dir') || '/parquet/pv')));
SET VARIABLE events_files = coalesce(getvariable('events_files'), (SELECT list(file ORDER BY file)
  FROM committed_files(getvariable('data_dir') || '/parquet/events')));
SET VARIABLE quarantine_files = coalesce(getvariable('quarantine_files'), (SELECT list(file ORDER BY file)
  FROM committed_files(getvariable('data_dir') || '/parquet/quarantine')));
SET VARIABLE topn_files = coalesce(getvariable('topn_files'), (SELECT list(file ORDER BY file)
  FROM committed_files(getvariable('data_dir') || '/parquet/topn')));
-- make samples' outputs (docs/features.md) are plain Parquet written by a batch run, no _spark_metadata: each hour
-- directory is swapped in whole by renames, and its staging directory is hidden (parquet/.<name>-staging-...), so
-- the files of the hour directories are what the run committed.
SET VARIABLE samples_files = coalesce(getvariable('samples_files'), (SELECT list(file ORDER BY file)
  FROM glob(getvariable('data_dir') || '/parquet/samples/date=*/hour=*/*.parquet')));
SET VARIABLE features_user_files = coalesce(getvariable('features_user_files'), (SELECT list(file ORDER BY file)
  FROM glob(getvariable('data_dir') || '/parquet/features/user/date=*/hour=*/*.parquet')));
SET VARIABLE features_page_files = coalesce(getvariable('features_page_files'), (SELECT list(file ORDER BY file)
  FROM glob(getvariable('data_dir') || '/parquet/features/page/date=*/hour=*/*.parquet')));
SET VARIABLE features_user_page_files = coalesce(getvariable('features_user_page_files'), (SELECT list(file ORDER BY file)
  FROM glob(getvariable('data_dir') || '/parquet/features/user_page/date=*/hour=*/*.parquet')));
-- The ingest query's Kafka batches (none on the file source), then both queries' file-source batches and logs:
-- 'ingest' on the file source (landing files), 'windows' always (the events parquet files it read).
CREATE OR REPLACE TEMP TABLE ingest_batches AS SELECT * FROM checkpoint_batches(getvariable('data_dir') || '/chk/ingest');
CREATE OR REPLACE TEMP TABLE file_batches AS
SELECT 'ingest' AS query, * FROM checkpoint_file_batches(getvariable('data_dir') || '/chk/ingest')
UNION ALL SELECT 'windows', * FROM checkpoint_file_batches(getvariable('data_dir') || '/chk/windows');
CREATE OR REPLACE TEMP TABLE source_files AS
SELECT 'ingest' AS query, * FROM checkpoint_source_files(getvariable('data_dir') || '/chk/ingest')
UNION ALL SELECT 'windows', * FROM checkpoint_source_files(getvariable('data_dir') || '/chk/windows');
-- Link 3's sides (pv_accounted): each committed windows batch with how far it had read (on Parquet its source log's
-- logOffset, read here), and what each ingest batch read (the Iceberg format's key). On Iceberg they come from the
-- tables' snapshots, which DuckDB cannot plan: make sql-files binds them (link3_windows, link3_ingest,
-- events_read_by) before this block, as it binds the files.
SET VARIABLE events_read_by = coalesce(getvariable('events_read_by'), 'events_file');
CREATE OR REPLACE TEMP TABLE windows_batches AS
SELECT batch_id, watermark_ms, end_log_offset AS read_to FROM file_batches
WHERE query = 'windows' AND getvariable('events_read_by') = 'events_file'
UNION ALL
SELECT w.batch_id, w.watermark_ms, w.read_to
FROM (SELECT unnest(coalesce(getvariable('link3_windows'),
        []::STRUCT(batch_id BIGINT, watermark_ms BIGINT, read_to BIGINT)[])) AS w);
CREATE OR REPLACE TEMP TABLE ingest_reads AS
SELECT r.kafka_partition, r.end_offset, r.source_file, r.batch_id
FROM (SELECT unnest(coalesce(getvariable('link3_ingest'),
        []::STRUCT(kafka_partition INTEGER, end_offset BIGINT, source_file VARCHAR, batch_id BIGINT)[])) AS r);
-- Every file in the landing directory that the file source can read (it skips names starting with . or _).
SET VARIABLE landing_files = (SELECT list(file ORDER BY file) FROM glob(getvariable('data_dir') || '/landing/*')
                              WHERE NOT regexp_matches(file, '/[._][^/]*$'));
-- Sealed: the windows query's committed watermark (it writes uv, pv and topn of a window together; never the wall
-- clock).
SET VARIABLE sealed_ms = (SELECT max(watermark_ms) FROM windows_batches);

-- name: views
-- The committed files named by the list in variable files_var, or no rows of the columns cols when the list is
-- empty or null (a sink with nothing committed yet, an empty data root): read_parquet refuses an empty list, and
-- DuckDB binds every branch of a query, so the choice is made in the text that query() binds. The views below cast
-- each column, so the empty relation has their types. Column filename is the file each row was read from.
CREATE OR REPLACE TEMP MACRO committed_rows(files_var, cols) AS TABLE
SELECT * FROM query(CASE WHEN len(coalesce(getvariable(files_var), [])) > 0
  THEN 'SELECT * FROM read_parquet(getvariable(''' || files_var || '''), hive_partitioning = false, filename = true)'
  ELSE 'SELECT NULL AS ' || replace(cols, ', ', ', NULL AS ') || ', NULL AS filename LIMIT 0' END);
-- The sinks as the job wrote them (columns: io.streamingclicks.contract.OutputColumns), timestamps as UTC.
-- uv_sketch: the window's HLL sketch (Apache DataSketches HLL_8 bytes, as Spark's hll_sketch_agg writes them).
CREATE OR REPLACE TEMP VIEW uv AS
SELECT CAST(window_start AS TIMESTAMP) AS window_start, CAST(window_end AS TIMESTAMP) AS window_end, CAST(uv AS BIGINT) AS uv,
       CAST(uv_sketch AS BLOB) AS uv_sketch
FROM committed_rows('uv_files', 'window_start, window_end, uv, uv_sketch');
CREATE OR REPLACE TEMP VIEW pv AS
SELECT CAST(window_start AS TIMESTAMP) AS window_start, CAST(window_end AS TIMESTAMP) AS window_end,
       CAST(page_id AS VARCHAR) AS page_id, CAST(pv AS BIGINT) AS pv
FROM committed_rows('pv_files', 'window_start, window_end, page_id, pv');
CREATE OR REPLACE TEMP VIEW topn AS
SELECT CAST(window_start AS TIMESTAMP) AS window_start, CAST(window_end AS TIMESTAMP) AS window_end,
       CAST(rank AS INTEGER) AS rank, CAST(page_id AS VARCHAR) AS page_id, CAST(pv AS BIGINT) AS pv
FROM committed_rows('topn_files', 'window_start, window_end, rank, page_id, pv');
-- events_file: the name of the events parquet file holding the row (the last segment of the path on disk, so
-- decoded), as the windows query's source log (chk/windows/sources/0) names the files it read: link 3's key.
CREATE OR REPLACE TEMP VIEW events AS
SELECT CAST(event_id AS VARCHAR) AS event_id, CAST(user_id AS VARCHAR) AS user_id, CAST(page_id AS VARCHAR) AS page_id,
       CAST(event_time AS TIMESTAMP) AS event_time, CAST(kafka_partition AS INTEGER) AS kafka_partition,
       CAST(kafka_offset AS BIGINT) AS kafka_offset, CAST(kafka_timestamp AS TIMESTAMP) AS kafka_timestamp,
       CAST(source_file AS VARCHAR) AS source_file, regexp_extract(CAST(filename AS VARCHAR), '[^/]+$') AS events_file,
       epoch_ms(CAST(event_time AS TIMESTAMP)) // getvariable('window_ms') * getvariable('window_ms') AS ws_ms,
       CAST(action AS VARCHAR) AS action, CAST(duration_ms AS BIGINT) AS duration_ms
FROM (SELECT * FROM committed_rows('events_files', 'event_id, user_id, page_id, event_time, kafka_partition, kafka_offset, kafka_timestamp')
      UNION ALL BY NAME SELECT NULL::VARCHAR AS source_file, NULL::VARCHAR AS action, NULL::BIGINT AS duration_ms
      WHERE false);
CREATE OR REPLACE TEMP VIEW quarantine AS
SELECT CAST(raw AS VARCHAR) AS raw, CAST(reason AS VARCHAR) AS reason, CAST(kafka_partition AS INTEGER) AS kafka_partition,
       CAST(kafka_offset AS BIGINT) AS kafka_offset, CAST(kafka_timestamp AS TIMESTAMP) AS kafka_timestamp,
       CAST(source_file AS VARCHAR) AS source_file
FROM (SELECT * FROM committed_rows('quarantine_files', 'raw, reason, kafka_partition, kafka_offset, kafka_timestamp')
      UNION ALL BY NAME SELECT NULL::VARCHAR AS source_file WHERE false);
-- make samples' outputs (docs/features.md is their one definition). The key of a sample is (kafka_partition,
-- kafka_offset) or (source_file, event_id); feature rows carry it too. label_until, sealed_at and
-- source_max_event_time are what the leakage checks read (a derivation older than them leaves them null).
CREATE OR REPLACE TEMP VIEW samples AS
SELECT CAST(kafka_partition AS INTEGER) AS kafka_partition, CAST(kafka_offset AS BIGINT) AS kafka_offset,
       CAST(source_file AS VARCHAR) AS source_file, CAST(event_id AS VARCHAR) AS event_id,
       CAST(user_id AS VARCHAR) AS user_id, CAST(page_id AS VARCHAR) AS page_id,
       CAST(event_time AS TIMESTAMP) AS event_time, CAST(label AS INTEGER) AS label,
       CAST(label_until AS TIMESTAMP) AS label_until, CAST(sealed_at AS TIMESTAMP) AS sealed_at
FROM (SELECT * FROM committed_rows('samples_files', 'kafka_partition, kafka_offset, source_file, event_id, user_id, page_id, event_time, label')
      UNION ALL BY NAME SELECT NULL::TIMESTAMP AS label_until, NULL::TIMESTAMP AS sealed_at WHERE false);
CREATE OR REPLACE TEMP VIEW features_user AS
SELECT CAST(kafka_partition AS INTEGER) AS kafka_partition, CAST(kafka_offset AS BIGINT) AS kafka_offset,
       CAST(source_file AS VARCHAR) AS source_file, CAST(event_id AS VARCHAR) AS event_id, CAST(event_time AS TIMESTAMP) AS event_time,
       CAST(user_id AS VARCHAR) AS user_id,
       CAST(user_views_1h AS BIGINT) AS user_views_1h,
       CAST(user_views_24h AS BIGINT) AS user_views_24h,
       CAST(user_clicks_1h AS BIGINT) AS user_clicks_1h,
       CAST(user_clicks_24h AS BIGINT) AS user_clicks_24h,
       CAST(user_distinct_pages_1h AS BIGINT) AS user_distinct_pages_1h,
       CAST(user_distinct_pages_24h AS BIGINT) AS user_distinct_pages_24h,
       CAST(user_ctr_1h AS DOUBLE) AS user_ctr_1h,
       CAST(user_ctr_24h AS DOUBLE) AS user_ctr_24h,
       CAST(user_mean_dwell_ms_1h AS DOUBLE) AS user_mean_dwell_ms_1h,
       CAST(user_mean_dwell_ms_24h AS DOUBLE) AS user_mean_dwell_ms_24h,
       CAST(source_max_event_time AS TIMESTAMP) AS source_max_event_time
FROM (SELECT * FROM committed_rows('features_user_files', 'kafka_partition, kafka_offset, source_file, event_id, event_time, user_id, user_views_1h, user_views_24h, user_clicks_1h, user_clicks_24h, user_distinct_pages_1h, user_distinct_pages_24h, user_ctr_1h, user_ctr_24h, user_mean_dwell_ms_1h, user_mean_dwell_ms_24h')
      UNION ALL BY NAME SELECT NULL::TIMESTAMP AS source_max_event_time WHERE false);
CREATE OR REPLACE TEMP VIEW features_page AS
SELECT CAST(kafka_partition AS INTEGER) AS kafka_partition, CAST(kafka_offset AS BIGINT) AS kafka_offset,
       CAST(source_file AS VARCHAR) AS source_file, CAST(event_id AS VARCHAR) AS event_id, CAST(event_time AS TIMESTAMP) AS event_time,
       CAST(page_id AS VARCHAR) AS page_id,
       CAST(page_views_1h AS BIGINT) AS page_views_1h,
       CAST(page_views_24h AS BIGINT) AS page_views_24h,
       CAST(page_clicks_1h AS BIGINT) AS page_clicks_1h,
       CAST(page_clicks_24h AS BIGINT) AS page_clicks_24h,
       CAST(page_distinct_users_1h AS BIGINT) AS page_distinct_users_1h,
       CAST(page_distinct_users_24h AS BIGINT) AS page_distinct_users_24h,
       CAST(page_ctr_1h AS DOUBLE) AS page_ctr_1h,
       CAST(page_ctr_24h AS DOUBLE) AS page_ctr_24h,
       CAST(source_max_event_time AS TIMESTAMP) AS source_max_event_time
FROM (SELECT * FROM committed_rows('features_page_files', 'kafka_partition, kafka_offset, source_file, event_id, event_time, page_id, page_views_1h, page_views_24h, page_clicks_1h, page_clicks_24h, page_distinct_users_1h, page_distinct_users_24h, page_ctr_1h, page_ctr_24h')
      UNION ALL BY NAME SELECT NULL::TIMESTAMP AS source_max_event_time WHERE false);
CREATE OR REPLACE TEMP VIEW features_user_page AS
SELECT CAST(kafka_partition AS INTEGER) AS kafka_partition, CAST(kafka_offset AS BIGINT) AS kafka_offset,
       CAST(source_file AS VARCHAR) AS source_file, CAST(event_id AS VARCHAR) AS event_id, CAST(event_time AS TIMESTAMP) AS event_time,
       CAST(user_id AS VARCHAR) AS user_id,
       CAST(page_id AS VARCHAR) AS page_id,
       CAST(user_page_views_24h AS BIGINT) AS user_page_views_24h,
       CAST(user_page_clicks_24h AS BIGINT) AS user_page_clicks_24h,
       CAST(user_page_seconds_since_last_view AS DOUBLE) AS user_page_seconds_since_last_view,
       CAST(source_max_event_time AS TIMESTAMP) AS source_max_event_time
FROM (SELECT * FROM committed_rows('features_user_page_files', 'kafka_partition, kafka_offset, source_file, event_id, event_time, user_id, page_id, user_page_views_24h, user_page_clicks_24h, user_page_seconds_since_last_view')
      UNION ALL BY NAME SELECT NULL::TIMESTAMP AS source_max_event_time WHERE false);
-- The landing files' lines as the file source reads them: split at \n (a \r before it dropped), no line after a
-- final \n. Lazy: only a statement that needs lines reads files, and the service narrows the files read with
-- line_files (e.g. to the few files holding late events).
CREATE OR REPLACE TEMP VIEW landing_lines AS
WITH f AS (SELECT regexp_extract(filename, '[^/]+$') AS source_file, string_split(content, chr(10)) AS l
           FROM read_text(coalesce(getvariable('line_files'), getvariable('landing_files'), []::VARCHAR[])))
SELECT source_file, line, rtrim(text, chr(13)) AS text
FROM (SELECT source_file, len(l) AS n, unnest(l) AS text, generate_subscripts(l, 1) AS line FROM f)
WHERE NOT (line = n AND text = '');
-- The job carries the file name but no line number: a line is tied to its row by what the row holds of it, the raw
-- text for quarantine and the event_id for events (k = 'q:<text>', 'e:<event_id>', or 'x' for an event without
-- an id, external, matched by count only). A line whose text some quarantine row of its file holds is quarantine.
CREATE OR REPLACE TEMP VIEW line_keys AS
SELECT l.source_file, l.line,
       CASE WHEN EXISTS (SELECT 1 FROM quarantine q WHERE q.source_file = l.source_file AND q.raw = l.text) THEN 'q:' || l.text
            WHEN try(json_extract_string(l.text, '$.event_id')) IS NOT NULL THEN 'e:' || json_extract_string(l.text, '$.event_id')
            ELSE 'x' END AS k
FROM landing_lines l;
CREATE OR REPLACE TEMP VIEW row_keys AS
SELECT source_file, CASE WHEN event_id IS NULL THEN 'x' ELSE 'e:' || event_id END AS k FROM events WHERE source_file IS NOT NULL
UNION ALL SELECT source_file, 'q:' || raw FROM quarantine WHERE source_file IS NOT NULL;
-- Files a query has read in a committed batch (its source log batch <= the last committed batch's logOffset).
CREATE OR REPLACE TEMP VIEW committed_source_files AS
SELECT s.query, s.source_file, s.source_batch FROM source_files s
JOIN (SELECT query, max(end_log_offset) AS e FROM file_batches GROUP BY 1) b USING (query)
WHERE s.source_batch <= b.e;
-- Link 2 on the file source checks the landing files the ingest query has committed; the others are pending.
CREATE OR REPLACE TEMP VIEW landing_checked AS
SELECT source_file FROM committed_source_files WHERE query = 'ingest';
-- Every problem of link 2 on the file source, one row each: a line no row holds (missing), rows beyond a line's
-- count (repeated, named by the first line they match), rows of a checked file that match no line of it
-- (not_in_file), a checked file gone from the landing directory (file_gone).
CREATE OR REPLACE TEMP VIEW landing_line_problems AS
WITH on_disk AS (SELECT regexp_extract(unnest(coalesce(getvariable('landing_files'), []::VARCHAR[])), '[^/]+$') AS source_file),
checked AS (SELECT source_file FROM landing_checked WHERE source_file IN (SELECT source_file FROM on_disk)),
lk AS (SELECT source_file, line, k, row_number() OVER (PARTITION BY source_file, k ORDER BY line) AS occ,
              count(*) OVER (PARTITION BY source_file, k) AS n_lines
       FROM line_keys WHERE source_file IN (SELECT source_file FROM checked)),
rk AS (SELECT source_file, k, count(*) AS n_rows FROM row_keys WHERE source_file IN (SELECT source_file FROM checked) GROUP BY ALL),
kl AS (SELECT source_file, k, min(line) AS line, any_value(n_lines) AS n_lines FROM lk GROUP BY ALL)
SELECT lk.source_file, lk.line, 'missing' AS problem, 1 AS n
FROM lk LEFT JOIN rk USING (source_file, k) WHERE lk.occ > coalesce(rk.n_rows, 0)
UNION ALL
SELECT rk.source_file, kl.line, CASE WHEN kl.line IS NULL THEN 'not_in_file' ELSE 'repeated' END, rk.n_rows - coalesce(kl.n_lines, 0)
FROM rk LEFT JOIN kl USING (source_file, k) WHERE rk.n_rows > coalesce(kl.n_lines, 0)
UNION ALL
SELECT source_file, NULL, 'file_gone', 1 FROM landing_checked WHERE source_file NOT IN (SELECT source_file FROM on_disk);
-- Link 3's key of each events row, by how the windows query read it (events_read_by). Parquet ('events_file'): the
-- windows query's file source read the events parquet files, so the key is the log batch of chk/windows/sources/0
-- that listed the row's file. Iceberg ('ingest_batch'): it streamed the events table's snapshots, and compaction
-- rewrites data files, so the key is the ingest batch that wrote the row (ingest_reads, from chk/ingest alone: the
-- first planned ingest batch whose Kafka range ends above the row's offset, or that read its landing file). Null
-- when nothing read it: the row counts as late once its window is sealed.
CREATE OR REPLACE TEMP VIEW events_read AS
SELECT e.*, r.source_batch AS read_at FROM events e
LEFT JOIN (SELECT source_file AS events_file, source_batch FROM source_files WHERE query = 'windows') r USING (events_file)
WHERE getvariable('events_read_by') IS DISTINCT FROM 'ingest_batch'
UNION ALL BY NAME
SELECT e.*, r.batch_id AS read_at FROM (SELECT * FROM events WHERE kafka_partition IS NOT NULL) e
ASOF LEFT JOIN (SELECT kafka_partition, end_offset, batch_id FROM ingest_reads WHERE kafka_partition IS NOT NULL) r
  ON e.kafka_partition = r.kafka_partition AND e.kafka_offset < r.end_offset
WHERE getvariable('events_read_by') = 'ingest_batch'
UNION ALL BY NAME
SELECT e.*, r.batch_id AS read_at FROM (SELECT * FROM events WHERE kafka_partition IS NULL) e
LEFT JOIN (SELECT source_file AS landing_file, batch_id FROM ingest_reads WHERE source_file IS NOT NULL) r
  ON r.landing_file = e.source_file
WHERE getvariable('events_read_by') = 'ingest_batch';
-- Link 3 (docs/accounting.md): the windows query writes uv, pv and topn from the same rows. Window w is filtered
-- first by batch j whose late-row filter watermark is >= end(w); in Spark 3.5 that is the watermark of batch j-1
-- (offsets/(j-1)'s batchWatermarkMs; MicroBatchExecution passes the previous batch's metadata, see
-- spark-job/README.md), so j-1 is the first batch whose own watermark reaches end(w), and an event arriving in the
-- very batch that seals its window is still counted. An event of w was counted iff its key (events_read.read_at) is
-- at or below how far batch j-1 had read (windows_batches.read_to: its source log's logOffset on Parquet, the highest
-- ingest batch in the events snapshot its offset names on Iceberg); otherwise it was dropped as late (an event
-- nothing read too: every batch that reads it later filters w). Only windows sealed by the windows query's committed
-- watermark, on either source and format; uv and topn use the same rows.
CREATE OR REPLACE TEMP VIEW pv_accounted AS
WITH sealed AS (SELECT DISTINCT ws_ms FROM events WHERE ws_ms + getvariable('window_ms') <= getvariable('sealed_ms')),
boundary AS (SELECT s.ws_ms, min(wb.batch_id) AS batch_id
             FROM sealed s JOIN windows_batches wb ON wb.watermark_ms >= s.ws_ms + getvariable('window_ms') GROUP BY s.ws_ms)
SELECT e.ws_ms, e.page_id, e.user_id, e.event_id, e.kafka_partition, e.kafka_offset, e.source_file, e.events_file,
       e.event_time, e.action, e.duration_ms, coalesce(e.read_at <= wb.read_to, false) AS counted
FROM events_read e JOIN boundary b USING (ws_ms) JOIN windows_batches wb ON wb.batch_id = b.batch_id;

-- name: latest_sealed_window
SELECT max(window_start) AS window_start FROM pv
WHERE getvariable('sealed_ms') IS NULL OR epoch_ms(window_end) <= getvariable('sealed_ms');

-- name: topn
-- Window Top-N: pages of one window by pv, ties by page id.
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
-- Window UV sanity: the HLL uv against COUNT(DISTINCT user_id) over the events the window counted, with the error
-- in units of the sketch's sigma: the window sketch has 2^lgK registers, lgK = ceil(2 log2(1.04 / rsd)), sigma =
-- 1.04 / sqrt(2^lgK) (io.streamingclicks.contract.UvPrecision; the service binds uv_sigma from it).
WITH exact AS (SELECT ws_ms, count(DISTINCT user_id) FILTER (WHERE counted) AS exact, count(*) FILTER (WHERE NOT counted) AS late
               FROM pv_accounted GROUP BY ws_ms),
hll AS (SELECT epoch_ms(window_start) AS ws_ms, sum(uv) AS uv FROM uv GROUP BY 1),
sigma AS (SELECT coalesce(getvariable('uv_sigma'),
                          1.04 / sqrt(pow(2, ceil(2 * log2(1.04 / coalesce(getvariable('rsd'), 0.01)) - 1e-9)))) AS s)
SELECT epoch_ms(ws_ms) AS window_start, hll.uv AS hll, exact.exact, exact.late,
       CASE WHEN exact.exact > 0 AND hll.uv IS NOT NULL THEN (hll.uv - exact.exact) / exact.exact END AS rel_error,
       CASE WHEN exact.exact > 0 AND hll.uv IS NOT NULL THEN abs(hll.uv - exact.exact) / exact.exact / sigma.s END AS sigmas
FROM exact LEFT JOIN hll USING (ws_ms), sigma
WHERE (getvariable('from_ts') IS NULL OR ws_ms >= epoch_ms(CAST(getvariable('from_ts') AS TIMESTAMP)))
  AND (getvariable('to_ts') IS NULL OR ws_ms < epoch_ms(CAST(getvariable('to_ts') AS TIMESTAMP)))
ORDER BY 1;

-- name: uv_by_window
-- Window UV as the CLI can read it: the uv column, the estimate of each window's sketch (hll_sketch_estimate in the
-- job). It cannot give UV over an hour or a day: summing uv over windows counts a user once per window they were
-- active in, and merging the windows' sketches (uv_sketch, DataSketches HLL_8) needs a DataSketches HLL union,
-- which DuckDB does not have. The service merges them in Java (GET /api/uv?grain=hour|day, queries "uv_sketches"
-- and "uv_exact").
SELECT window_start, window_end, uv FROM uv
WHERE (getvariable('sealed_ms') IS NULL OR epoch_ms(window_end) <= getvariable('sealed_ms'))
  AND (getvariable('from_ts') IS NULL OR window_start >= CAST(getvariable('from_ts') AS TIMESTAMP))
  AND (getvariable('to_ts') IS NULL OR window_start < CAST(getvariable('to_ts') AS TIMESTAMP))
ORDER BY 1;

-- name: uv_sketches
-- The sealed windows' sketch bytes in [from_ts, to_ts), for the service to union per hour or day (a window's row
-- without a sketch, from a job older than the sketches, comes back with a null uv_sketch).
SELECT window_start, uv_sketch FROM uv
WHERE (getvariable('sealed_ms') IS NULL OR epoch_ms(window_end) <= getvariable('sealed_ms'))
  AND (getvariable('from_ts') IS NULL OR window_start >= CAST(getvariable('from_ts') AS TIMESTAMP))
  AND (getvariable('to_ts') IS NULL OR window_start < CAST(getvariable('to_ts') AS TIMESTAMP))
ORDER BY 1;

-- name: uv_exact
-- Exact UV per bucket of bucket_ms (3600000 an hour, 86400000 a day; buckets aligned to the epoch, so UTC): the
-- distinct users of the events the windows query counted (link 3, pv_accounted) in the sealed windows of
-- [from_ts, to_ts). What the union of the windows' sketches estimates.
SELECT epoch_ms(ws_ms // b.ms * b.ms) AS bucket_start, count(DISTINCT user_id) AS exact
FROM pv_accounted, (SELECT coalesce(getvariable('bucket_ms'), 3600000) AS ms) b
WHERE counted
  AND (getvariable('from_ts') IS NULL OR ws_ms >= epoch_ms(CAST(getvariable('from_ts') AS TIMESTAMP)))
  AND (getvariable('to_ts') IS NULL OR ws_ms < epoch_ms(CAST(getvariable('to_ts') AS TIMESTAMP)))
GROUP BY 1 ORDER BY 1;

-- name: pv_accounting
-- Link 3: per sealed window, the pv total must equal the events the windows query counted; the rest were dropped as
-- late.
SELECT epoch_ms(a.ws_ms) AS window_start, count(*) FILTER (WHERE a.counted) AS expected_pv,
       coalesce(max(p.pv), 0) AS pv, count(*) FILTER (WHERE NOT a.counted) AS late_events
FROM pv_accounted a LEFT JOIN (SELECT epoch_ms(window_start) AS ws_ms, sum(pv) AS pv FROM pv GROUP BY 1) p USING (ws_ms)
GROUP BY a.ws_ms ORDER BY 1;

-- name: late_events
-- The events of sealed windows that the windows query dropped as late (the dashboard names them): by Kafka
-- partition and offset, or by landing file and line (1-based; an event without event_id cannot be told from its
-- file's other external lines, its line stays null), and the events parquet file holding each.
SELECT epoch_ms(a.ws_ms) AS window_start, a.event_id, a.page_id, a.kafka_partition, a.kafka_offset, a.source_file,
       lk.line AS source_line, a.events_file
FROM pv_accounted a
LEFT JOIN (SELECT source_file, k, min(line) AS line FROM line_keys WHERE starts_with(k, 'e:') GROUP BY ALL) lk
  ON lk.source_file = a.source_file AND lk.k = 'e:' || a.event_id
WHERE NOT a.counted ORDER BY a.kafka_partition, a.kafka_offset, a.source_file, source_line, a.events_file LIMIT 1000;

-- name: late_event_files
-- The landing files holding events the windows query dropped as late (the service reads only these to name lines).
SELECT DISTINCT source_file FROM pv_accounted WHERE NOT counted AND source_file IS NOT NULL;

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
-- Link 2: per partition, the offsets in events and quarantine together (one ingest query writes both), from the
-- first one read up to the ingest query's committed end offsets: no gap, no repeat.
WITH bound AS (SELECT kafka_partition, max(end_offset) AS end_offset FROM ingest_batches GROUP BY 1),
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

-- name: dq_landing_lines
-- Link 2 on the file source: every line of every landing file that the ingest query has committed appears exactly
-- once in events or quarantine (problems in landing_line_problems).
SELECT (SELECT count(*) FROM landing_checked) AS files,
       (SELECT count(*) FROM landing_lines WHERE source_file IN (SELECT source_file FROM landing_checked)) AS lines,
       (SELECT count(DISTINCT source_file) FROM source_files WHERE query = 'ingest'
          AND source_file NOT IN (SELECT source_file FROM landing_checked)) AS pending_files,
       coalesce((SELECT sum(n) FROM landing_line_problems WHERE problem = 'missing'), 0) AS missing,
       coalesce((SELECT sum(n) FROM landing_line_problems WHERE problem IN ('repeated', 'not_in_file')), 0) AS repeated,
       coalesce((SELECT sum(n) FROM landing_line_problems WHERE problem = 'file_gone'), 0) AS files_gone;

-- name: landing_line_problems
SELECT source_file, line, problem, n FROM landing_line_problems ORDER BY source_file, line NULLS FIRST, problem LIMIT 20;

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

-- name: landing_counts
-- Link 1 on the file source: events committed from landing files per (event-time second, page), producer events
-- only (with an event_id). pending: a producer line of that key lies in a landing file the ingest query has not
-- committed yet, so the key is not settled (the service narrows landing_lines to those files with line_files).
WITH pending AS (
  SELECT DISTINCT epoch_ms(date_trunc('second', CAST(try_cast(try(json_extract_string(text, '$.event_time')) AS TIMESTAMPTZ) AS TIMESTAMP))) AS second_ms,
         try(json_extract_string(text, '$.page_id')) AS page_id
  FROM landing_lines
  WHERE source_file NOT IN (SELECT source_file FROM committed_source_files WHERE query = 'ingest')
    AND try(json_extract_string(text, '$.event_id')) IS NOT NULL),
ev AS (SELECT epoch_ms(date_trunc('second', event_time)) AS second_ms, page_id, count(*) AS n
       FROM events WHERE event_id IS NOT NULL AND source_file IS NOT NULL GROUP BY 1, 2)
SELECT coalesce(ev.second_ms, p.second_ms) AS second_ms, coalesce(ev.page_id, p.page_id) AS page_id,
       coalesce(ev.n, 0) AS n, p.second_ms IS NOT NULL AS pending
FROM ev FULL JOIN pending p ON ev.second_ms = p.second_ms AND ev.page_id = p.page_id;

-- name: dq_topn_vs_pv
-- parquet/topn (committed files only, through its _spark_metadata) against the Top-N of committed pv: windows in
-- both whose ranking (rank, page_id, pv for rank <= the sink's N; ties by page_id) differs or appears twice.
WITH t AS (SELECT window_start, CAST(rank AS BIGINT) AS rank, page_id, pv FROM topn),
n AS (SELECT max(rank) AS n FROM t),
w AS (SELECT DISTINCT window_start FROM t WHERE window_start IN (SELECT window_start FROM pv)),
expected AS (SELECT window_start, rank, page_id, pv FROM (
               SELECT window_start, page_id, pv, row_number() OVER (PARTITION BY window_start ORDER BY pv DESC, page_id) AS rank
               FROM pv WHERE window_start IN (SELECT window_start FROM w))
             WHERE rank <= (SELECT n FROM n)),
actual AS (SELECT * FROM t WHERE window_start IN (SELECT window_start FROM w)),
diff AS ((SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) UNION ALL (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected))
SELECT (SELECT count(DISTINCT window_start) FROM diff) AS bad, (SELECT count(*) FROM w) AS windows, (SELECT n FROM n) AS n;

-- name: external_events
SELECT count(*) AS n FROM events WHERE event_id IS NULL;

-- name: samples_recompute
-- Proof of no leakage, naive on purpose (docs/features.md is the definition): for a seeded random sample of the
-- samples (sample_rows of them, default 200, ordered by a hash of the key and sample_seed), every feature, each
-- table's source_max_event_time and the label once more, by scanning the counted events with event time in
-- [t - w, t) (the label: in (t, min(label_until, u's next counted view of p after t)]). "Counted" is link 3's own
-- verdict (pv_accounted.counted), the one definition the windows query's pv is reconciled with; only views and
-- clicks feed a feature. Each stored value beside its recomputation (stored_x, naive_x); the service compares them,
-- counts exactly, doubles to 1e-9, nulls as nulls. has_*_row: the sample's feature row exists.
WITH s AS MATERIALIZED (
  SELECT * FROM samples
  QUALIFY row_number() OVER (ORDER BY hash(kafka_partition, kafka_offset, source_file, event_id,
                                           coalesce(getvariable('sample_seed'), 15)),
                                      kafka_partition, kafka_offset, source_file, event_id)
          <= coalesce(getvariable('sample_rows'), 200)),
-- Only the span the sampled rows can look at (24 h before the first, up to the last label_until): a shortcut for
-- speed that no window reaches past.
counted AS MATERIALIZED (
  SELECT user_id, page_id, event_time, action, duration_ms FROM pv_accounted
  WHERE counted AND action IN ('view', 'click')
    AND event_time >= (SELECT min(event_time) FROM s) - INTERVAL 24 HOUR
    AND event_time <= (SELECT max(greatest(label_until, event_time)) FROM s))
SELECT s.kafka_partition, s.kafka_offset, s.source_file, s.event_id, s.user_id, s.page_id, s.event_time,
       fu.event_time IS NOT NULL AS has_user_row, fp.event_time IS NOT NULL AS has_page_row,
       fup.event_time IS NOT NULL AS has_user_page_row,
       s.label AS stored_label, l.label AS naive_label,
       fu.user_views_1h AS stored_user_views_1h, u1.views AS naive_user_views_1h,
       fu.user_views_24h AS stored_user_views_24h, u24.views AS naive_user_views_24h,
       fu.user_clicks_1h AS stored_user_clicks_1h, u1.clicks AS naive_user_clicks_1h,
       fu.user_clicks_24h AS stored_user_clicks_24h, u24.clicks AS naive_user_clicks_24h,
       fu.user_ctr_1h AS stored_user_ctr_1h, (u1.clicks + 3.5) / (u1.views + 10.0) AS naive_user_ctr_1h,
       fu.user_ctr_24h AS stored_user_ctr_24h, (u24.clicks + 3.5) / (u24.views + 10.0) AS naive_user_ctr_24h,
       fu.user_mean_dwell_ms_1h AS stored_user_mean_dwell_ms_1h, u1.dwell AS naive_user_mean_dwell_ms_1h,
       fu.user_mean_dwell_ms_24h AS stored_user_mean_dwell_ms_24h, u24.dwell AS naive_user_mean_dwell_ms_24h,
       fu.user_distinct_pages_1h AS stored_user_distinct_pages_1h, u1.pages AS naive_user_distinct_pages_1h,
       fu.user_distinct_pages_24h AS stored_user_distinct_pages_24h, u24.pages AS naive_user_distinct_pages_24h,
       fu.source_max_event_time AS stored_user_source_max_event_time, u24.last AS naive_user_source_max_event_time,
       fp.page_views_1h AS stored_page_views_1h, p1.views AS naive_page_views_1h,
       fp.page_views_24h AS stored_page_views_24h, p24.views AS naive_page_views_24h,
       fp.page_clicks_1h AS stored_page_clicks_1h, p1.clicks AS naive_page_clicks_1h,
       fp.page_clicks_24h AS stored_page_clicks_24h, p24.clicks AS naive_page_clicks_24h,
       fp.page_ctr_1h AS stored_page_ctr_1h, (p1.clicks + 3.5) / (p1.views + 10.0) AS naive_page_ctr_1h,
       fp.page_ctr_24h AS stored_page_ctr_24h, (p24.clicks + 3.5) / (p24.views + 10.0) AS naive_page_ctr_24h,
       fp.page_distinct_users_1h AS stored_page_distinct_users_1h, p1.users AS naive_page_distinct_users_1h,
       fp.page_distinct_users_24h AS stored_page_distinct_users_24h, p24.users AS naive_page_distinct_users_24h,
       fp.source_max_event_time AS stored_page_source_max_event_time, p24.last AS naive_page_source_max_event_time,
       fup.user_page_views_24h AS stored_user_page_views_24h, up.views AS naive_user_page_views_24h,
       fup.user_page_clicks_24h AS stored_user_page_clicks_24h, up.clicks AS naive_user_page_clicks_24h,
       fup.user_page_seconds_since_last_view AS stored_user_page_seconds_since_last_view,
       (epoch_us(s.event_time) - epoch_us(up.last_view)) / 1e6 AS naive_user_page_seconds_since_last_view,
       fup.source_max_event_time AS stored_user_page_source_max_event_time,
       up.last AS naive_user_page_source_max_event_time
FROM s
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE action = 'view') AS views, count(*) FILTER (WHERE action = 'click') AS clicks,
         avg(duration_ms) FILTER (WHERE action = 'view') AS dwell,
         count(DISTINCT page_id) FILTER (WHERE action = 'view') AS pages
  FROM counted c WHERE c.user_id = s.user_id
    AND c.event_time >= s.event_time - INTERVAL 1 HOUR AND c.event_time < s.event_time) u1
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE action = 'view') AS views, count(*) FILTER (WHERE action = 'click') AS clicks,
         avg(duration_ms) FILTER (WHERE action = 'view') AS dwell,
         count(DISTINCT page_id) FILTER (WHERE action = 'view') AS pages, max(event_time) AS last
  FROM counted c WHERE c.user_id = s.user_id
    AND c.event_time >= s.event_time - INTERVAL 24 HOUR AND c.event_time < s.event_time) u24
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE action = 'view') AS views, count(*) FILTER (WHERE action = 'click') AS clicks,
         count(DISTINCT user_id) FILTER (WHERE action = 'view') AS users
  FROM counted c WHERE c.page_id = s.page_id
    AND c.event_time >= s.event_time - INTERVAL 1 HOUR AND c.event_time < s.event_time) p1
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE action = 'view') AS views, count(*) FILTER (WHERE action = 'click') AS clicks,
         count(DISTINCT user_id) FILTER (WHERE action = 'view') AS users, max(event_time) AS last
  FROM counted c WHERE c.page_id = s.page_id
    AND c.event_time >= s.event_time - INTERVAL 24 HOUR AND c.event_time < s.event_time) p24
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE action = 'view') AS views, count(*) FILTER (WHERE action = 'click') AS clicks,
         max(event_time) FILTER (WHERE action = 'view') AS last_view, max(event_time) AS last
  FROM counted c WHERE c.user_id = s.user_id AND c.page_id = s.page_id
    AND c.event_time >= s.event_time - INTERVAL 24 HOUR AND c.event_time < s.event_time) up
CROSS JOIN LATERAL (
  SELECT CAST(count(*) > 0 AS INTEGER) AS label
  FROM counted c WHERE c.user_id = s.user_id AND c.page_id = s.page_id AND c.action = 'click'
    AND c.event_time > s.event_time
    AND c.event_time <= least(s.label_until,
          coalesce((SELECT min(v.event_time) FROM counted v
                    WHERE v.user_id = s.user_id AND v.page_id = s.page_id AND v.action = 'view'
                      AND v.event_time > s.event_time), s.label_until))) l
LEFT JOIN features_user fu ON fu.kafka_partition IS NOT DISTINCT FROM s.kafka_partition
  AND fu.kafka_offset IS NOT DISTINCT FROM s.kafka_offset AND fu.source_file IS NOT DISTINCT FROM s.source_file
  AND fu.event_id IS NOT DISTINCT FROM s.event_id
LEFT JOIN features_page fp ON fp.kafka_partition IS NOT DISTINCT FROM s.kafka_partition
  AND fp.kafka_offset IS NOT DISTINCT FROM s.kafka_offset AND fp.source_file IS NOT DISTINCT FROM s.source_file
  AND fp.event_id IS NOT DISTINCT FROM s.event_id
LEFT JOIN features_user_page fup ON fup.kafka_partition IS NOT DISTINCT FROM s.kafka_partition
  AND fup.kafka_offset IS NOT DISTINCT FROM s.kafka_offset AND fup.source_file IS NOT DISTINCT FROM s.source_file
  AND fup.event_id IS NOT DISTINCT FROM s.event_id
ORDER BY s.event_time, s.kafka_partition, s.kafka_offset, s.source_file, s.event_id;

-- name: features_source_before_t
-- No feature is computed from an event at or after its sample's time: over the whole feature tables, rows whose
-- source_max_event_time (the latest event their features read, recorded by the derivation's running pass) is not
-- strictly before event_time. Null: no source event in the 24 h before t.
SELECT 'features/user' AS output, count(*) AS n, count(*) FILTER (WHERE source_max_event_time >= event_time) AS bad,
       min(event_time) FILTER (WHERE source_max_event_time >= event_time) AS first_bad FROM features_user
UNION ALL
SELECT 'features/page', count(*), count(*) FILTER (WHERE source_max_event_time >= event_time),
       min(event_time) FILTER (WHERE source_max_event_time >= event_time) FROM features_page
UNION ALL
SELECT 'features/user_page', count(*), count(*) FILTER (WHERE source_max_event_time >= event_time),
       min(event_time) FILTER (WHERE source_max_event_time >= event_time) FROM features_user_page;

-- name: samples_finality
-- No premature label, over the whole samples table: a sample is final when the watermark it was derived under
-- (sealed_at) had sealed the window holding label_until (t + H, the latest click that can make it 1), i.e. that
-- window's end <= sealed_at. unsealed: not so; beyond_checkpoint: a sealed_at the windows query's committed
-- watermark (sealed_ms) has not reached even now; unrecorded: a derivation older than these columns.
SELECT count(*) AS samples,
       count(*) FILTER (WHERE label_until IS NULL OR sealed_at IS NULL) AS unrecorded,
       count(*) FILTER (WHERE (epoch_ms(label_until) // getvariable('window_ms') + 1) * getvariable('window_ms')
                              > epoch_ms(sealed_at)) AS unsealed,
       count(*) FILTER (WHERE epoch_ms(sealed_at) > getvariable('sealed_ms')) AS beyond_checkpoint,
       min(event_time) FILTER (WHERE (epoch_ms(label_until) // getvariable('window_ms') + 1) * getvariable('window_ms')
                                     > epoch_ms(sealed_at)) AS first_unsealed,
       max(sealed_at) AS sealed_at
FROM samples;
