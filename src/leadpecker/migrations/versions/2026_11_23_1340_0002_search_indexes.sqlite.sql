-- Migration 0002 on SQLite: the search FTS5 tables and triggers, as the
-- search dialect rendered them when this migration was written (frozen: a later layout
-- comes with a migration of its own). Each statement follows the line that says which
-- step runs it, and goes to the driver as it is.
-- upgrade
CREATE VIRTUAL TABLE prospect_search_email USING fts5(email, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_tags USING fts5(tags, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_first_name USING fts5(first_name, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_last_name USING fts5(last_name, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_company USING fts5(company, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_industry USING fts5(industry, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_website USING fts5(website, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_title USING fts5(title, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_phone USING fts5(phone, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_address USING fts5(address, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_city USING fts5(city, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_state USING fts5(state, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_country USING fts5(country, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE VIRTUAL TABLE prospect_search_snippets USING fts5(snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15, content='prospects', content_rowid='id', tokenize='trigram', detail='full', columnsize=0)
-- upgrade
CREATE TRIGGER prospects_search_insert AFTER INSERT ON prospects BEGIN
INSERT INTO prospect_search_email (rowid, email) SELECT new.id, new.email WHERE new.email <> '';
INSERT INTO prospect_search_tags (rowid, tags) SELECT new.id, new.tags WHERE new.tags <> '';
INSERT INTO prospect_search_first_name (rowid, first_name) SELECT new.id, new.first_name WHERE new.first_name <> '';
INSERT INTO prospect_search_last_name (rowid, last_name) SELECT new.id, new.last_name WHERE new.last_name <> '';
INSERT INTO prospect_search_company (rowid, company) SELECT new.id, new.company WHERE new.company <> '';
INSERT INTO prospect_search_industry (rowid, industry) SELECT new.id, new.industry WHERE new.industry <> '';
INSERT INTO prospect_search_website (rowid, website) SELECT new.id, new.website WHERE new.website <> '';
INSERT INTO prospect_search_title (rowid, title) SELECT new.id, new.title WHERE new.title <> '';
INSERT INTO prospect_search_phone (rowid, phone) SELECT new.id, new.phone WHERE new.phone <> '';
INSERT INTO prospect_search_address (rowid, address) SELECT new.id, new.address WHERE new.address <> '';
INSERT INTO prospect_search_city (rowid, city) SELECT new.id, new.city WHERE new.city <> '';
INSERT INTO prospect_search_state (rowid, state) SELECT new.id, new.state WHERE new.state <> '';
INSERT INTO prospect_search_country (rowid, country) SELECT new.id, new.country WHERE new.country <> '';
INSERT INTO prospect_search_snippets (rowid, snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15) SELECT new.id, new.snippet1, new.snippet2, new.snippet3, new.snippet4, new.snippet5, new.snippet6, new.snippet7, new.snippet8, new.snippet9, new.snippet10, new.snippet11, new.snippet12, new.snippet13, new.snippet14, new.snippet15 WHERE new.snippet1 <> '' OR new.snippet2 <> '' OR new.snippet3 <> '' OR new.snippet4 <> '' OR new.snippet5 <> '' OR new.snippet6 <> '' OR new.snippet7 <> '' OR new.snippet8 <> '' OR new.snippet9 <> '' OR new.snippet10 <> '' OR new.snippet11 <> '' OR new.snippet12 <> '' OR new.snippet13 <> '' OR new.snippet14 <> '' OR new.snippet15 <> '';
INSERT INTO prospect_documents (prospect_id, account_id, body) VALUES (new.id, new.account_id, json_object('id', new.id, 'email', new.email, 'first_name', new.first_name, 'last_name', new.last_name, 'company', new.company, 'organization_id', new.organization_id, 'industry', new.industry, 'website', new.website, 'linkedin_url', new.linkedin_url, 'tags', new.tags, 'title', new.title, 'phone', new.phone, 'address', new.address, 'city', new.city, 'state', new.state, 'country', new.country, 'last_contacted', CASE WHEN new.last_contacted IS NULL THEN NULL ELSE substr(new.last_contacted, 1, 10) || 'T' || substr(new.last_contacted, 12, 8) || '+0000' END, 'last replied', CASE WHEN new.last_replied IS NULL THEN NULL ELSE substr(new.last_replied, 1, 10) || 'T' || substr(new.last_replied, 12, 8) || '+0000' END, 'updated', CASE WHEN new.updated IS NULL THEN NULL ELSE substr(new.updated, 1, 10) || 'T' || substr(new.updated, 12, 8) || '+0000' END, 'encrypted', json(CASE WHEN new.encrypted THEN 'true' ELSE 'false' END), 'snipet1', new.snippet1, 'snipet2', new.snippet2, 'snipet3', new.snippet3, 'snipet4', new.snippet4, 'snippet1', new.snippet1, 'snippet2', new.snippet2, 'snippet3', new.snippet3, 'snippet4', new.snippet4, 'snippet5', new.snippet5, 'snippet6', new.snippet6, 'snippet7', new.snippet7, 'snippet8', new.snippet8, 'snippet9', new.snippet9, 'snippet10', new.snippet10, 'snippet11', new.snippet11, 'snippet12', new.snippet12, 'snippet13', new.snippet13, 'snippet14', new.snippet14, 'snippet15', new.snippet15, 'snippet_labels', json(CASE WHEN new.snippet_labels IS NULL OR new.snippet_labels = 'null' THEN '{}' ELSE new.snippet_labels END), 'status', new.status));
INSERT INTO prospect_counts (account_id, status, bucket, slot, n) VALUES (new.account_id, new.status, new.id >> 12, 0, 1) ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = n + (1);
END
-- upgrade
CREATE TRIGGER prospects_search_delete AFTER DELETE ON prospects BEGIN
INSERT INTO prospect_search_email (prospect_search_email, rowid, email) SELECT 'delete', old.id, old.email WHERE old.email <> '';
INSERT INTO prospect_search_tags (prospect_search_tags, rowid, tags) SELECT 'delete', old.id, old.tags WHERE old.tags <> '';
INSERT INTO prospect_search_first_name (prospect_search_first_name, rowid, first_name) SELECT 'delete', old.id, old.first_name WHERE old.first_name <> '';
INSERT INTO prospect_search_last_name (prospect_search_last_name, rowid, last_name) SELECT 'delete', old.id, old.last_name WHERE old.last_name <> '';
INSERT INTO prospect_search_company (prospect_search_company, rowid, company) SELECT 'delete', old.id, old.company WHERE old.company <> '';
INSERT INTO prospect_search_industry (prospect_search_industry, rowid, industry) SELECT 'delete', old.id, old.industry WHERE old.industry <> '';
INSERT INTO prospect_search_website (prospect_search_website, rowid, website) SELECT 'delete', old.id, old.website WHERE old.website <> '';
INSERT INTO prospect_search_title (prospect_search_title, rowid, title) SELECT 'delete', old.id, old.title WHERE old.title <> '';
INSERT INTO prospect_search_phone (prospect_search_phone, rowid, phone) SELECT 'delete', old.id, old.phone WHERE old.phone <> '';
INSERT INTO prospect_search_address (prospect_search_address, rowid, address) SELECT 'delete', old.id, old.address WHERE old.address <> '';
INSERT INTO prospect_search_city (prospect_search_city, rowid, city) SELECT 'delete', old.id, old.city WHERE old.city <> '';
INSERT INTO prospect_search_state (prospect_search_state, rowid, state) SELECT 'delete', old.id, old.state WHERE old.state <> '';
INSERT INTO prospect_search_country (prospect_search_country, rowid, country) SELECT 'delete', old.id, old.country WHERE old.country <> '';
INSERT INTO prospect_search_snippets (prospect_search_snippets, rowid, snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15) SELECT 'delete', old.id, old.snippet1, old.snippet2, old.snippet3, old.snippet4, old.snippet5, old.snippet6, old.snippet7, old.snippet8, old.snippet9, old.snippet10, old.snippet11, old.snippet12, old.snippet13, old.snippet14, old.snippet15 WHERE old.snippet1 <> '' OR old.snippet2 <> '' OR old.snippet3 <> '' OR old.snippet4 <> '' OR old.snippet5 <> '' OR old.snippet6 <> '' OR old.snippet7 <> '' OR old.snippet8 <> '' OR old.snippet9 <> '' OR old.snippet10 <> '' OR old.snippet11 <> '' OR old.snippet12 <> '' OR old.snippet13 <> '' OR old.snippet14 <> '' OR old.snippet15 <> '';
INSERT INTO prospect_counts (account_id, status, bucket, slot, n) VALUES (old.account_id, old.status, old.id >> 12, 0, -1) ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = n + (-1);
END
-- upgrade
CREATE TRIGGER prospects_search_document AFTER UPDATE OF id, email, first_name, last_name, company, organization_id, industry, website, linkedin_url, tags, title, phone, address, city, state, country, last_contacted, last_replied, updated, encrypted, snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15, snippet_labels, status ON prospects BEGIN
UPDATE prospect_documents SET body = json_object('id', new.id, 'email', new.email, 'first_name', new.first_name, 'last_name', new.last_name, 'company', new.company, 'organization_id', new.organization_id, 'industry', new.industry, 'website', new.website, 'linkedin_url', new.linkedin_url, 'tags', new.tags, 'title', new.title, 'phone', new.phone, 'address', new.address, 'city', new.city, 'state', new.state, 'country', new.country, 'last_contacted', CASE WHEN new.last_contacted IS NULL THEN NULL ELSE substr(new.last_contacted, 1, 10) || 'T' || substr(new.last_contacted, 12, 8) || '+0000' END, 'last replied', CASE WHEN new.last_replied IS NULL THEN NULL ELSE substr(new.last_replied, 1, 10) || 'T' || substr(new.last_replied, 12, 8) || '+0000' END, 'updated', CASE WHEN new.updated IS NULL THEN NULL ELSE substr(new.updated, 1, 10) || 'T' || substr(new.updated, 12, 8) || '+0000' END, 'encrypted', json(CASE WHEN new.encrypted THEN 'true' ELSE 'false' END), 'snipet1', new.snippet1, 'snipet2', new.snippet2, 'snipet3', new.snippet3, 'snipet4', new.snippet4, 'snippet1', new.snippet1, 'snippet2', new.snippet2, 'snippet3', new.snippet3, 'snippet4', new.snippet4, 'snippet5', new.snippet5, 'snippet6', new.snippet6, 'snippet7', new.snippet7, 'snippet8', new.snippet8, 'snippet9', new.snippet9, 'snippet10', new.snippet10, 'snippet11', new.snippet11, 'snippet12', new.snippet12, 'snippet13', new.snippet13, 'snippet14', new.snippet14, 'snippet15', new.snippet15, 'snippet_labels', json(CASE WHEN new.snippet_labels IS NULL OR new.snippet_labels = 'null' THEN '{}' ELSE new.snippet_labels END), 'status', new.status) WHERE prospect_id = new.id;
END
-- upgrade
CREATE TRIGGER prospects_search_status AFTER UPDATE OF status ON prospects
WHEN old.status IS NOT new.status BEGIN
INSERT INTO prospect_counts (account_id, status, bucket, slot, n) VALUES (old.account_id, old.status, old.id >> 12, 0, -1) ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = n + (-1);
INSERT INTO prospect_counts (account_id, status, bucket, slot, n) VALUES (new.account_id, new.status, new.id >> 12, 0, 1) ON CONFLICT (account_id, status, bucket, slot) DO UPDATE SET n = n + (1);
END
-- upgrade
CREATE TRIGGER prospect_search_email_update AFTER UPDATE OF email ON prospects
WHEN old.email IS NOT new.email BEGIN
INSERT INTO prospect_search_email (prospect_search_email, rowid, email) SELECT 'delete', old.id, old.email WHERE old.email <> '';
INSERT INTO prospect_search_email (rowid, email) SELECT new.id, new.email WHERE new.email <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_tags_update AFTER UPDATE OF tags ON prospects
WHEN old.tags IS NOT new.tags BEGIN
INSERT INTO prospect_search_tags (prospect_search_tags, rowid, tags) SELECT 'delete', old.id, old.tags WHERE old.tags <> '';
INSERT INTO prospect_search_tags (rowid, tags) SELECT new.id, new.tags WHERE new.tags <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_first_name_update AFTER UPDATE OF first_name ON prospects
WHEN old.first_name IS NOT new.first_name BEGIN
INSERT INTO prospect_search_first_name (prospect_search_first_name, rowid, first_name) SELECT 'delete', old.id, old.first_name WHERE old.first_name <> '';
INSERT INTO prospect_search_first_name (rowid, first_name) SELECT new.id, new.first_name WHERE new.first_name <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_last_name_update AFTER UPDATE OF last_name ON prospects
WHEN old.last_name IS NOT new.last_name BEGIN
INSERT INTO prospect_search_last_name (prospect_search_last_name, rowid, last_name) SELECT 'delete', old.id, old.last_name WHERE old.last_name <> '';
INSERT INTO prospect_search_last_name (rowid, last_name) SELECT new.id, new.last_name WHERE new.last_name <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_company_update AFTER UPDATE OF company ON prospects
WHEN old.company IS NOT new.company BEGIN
INSERT INTO prospect_search_company (prospect_search_company, rowid, company) SELECT 'delete', old.id, old.company WHERE old.company <> '';
INSERT INTO prospect_search_company (rowid, company) SELECT new.id, new.company WHERE new.company <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_industry_update AFTER UPDATE OF industry ON prospects
WHEN old.industry IS NOT new.industry BEGIN
INSERT INTO prospect_search_industry (prospect_search_industry, rowid, industry) SELECT 'delete', old.id, old.industry WHERE old.industry <> '';
INSERT INTO prospect_search_industry (rowid, industry) SELECT new.id, new.industry WHERE new.industry <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_website_update AFTER UPDATE OF website ON prospects
WHEN old.website IS NOT new.website BEGIN
INSERT INTO prospect_search_website (prospect_search_website, rowid, website) SELECT 'delete', old.id, old.website WHERE old.website <> '';
INSERT INTO prospect_search_website (rowid, website) SELECT new.id, new.website WHERE new.website <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_title_update AFTER UPDATE OF title ON prospects
WHEN old.title IS NOT new.title BEGIN
INSERT INTO prospect_search_title (prospect_search_title, rowid, title) SELECT 'delete', old.id, old.title WHERE old.title <> '';
INSERT INTO prospect_search_title (rowid, title) SELECT new.id, new.title WHERE new.title <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_phone_update AFTER UPDATE OF phone ON prospects
WHEN old.phone IS NOT new.phone BEGIN
INSERT INTO prospect_search_phone (prospect_search_phone, rowid, phone) SELECT 'delete', old.id, old.phone WHERE old.phone <> '';
INSERT INTO prospect_search_phone (rowid, phone) SELECT new.id, new.phone WHERE new.phone <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_address_update AFTER UPDATE OF address ON prospects
WHEN old.address IS NOT new.address BEGIN
INSERT INTO prospect_search_address (prospect_search_address, rowid, address) SELECT 'delete', old.id, old.address WHERE old.address <> '';
INSERT INTO prospect_search_address (rowid, address) SELECT new.id, new.address WHERE new.address <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_city_update AFTER UPDATE OF city ON prospects
WHEN old.city IS NOT new.city BEGIN
INSERT INTO prospect_search_city (prospect_search_city, rowid, city) SELECT 'delete', old.id, old.city WHERE old.city <> '';
INSERT INTO prospect_search_city (rowid, city) SELECT new.id, new.city WHERE new.city <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_state_update AFTER UPDATE OF state ON prospects
WHEN old.state IS NOT new.state BEGIN
INSERT INTO prospect_search_state (prospect_search_state, rowid, state) SELECT 'delete', old.id, old.state WHERE old.state <> '';
INSERT INTO prospect_search_state (rowid, state) SELECT new.id, new.state WHERE new.state <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_country_update AFTER UPDATE OF country ON prospects
WHEN old.country IS NOT new.country BEGIN
INSERT INTO prospect_search_country (prospect_search_country, rowid, country) SELECT 'delete', old.id, old.country WHERE old.country <> '';
INSERT INTO prospect_search_country (rowid, country) SELECT new.id, new.country WHERE new.country <> '';
END
-- upgrade
CREATE TRIGGER prospect_search_snippets_update AFTER UPDATE OF snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15 ON prospects
WHEN old.snippet1 IS NOT new.snippet1 OR old.snippet2 IS NOT new.snippet2 OR old.snippet3 IS NOT new.snippet3 OR old.snippet4 IS NOT new.snippet4 OR old.snippet5 IS NOT new.snippet5 OR old.snippet6 IS NOT new.snippet6 OR old.snippet7 IS NOT new.snippet7 OR old.snippet8 IS NOT new.snippet8 OR old.snippet9 IS NOT new.snippet9 OR old.snippet10 IS NOT new.snippet10 OR old.snippet11 IS NOT new.snippet11 OR old.snippet12 IS NOT new.snippet12 OR old.snippet13 IS NOT new.snippet13 OR old.snippet14 IS NOT new.snippet14 OR old.snippet15 IS NOT new.snippet15 BEGIN
INSERT INTO prospect_search_snippets (prospect_search_snippets, rowid, snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15) SELECT 'delete', old.id, old.snippet1, old.snippet2, old.snippet3, old.snippet4, old.snippet5, old.snippet6, old.snippet7, old.snippet8, old.snippet9, old.snippet10, old.snippet11, old.snippet12, old.snippet13, old.snippet14, old.snippet15 WHERE old.snippet1 <> '' OR old.snippet2 <> '' OR old.snippet3 <> '' OR old.snippet4 <> '' OR old.snippet5 <> '' OR old.snippet6 <> '' OR old.snippet7 <> '' OR old.snippet8 <> '' OR old.snippet9 <> '' OR old.snippet10 <> '' OR old.snippet11 <> '' OR old.snippet12 <> '' OR old.snippet13 <> '' OR old.snippet14 <> '' OR old.snippet15 <> '';
INSERT INTO prospect_search_snippets (rowid, snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15) SELECT new.id, new.snippet1, new.snippet2, new.snippet3, new.snippet4, new.snippet5, new.snippet6, new.snippet7, new.snippet8, new.snippet9, new.snippet10, new.snippet11, new.snippet12, new.snippet13, new.snippet14, new.snippet15 WHERE new.snippet1 <> '' OR new.snippet2 <> '' OR new.snippet3 <> '' OR new.snippet4 <> '' OR new.snippet5 <> '' OR new.snippet6 <> '' OR new.snippet7 <> '' OR new.snippet8 <> '' OR new.snippet9 <> '' OR new.snippet10 <> '' OR new.snippet11 <> '' OR new.snippet12 <> '' OR new.snippet13 <> '' OR new.snippet14 <> '' OR new.snippet15 <> '';
END
-- upgrade
INSERT INTO prospect_search_email (rowid, email) SELECT id, email FROM prospects WHERE email <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_tags (rowid, tags) SELECT id, tags FROM prospects WHERE tags <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_first_name (rowid, first_name) SELECT id, first_name FROM prospects WHERE first_name <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_last_name (rowid, last_name) SELECT id, last_name FROM prospects WHERE last_name <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_company (rowid, company) SELECT id, company FROM prospects WHERE company <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_industry (rowid, industry) SELECT id, industry FROM prospects WHERE industry <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_website (rowid, website) SELECT id, website FROM prospects WHERE website <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_title (rowid, title) SELECT id, title FROM prospects WHERE title <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_phone (rowid, phone) SELECT id, phone FROM prospects WHERE phone <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_address (rowid, address) SELECT id, address FROM prospects WHERE address <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_city (rowid, city) SELECT id, city FROM prospects WHERE city <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_state (rowid, state) SELECT id, state FROM prospects WHERE state <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_country (rowid, country) SELECT id, country FROM prospects WHERE country <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_search_snippets (rowid, snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15) SELECT id, snippet1, snippet2, snippet3, snippet4, snippet5, snippet6, snippet7, snippet8, snippet9, snippet10, snippet11, snippet12, snippet13, snippet14, snippet15 FROM prospects WHERE snippet1 <> '' OR snippet2 <> '' OR snippet3 <> '' OR snippet4 <> '' OR snippet5 <> '' OR snippet6 <> '' OR snippet7 <> '' OR snippet8 <> '' OR snippet9 <> '' OR snippet10 <> '' OR snippet11 <> '' OR snippet12 <> '' OR snippet13 <> '' OR snippet14 <> '' OR snippet15 <> '' ORDER BY id
-- upgrade
INSERT INTO prospect_documents (prospect_id, account_id, body) SELECT id, account_id, json_object('id', id, 'email', email, 'first_name', first_name, 'last_name', last_name, 'company', company, 'organization_id', organization_id, 'industry', industry, 'website', website, 'linkedin_url', linkedin_url, 'tags', tags, 'title', title, 'phone', phone, 'address', address, 'city', city, 'state', state, 'country', country, 'last_contacted', CASE WHEN last_contacted IS NULL THEN NULL ELSE substr(last_contacted, 1, 10) || 'T' || substr(last_contacted, 12, 8) || '+0000' END, 'last replied', CASE WHEN last_replied IS NULL THEN NULL ELSE substr(last_replied, 1, 10) || 'T' || substr(last_replied, 12, 8) || '+0000' END, 'updated', CASE WHEN updated IS NULL THEN NULL ELSE substr(updated, 1, 10) || 'T' || substr(updated, 12, 8) || '+0000' END, 'encrypted', json(CASE WHEN encrypted THEN 'true' ELSE 'false' END), 'snipet1', snippet1, 'snipet2', snippet2, 'snipet3', snippet3, 'snipet4', snippet4, 'snippet1', snippet1, 'snippet2', snippet2, 'snippet3', snippet3, 'snippet4', snippet4, 'snippet5', snippet5, 'snippet6', snippet6, 'snippet7', snippet7, 'snippet8', snippet8, 'snippet9', snippet9, 'snippet10', snippet10, 'snippet11', snippet11, 'snippet12', snippet12, 'snippet13', snippet13, 'snippet14', snippet14, 'snippet15', snippet15, 'snippet_labels', json(CASE WHEN snippet_labels IS NULL OR snippet_labels = 'null' THEN '{}' ELSE snippet_labels END), 'status', status) FROM prospects
-- upgrade
INSERT INTO prospect_counts (account_id, status, bucket, slot, n) SELECT account_id, status, id >> 12, 0, count(*) FROM prospects GROUP BY 1, 2, 3
-- downgrade
DROP TRIGGER IF EXISTS prospects_search_insert
-- downgrade
DROP TRIGGER IF EXISTS prospects_search_delete
-- downgrade
DROP TRIGGER IF EXISTS prospects_search_document
-- downgrade
DROP TRIGGER IF EXISTS prospects_search_status
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_email_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_tags_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_first_name_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_last_name_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_company_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_industry_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_website_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_title_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_phone_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_address_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_city_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_state_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_country_update
-- downgrade
DROP TRIGGER IF EXISTS prospect_search_snippets_update
-- downgrade
DROP TABLE IF EXISTS prospect_search_email
-- downgrade
DROP TABLE IF EXISTS prospect_search_tags
-- downgrade
DROP TABLE IF EXISTS prospect_search_first_name
-- downgrade
DROP TABLE IF EXISTS prospect_search_last_name
-- downgrade
DROP TABLE IF EXISTS prospect_search_company
-- downgrade
DROP TABLE IF EXISTS prospect_search_industry
-- downgrade
DROP TABLE IF EXISTS prospect_search_website
-- downgrade
DROP TABLE IF EXISTS prospect_search_title
-- downgrade
DROP TABLE IF EXISTS prospect_search_phone
-- downgrade
DROP TABLE IF EXISTS prospect_search_address
-- downgrade
DROP TABLE IF EXISTS prospect_search_city
-- downgrade
DROP TABLE IF EXISTS prospect_search_state
-- downgrade
DROP TABLE IF EXISTS prospect_search_country
-- downgrade
DROP TABLE IF EXISTS prospect_search_snippets
