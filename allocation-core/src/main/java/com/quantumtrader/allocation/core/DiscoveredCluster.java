package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster found by the live stack's portfolio-clusters service (DESIGN section 15): one field of
 * {@code quantum:portfolio:clusters} and the {@code updated_ts} of its {@code quantum:portfolio:cluster_state:{id}}.
 * The cluster map uses it for symbols that neither the config hash nor the static file maps, while
 * {@code updated} is fresh; a cluster whose state is missing or stale (the service never deletes a field of a
 * cluster that no longer exists) is not used, and its members fall through to the budget's {@code cluster_id}.
 *
 * @param id      the cluster id, the field of {@code quantum:portfolio:clusters}
 * @param members the symbols of the field's JSON array, in its order, each once (a repeat is dropped)
 * @param updated the state hash's {@code updated_ts}; empty when the state is missing or its timestamp unusable
 */
@API(status = API.Status.STABLE, since = "1.0")
public record DiscoveredCluster(String id, List<String> members, Optional<Instant> updated) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public DiscoveredCluster {
        Checks.name(id, "id");
        if (Scalars.UNKNOWN_CLUSTER.equals(id)) {
            throw new IllegalArgumentException("id: must not be the reserved " + Scalars.UNKNOWN_CLUSTER + ", was " + id);
        }
        members = List.copyOf(new LinkedHashSet<>(members));
        for (String member : members) {
            if (!Scalars.isValidName(member)) {
                Checks.name(member, "members[" + id + "]");
            }
        }
        Objects.requireNonNull(updated, "updated");
    }

    /**
     * Whether this cluster wins a symbol listed in both: the later {@code updated}, then the smaller id.
     * Both must have an {@code updated}.
     */
    boolean winsOver(DiscoveredCluster other) {
        int byTime = updated.orElseThrow().compareTo(other.updated.orElseThrow());
        return byTime != 0 ? byTime > 0 : id.compareTo(other.id) < 0;
    }
}
