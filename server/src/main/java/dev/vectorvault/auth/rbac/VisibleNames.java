package dev.vectorvault.auth.rbac;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Which databases or collections a user may see in a listing: all of them, or exactly these names. */
public record VisibleNames(boolean all, SortedSet<String> names) {
    static final VisibleNames ALL = new VisibleNames(true, new TreeSet<>());

    public VisibleNames {
        names = Collections.unmodifiableSortedSet(new TreeSet<>(names));
    }

    static VisibleNames only(Set<String> names) {
        return new VisibleNames(false, new TreeSet<>(names));
    }

    /** Whether a listing may show {@code name}; filter results with it. */
    public boolean contains(String name) {
        return all || names.contains(name);
    }
}
