package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A cluster's stress hash ({@code quantum:cluster:stress:{cluster}}). Stress and alpha are read
 * independently: a hash whose {@code alpha} is garbage still gives a cluster factor, and the other
 * way round. An empty value means the field was absent or unusable.
 *
 * @param clusterId the cluster
 * @param stress    feeds the cluster factor {@code clamp(1 - stress, CLUSTER_STRESS_MIN, CLUSTER_STRESS_MAX)}
 * @param alpha     feeds the performance factor {@code sigmoid(alpha)} when no attribution is fresh
 * @param timestamp when the hash was published
 */
@API(status = API.Status.STABLE, since = "1.0")
public record ClusterStress(String clusterId, OptionalDouble stress, OptionalDouble alpha, Instant timestamp) {
    /** Checks every component: a missing or out-of-range one throws {@link IllegalArgumentException} or {@link NullPointerException} naming it. */
    public ClusterStress {
        Checks.name(clusterId, "clusterId");
        Objects.requireNonNull(stress, "stress");
        Objects.requireNonNull(alpha, "alpha");
        stress.ifPresent(v -> Checks.finite(v, "stress"));
        alpha.ifPresent(v -> Checks.finite(v, "alpha"));
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /** A hash with both fields usable. */
    public ClusterStress(String clusterId, double stress, double alpha, Instant timestamp) {
        this(clusterId, OptionalDouble.of(stress), OptionalDouble.of(alpha), timestamp);
    }
}
