package com.quantumtrader.allocation.core;

import org.apiguardian.api.API;

import java.util.Locale;

/**
 * An input of the allocation cycle. Its {@link #wireName()} is the {@code data_source} label of the
 * fallback and rejection metrics and the word used in a decision's {@code fallbacks} field. A
 * fallback or rejection names its subject: the symbol or cluster, or {@link #PORTFOLIO_SUBJECT} and
 * {@link #REGIME_SUBJECT} for the two inputs that have one instance.
 */
@API(status = API.Status.STABLE, since = "1.0")
public enum DataSource {
    /** {@code quantum:state:portfolio}: equity, drawdown. */
    PORTFOLIO,
    /** {@code quantum:portfolio:budget:{symbol}}: base budget per symbol. */
    BUDGET,
    /** {@code quantum:stream:regime.state}: market regime. */
    REGIME,
    /** {@code quantum:cluster:stress:{cluster}}: the stress part of the cluster hash (cluster factor). */
    CLUSTER,
    /** The performance factor: a per-symbol attribution, else the cluster hash's alpha. */
    PERFORMANCE,
    /** {@code quantum:alpha:attribution:{symbol}}: optional per-symbol performance factor. */
    ATTRIBUTION,
    /**
     * The cluster map's sources: {@code quantum:config:symbol.cluster}, the static cluster map file, the discovered
     * {@code quantum:portfolio:clusters} with its {@code cluster_state} timestamps, and the budget's {@code cluster_id}.
     */
    CLUSTER_MAP;

    /** The subject of a portfolio fallback or rejection (there is one portfolio). */
    public static final String PORTFOLIO_SUBJECT = "portfolio";
    /** The subject of a regime fallback or rejection (there is one regime stream). */
    public static final String REGIME_SUBJECT = "regime";

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** Lower-case name, as in {@code data_source="regime"}. */
    public String wireName() {
        return wireName;
    }
}
