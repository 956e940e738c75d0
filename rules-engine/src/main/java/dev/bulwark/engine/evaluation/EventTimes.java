package dev.bulwark.engine.evaluation;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kie.api.definition.type.Role;
import org.kie.api.definition.type.Timestamp;

/**
 * Which fact types are CEP events and how to read their timestamp, from their {@code @Role} and
 * {@code @Timestamp} annotations, looked up once per class.
 */
final class EventTimes {
    private static final ConcurrentHashMap<Class<?>, Optional<MethodHandle>> ACCESSORS = new ConcurrentHashMap<>();

    private EventTimes() {
    }

    /** Epoch milliseconds of an event, or empty for a plain fact. */
    static Optional<Long> timestampOf(Object fact) {
        Optional<MethodHandle> accessor = ACCESSORS.computeIfAbsent(fact.getClass(), EventTimes::accessor);
        if (accessor.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of((long) accessor.get().invoke(fact));
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the timestamp of " + fact.getClass().getSimpleName(), e);
        }
    }

    private static Optional<MethodHandle> accessor(Class<?> type) {
        Role role = type.getAnnotation(Role.class);
        Timestamp ts = type.getAnnotation(Timestamp.class);
        if (role == null || role.value() != Role.Type.EVENT || ts == null) {
            return Optional.empty();
        }
        try {
            MethodHandle h = MethodHandles.publicLookup().findVirtual(type, ts.value(), MethodType.methodType(long.class));
            return Optional.of(h.asType(MethodType.methodType(long.class, Object.class)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " declares @Timestamp(\"" + ts.value() + "\") but has no public long " + ts.value() + "()", e);
        }
    }
}
