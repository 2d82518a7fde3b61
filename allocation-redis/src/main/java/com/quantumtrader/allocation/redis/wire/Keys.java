package com.quantumtrader.allocation.redis.wire;

/** The key names of the wire contract (DESIGN sections 3 and 4). */
public final class Keys {
    private Keys() {
    }

    /** Portfolio state hash (input). */
    public static final String PORTFOLIO = "quantum:state:portfolio";
    /** Prefix of the per-symbol budget hashes (input); discovered with SCAN. */
    public static final String BUDGET_PREFIX = "quantum:portfolio:budget:";
    /** Prefix of the budget engine's per-cluster budgets, which are not symbols. */
    public static final String CLUSTER_BUDGET_PREFIX = "quantum:portfolio:budget:cluster:";
    /** Prefix of the per-cluster stress hashes (input). */
    public static final String STRESS_PREFIX = "quantum:cluster:stress:";
    /** Regime stream (input): its last entry counts. */
    public static final String REGIME_STREAM = "quantum:stream:regime.state";
    /** Symbol -> cluster hash (input). */
    public static final String CLUSTER_MAP = "quantum:config:symbol.cluster";
    /** The portfolio-clusters service's clusters (input, DESIGN section 15): field = cluster id, value = JSON array of symbols. */
    public static final String DISCOVERED_CLUSTERS = "quantum:portfolio:clusters";
    /** Prefix of the portfolio-clusters service's per-cluster state hashes (input): {@code stress}, {@code updated_ts}. */
    public static final String CLUSTER_STATE_PREFIX = "quantum:portfolio:cluster_state:";
    /** Prefix of the optional per-symbol attribution hashes (input). */
    public static final String ATTRIBUTION_PREFIX = "quantum:alpha:attribution:";
    /** Prefix of the target hashes this service writes in enforce mode (output). */
    public static final String TARGET_PREFIX = "quantum:allocation:target:";
    /** Decision stream (output, both modes). */
    public static final String DECISION_STREAM = "quantum:stream:allocation.decision";
    /** The writer's lease (DESIGN section 10): the leader's instance id, with a PX expiry. */
    public static final String LEADER = "quantum:allocation:leader";
    /** The fencing epoch: INCR on every takeover, never deleted, never expiring. */
    public static final String EPOCH = "quantum:allocation:epoch";
    /** The cycle stream (DESIGN section 12): one entry per completed cycle of the leader. */
    public static final String CYCLE_STREAM = "quantum:stream:allocation.cycle";
    /**
     * The prefix of the fence guards: {@code quantum:allocation:fence-guard:<instance>:<epoch>}, one per writer's tenure
     * ({@link #fenceGuard}), touched only by that tenure's write units once its fence no longer holds, inside their own
     * WATCH, so their EXEC applies nothing ({@code FencedWrite}). Never read; its value means nothing; it expires a minute
     * after it is touched. One per tenure, not one for all (DESIGN section 25): a woken ex-leader touching a shared guard
     * aborted the units of the leader that replaced it (67 of 193 in one run), which watched the same key.
     */
    public static final String FENCE_GUARD_PREFIX = "quantum:allocation:fence-guard:";

    /** The guard key of {@code fence}'s tenure. */
    public static String fenceGuard(Fence fence) {
        return FENCE_GUARD_PREFIX + fence.instance() + ":" + fence.token();
    }
    /**
     * The heartbeat hash (DESIGN section 16): field = a runner's {@code P29_INSTANCE_ID}, value = its
     * last cycle's {@link Beat}. Written by every runner, leader and standby, in its lease round trip.
     */
    public static final String RUNNERS = "quantum:allocation:runners";
    /** The carry-over's small part (zone, relax timer, mode in force), written with the targets. */
    public static final String STATE = "quantum:allocation:state";
    /**
     * The service's token in the database (DESIGN section 20): a random id set once ({@code SET NX}) by the first runner that
     * finds it missing, read every cycle; a different or missing one means the dataset changed under the service (a swap, a
     * flush, a restore, a Redis restarted without persistence).
     */
    public static final String DATASET = "quantum:allocation:dataset";

    /** The operator's control hash (DESIGN section 13): {@code mode}, {@code reason}, {@code by}, {@code ts}; read every cycle. */
    public static final String CONTROL = "quantum:control:allocation";
    /**
     * The operator's scoped controls (DESIGN section 17): one field per control, {@code symbol:SYM} or
     * {@code cluster:ID}, its value a JSON object ({@link ScopedControls}); read every cycle with the control hash.
     */
    public static final String SCOPED_CONTROLS = "quantum:control:allocation:scoped";
    /** The audit stream of every {@code control set} and {@code control clear}. */
    public static final String CONTROL_STREAM = "quantum:stream:allocation.control";

    /** {@code quantum:portfolio:budget:{symbol}}. */
    public static String budget(String symbol) {
        return BUDGET_PREFIX + symbol;
    }

    /** {@code quantum:cluster:stress:{cluster}}. */
    public static String stress(String cluster) {
        return STRESS_PREFIX + cluster;
    }

    /** {@code quantum:portfolio:cluster_state:{cluster}}. */
    public static String clusterState(String cluster) {
        return CLUSTER_STATE_PREFIX + cluster;
    }

    /** {@code quantum:alpha:attribution:{symbol}}. */
    public static String attribution(String symbol) {
        return ATTRIBUTION_PREFIX + symbol;
    }

    /** {@code quantum:allocation:target:{symbol}}. */
    public static String target(String symbol) {
        return TARGET_PREFIX + symbol;
    }
}
