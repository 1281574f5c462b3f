-- Migration 0002 on PostgreSQL: the search functions and triggers, as the
-- search dialect rendered them when this migration was written (frozen: a later layout
-- comes with a migration of its own). Each statement follows the line that says which
-- step runs it, and goes to the driver as it is.
-- upgrade
CREATE EXTENSION IF NOT EXISTS pg_trgm
-- upgrade
CREATE OR REPLACE FUNCTION prospects_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO prospect_documents (prospect_id, account_id, body) SELECT r.id, r.account_id, '{"id":' || coalesce(r.id::text, 'null') || ',"email":' || to_json(r.email)::text || ',"first_name":' || to_json(r.first_name)::text || ',"last_name":' || to_json(r.last_name)::text || ',"company":' || to_json(r.company)::text || ',"organization_id":' || coalesce(r.organization_id::text, 'null') || ',"industry":' || to_json(r.industry)::text || ',"website":' || to_json(r.website)::text || ',"linkedin_url":' || to_json(r.linkedin_url)::text || ',"tags":' || to_json(r.tags)::text || ',"title":' || to_json(r.title)::text || ',"phone":' || to_json(r.phone)::text || ',"address":' || to_json(r.address)::text || ',"city":' || to_json(r.city)::text || ',"state":' || to_json(r.state)::text || ',"country":' || to_json(r.country)::text || ',"last_contacted":' || coalesce(to_json(to_char(r.last_contacted AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"last replied":' || coalesce(to_json(to_char(r.last_replied AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"updated":' || coalesce(to_json(to_char(r.updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"encrypted":' || CASE WHEN r.encrypted THEN 'true' ELSE 'false' END || ',"snipet1":' || to_json(r.snippet1)::text || ',"snipet2":' || to_json(r.snippet2)::text || ',"snipet3":' || to_json(r.snippet3)::text || ',"snipet4":' || to_json(r.snippet4)::text || ',"snippet1":' || to_json(r.snippet1)::text || ',"snippet2":' || to_json(r.snippet2)::text || ',"snippet3":' || to_json(r.snippet3)::text || ',"snippet4":' || to_json(r.snippet4)::text || ',"snippet5":' || to_json(r.snippet5)::text || ',"snippet6":' || to_json(r.snippet6)::text || ',"snippet7":' || to_json(r.snippet7)::text || ',"snippet8":' || to_json(r.snippet8)::text || ',"snippet9":' || to_json(r.snippet9)::text || ',"snippet10":' || to_json(r.snippet10)::text || ',"snippet11":' || to_json(r.snippet11)::text || ',"snippet12":' || to_json(r.snippet12)::text || ',"snippet13":' || to_json(r.snippet13)::text || ',"snippet14":' || to_json(r.snippet14)::text || ',"snippet15":' || to_json(r.snippet15)::text || ',"snippet_labels":' || coalesce(nullif(r.snippet_labels, 'null'::jsonb), '{}'::jsonb)::text || ',"status":' || to_json(r.status)::text || '}' FROM new_rows AS r ON CONFLICT (prospect_id) DO UPDATE SET body = excluded.body WHERE prospect_documents.body IS DISTINCT FROM excluded.body;
    INSERT INTO prospect_counts (account_id, status, bucket, slot, n)
    SELECT account_id, status, bucket, txid_current(), sum(delta) FROM (SELECT account_id, status, id >> 12 AS bucket, 1 AS delta FROM new_rows) AS deltas
    GROUP BY account_id, status, bucket
    HAVING sum(delta) <> 0
    ORDER BY account_id, status, bucket
    ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = prospect_counts.n + excluded.n;
RETURN NULL;
END
$$
-- upgrade
CREATE OR REPLACE FUNCTION prospects_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO prospect_documents (prospect_id, account_id, body) SELECT r.id, r.account_id, '{"id":' || coalesce(r.id::text, 'null') || ',"email":' || to_json(r.email)::text || ',"first_name":' || to_json(r.first_name)::text || ',"last_name":' || to_json(r.last_name)::text || ',"company":' || to_json(r.company)::text || ',"organization_id":' || coalesce(r.organization_id::text, 'null') || ',"industry":' || to_json(r.industry)::text || ',"website":' || to_json(r.website)::text || ',"linkedin_url":' || to_json(r.linkedin_url)::text || ',"tags":' || to_json(r.tags)::text || ',"title":' || to_json(r.title)::text || ',"phone":' || to_json(r.phone)::text || ',"address":' || to_json(r.address)::text || ',"city":' || to_json(r.city)::text || ',"state":' || to_json(r.state)::text || ',"country":' || to_json(r.country)::text || ',"last_contacted":' || coalesce(to_json(to_char(r.last_contacted AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"last replied":' || coalesce(to_json(to_char(r.last_replied AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"updated":' || coalesce(to_json(to_char(r.updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"encrypted":' || CASE WHEN r.encrypted THEN 'true' ELSE 'false' END || ',"snipet1":' || to_json(r.snippet1)::text || ',"snipet2":' || to_json(r.snippet2)::text || ',"snipet3":' || to_json(r.snippet3)::text || ',"snipet4":' || to_json(r.snippet4)::text || ',"snippet1":' || to_json(r.snippet1)::text || ',"snippet2":' || to_json(r.snippet2)::text || ',"snippet3":' || to_json(r.snippet3)::text || ',"snippet4":' || to_json(r.snippet4)::text || ',"snippet5":' || to_json(r.snippet5)::text || ',"snippet6":' || to_json(r.snippet6)::text || ',"snippet7":' || to_json(r.snippet7)::text || ',"snippet8":' || to_json(r.snippet8)::text || ',"snippet9":' || to_json(r.snippet9)::text || ',"snippet10":' || to_json(r.snippet10)::text || ',"snippet11":' || to_json(r.snippet11)::text || ',"snippet12":' || to_json(r.snippet12)::text || ',"snippet13":' || to_json(r.snippet13)::text || ',"snippet14":' || to_json(r.snippet14)::text || ',"snippet15":' || to_json(r.snippet15)::text || ',"snippet_labels":' || coalesce(nullif(r.snippet_labels, 'null'::jsonb), '{}'::jsonb)::text || ',"status":' || to_json(r.status)::text || '}' FROM new_rows AS r ON CONFLICT (prospect_id) DO UPDATE SET body = excluded.body WHERE prospect_documents.body IS DISTINCT FROM excluded.body;
    INSERT INTO prospect_counts (account_id, status, bucket, slot, n)
    SELECT account_id, status, bucket, txid_current(), sum(delta) FROM (SELECT o.account_id, o.status, o.id >> 12 AS bucket, -1 AS delta FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE n.status <> o.status UNION ALL SELECT n.account_id, n.status, n.id >> 12, 1 FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id WHERE n.status <> o.status) AS deltas
    GROUP BY account_id, status, bucket
    HAVING sum(delta) <> 0
    ORDER BY account_id, status, bucket
    ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = prospect_counts.n + excluded.n;
RETURN NULL;
END
$$
-- upgrade
CREATE OR REPLACE FUNCTION prospects_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN

    INSERT INTO prospect_counts (account_id, status, bucket, slot, n)
    SELECT account_id, status, bucket, txid_current(), sum(delta) FROM (SELECT account_id, status, id >> 12 AS bucket, -1 AS delta FROM old_rows) AS deltas
    GROUP BY account_id, status, bucket
    HAVING sum(delta) <> 0
    ORDER BY account_id, status, bucket
    ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = prospect_counts.n + excluded.n;
RETURN NULL;
END
$$
-- upgrade
CREATE TRIGGER prospects_search_insert AFTER INSERT ON prospects REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prospects_search_insert()
-- upgrade
CREATE TRIGGER prospects_search_update AFTER UPDATE ON prospects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION prospects_search_update()
-- upgrade
CREATE TRIGGER prospects_search_delete AFTER DELETE ON prospects REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION prospects_search_delete()
-- upgrade
INSERT INTO prospect_documents (prospect_id, account_id, body) SELECT r.id, r.account_id, '{"id":' || coalesce(r.id::text, 'null') || ',"email":' || to_json(r.email)::text || ',"first_name":' || to_json(r.first_name)::text || ',"last_name":' || to_json(r.last_name)::text || ',"company":' || to_json(r.company)::text || ',"organization_id":' || coalesce(r.organization_id::text, 'null') || ',"industry":' || to_json(r.industry)::text || ',"website":' || to_json(r.website)::text || ',"linkedin_url":' || to_json(r.linkedin_url)::text || ',"tags":' || to_json(r.tags)::text || ',"title":' || to_json(r.title)::text || ',"phone":' || to_json(r.phone)::text || ',"address":' || to_json(r.address)::text || ',"city":' || to_json(r.city)::text || ',"state":' || to_json(r.state)::text || ',"country":' || to_json(r.country)::text || ',"last_contacted":' || coalesce(to_json(to_char(r.last_contacted AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"last replied":' || coalesce(to_json(to_char(r.last_replied AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"updated":' || coalesce(to_json(to_char(r.updated AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+0000"'))::text, 'null') || ',"encrypted":' || CASE WHEN r.encrypted THEN 'true' ELSE 'false' END || ',"snipet1":' || to_json(r.snippet1)::text || ',"snipet2":' || to_json(r.snippet2)::text || ',"snipet3":' || to_json(r.snippet3)::text || ',"snipet4":' || to_json(r.snippet4)::text || ',"snippet1":' || to_json(r.snippet1)::text || ',"snippet2":' || to_json(r.snippet2)::text || ',"snippet3":' || to_json(r.snippet3)::text || ',"snippet4":' || to_json(r.snippet4)::text || ',"snippet5":' || to_json(r.snippet5)::text || ',"snippet6":' || to_json(r.snippet6)::text || ',"snippet7":' || to_json(r.snippet7)::text || ',"snippet8":' || to_json(r.snippet8)::text || ',"snippet9":' || to_json(r.snippet9)::text || ',"snippet10":' || to_json(r.snippet10)::text || ',"snippet11":' || to_json(r.snippet11)::text || ',"snippet12":' || to_json(r.snippet12)::text || ',"snippet13":' || to_json(r.snippet13)::text || ',"snippet14":' || to_json(r.snippet14)::text || ',"snippet15":' || to_json(r.snippet15)::text || ',"snippet_labels":' || coalesce(nullif(r.snippet_labels, 'null'::jsonb), '{}'::jsonb)::text || ',"status":' || to_json(r.status)::text || '}' FROM prospects AS r
-- upgrade
INSERT INTO prospect_counts (account_id, status, bucket, slot, n) SELECT account_id, status, id >> 12, 0, count(*) FROM prospects GROUP BY 1, 2, 3
-- downgrade
DROP TRIGGER IF EXISTS prospects_search_insert ON prospects
-- downgrade
DROP TRIGGER IF EXISTS prospects_search_update ON prospects
-- downgrade
DROP TRIGGER IF EXISTS prospects_search_delete ON prospects
-- downgrade
DROP FUNCTION IF EXISTS prospects_search_insert()
-- downgrade
DROP FUNCTION IF EXISTS prospects_search_update()
-- downgrade
DROP FUNCTION IF EXISTS prospects_search_delete()
