package dev.vectorvault.query.expr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A constant set of values with {@link Values#equal} membership: hashed for scalars, scanned for lists and objects. */
final class ValueSet {
    private final Set<Object> scalars = new HashSet<>();
    private final List<Object> composites = new ArrayList<>();

    ValueSet(List<?> values) {
        for (Object value : values) {
            if (isComposite(value)) {
                composites.add(value);
            } else {
                scalars.add(Values.hashKey(value));
            }
        }
    }

    boolean contains(Object value) {
        if (value == null) {
            return false;
        }
        if (isComposite(value)) {
            for (Object candidate : composites) {
                if (Values.equal(candidate, value)) {
                    return true;
                }
            }
            return false;
        }
        return scalars.contains(Values.hashKey(value));
    }

    private static boolean isComposite(Object value) {
        return value instanceof List<?> || value instanceof Map<?, ?>;
    }
}
