package dev.bulwark.manager.events;

import java.util.List;

/**
 * Published inside the ingesting transaction with the events it newly stored (not the duplicates);
 * listeners that act after the commit (forwarding) see only what is really stored.
 */
public record EventsStored(List<EventStore.StoredEvent> events) {
}
