package com.quantumtrader.allocation.redis.read;

import java.util.Locale;

/**
 * Why what the service knew of Redis's inputs was dropped (DESIGN section 20): each drop is counted as
 * {@code p29_cache_drops_total{cause}} and logged, rate-limited per cause, never hidden behind another.
 */
public enum DropCause {
    /** The invalidation link broke or missed a barrier: a change may have gone unheard. */
    LINK_LOST,
    /** The primary that serves writes is not the one the link listens to (a Sentinel failover). */
    PRIMARY_MOVED,
    /** Redis flushed its keys (FLUSHALL, FLUSHDB), told by the link. */
    FLUSH,
    /** A cycle failed: Redis may have restarted, failed over or applied part of a write. */
    FAILED_CYCLE,
    /** A change of leader or epoch: what is cached is vouched for within one tenure. */
    TENURE,
    /** The service's witness in the database (the state hash's last write) is not what this runner wrote: a swap, flush or restore. */
    DATASET_CHANGED;

    /** The {@code cause} label. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
