-- Version 7: each published bundle is kept in the database too, so every manager sharing the
-- database can hand any version to agents and roll back to it.
alter table knowledge_base add column bundle bytea;
