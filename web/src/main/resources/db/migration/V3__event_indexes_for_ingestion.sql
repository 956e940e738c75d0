-- Version 3: fewer indexes on agent_event, measured with bulwark-manager bench-ingest: every index
-- is paid by every stored event. Severity (five values) is a filter on top of the others; time-range
-- queries use the per-computer and per-rule indexes or the received time; retention needs received_at.
drop index agent_event_by_severity;
drop index agent_event_by_time;
create index agent_event_by_received on agent_event (received_at);
