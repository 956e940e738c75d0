-- Version 6: each agent's next heartbeat is due at its own interval (the one its policy gives it);
-- the missed-heartbeat watch compares this time, the same on H2 and PostgreSQL.
alter table agent add column heartbeat_due timestamp with time zone;
