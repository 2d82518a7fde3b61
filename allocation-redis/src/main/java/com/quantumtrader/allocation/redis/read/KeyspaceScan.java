package com.quantumtrader.allocation.redis.read;

import com.quantumtrader.allocation.redis.wire.Keys;
import com.quantumtrader.allocation.redis.client.Nodes;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.Scalars;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.List;
import java.util.Set;

/** The walk of the keyspace that finds the universe: budget keys and attribution keys, bounded by the capacity. */
final class KeyspaceScan {

    /** Matches {@code quantum:portfolio:budget:*} and {@code quantum:alpha:attribution:*} in one pass, and not the service's own
     * {@code quantum:allocation:*} keys, which Redis then need not send. */
    static final String DISCOVERY_PATTERN = "quantum:[pa][lo][pr]*";

    /** Rejections listed per SCAN for budget keys with bad names; the rest are one summary rejection. */
    static final int MAX_BAD_NAMES = 1000;

    private KeyspaceScan() {
    }

    /**
     * One SCAN pass (never KEYS) over {@link #DISCOVERY_PATTERN}, which covers both the budget keys and the attribution keys,
     * so attributions are read only for symbols that have one (in a Cluster, the pass walks every primary). It keeps at most
     * {@code maxSymbols} (DESIGN section 16: a universe beyond what the heap holds is never a crash); beyond it the symbols
     * kept are, deterministically, those in {@code written} (the targets the writer holds, so they stay refreshed), then the
     * rest by name, and the keys seen beyond are counted. Memory during the pass is bounded by the same number: keys are
     * consumed page by page, never collected.
     */
    static Discovery scan(Nodes nodes, Set<String> written, Instant now, int maxSymbols) {
        Comparator<String> order = Comparator.<String, Boolean>comparing(sym -> !written.contains(sym)).thenComparing(Comparator.naturalOrder());
        TreeSet<String> symbols = new TreeSet<>(order); // SCAN may repeat a key: a set
        TreeSet<String> attributed = new TreeSet<>(order);
        List<Rejection> rejections = new ArrayList<>();
        Tally tally = new Tally();
        nodes.scan(DISCOVERY_PATTERN, key -> {
            if (key.startsWith(Keys.ATTRIBUTION_PREFIX)) {
                keep(attributed, key.substring(Keys.ATTRIBUTION_PREFIX.length()), null, maxSymbols);
                return;
            }
            if (key.startsWith(Keys.CLUSTER_BUDGET_PREFIX) || !key.startsWith(Keys.BUDGET_PREFIX)) {
                return;
            }
            String suffix = key.substring(Keys.BUDGET_PREFIX.length());
            if (suffix.indexOf(':') >= 0) {
                return; // another namespace under the prefix, not a symbol
            }
            if (Scalars.isValidName(suffix)) {
                keep(symbols, suffix, tally, maxSymbols);
            } else if (tally.badNames++ < MAX_BAD_NAMES) {
                rejections.add(new Rejection(DataSource.BUDGET, RejectReason.BAD_NAME, Scalars.printable(suffix),
                        "key '" + Scalars.printable(key) + "' does not end in 1-64 characters of [A-Za-z0-9._-]"));
            }
        });
        if (tally.badNames > MAX_BAD_NAMES) {
            rejections.add(new Rejection(DataSource.BUDGET, RejectReason.BAD_NAME, "...",
                    (tally.badNames - MAX_BAD_NAMES) + " more budget keys with bad names, not listed"));
        }
        attributed.retainAll(symbols);
        List<String> sorted = new ArrayList<>(symbols);
        sorted.sort(null); // once per SCAN, not per cycle: budgets come out in this order
        return new Discovery(sorted, attributed, rejections, now, tally.over);
    }

    /** What one SCAN pass counts as it goes. */
    static final class Tally {
        long over;
        long badNames;
    }

    /** Adds {@code symbol} to a set bounded at {@code maxSymbols}: beyond it the last in the set's order goes, counted in {@code tally}. */
    static void keep(TreeSet<String> set, String symbol, Tally tally, int maxSymbols) {
        if (set.size() < maxSymbols) {
            set.add(symbol);
            return;
        }
        if (set.contains(symbol)) {
            return;
        }
        if (tally != null) {
            tally.over++;
        }
        @SuppressWarnings("unchecked")
        Comparator<String> order = set.comparator() == null ? Comparator.naturalOrder() : (Comparator<String>) set.comparator();
        if (order.compare(symbol, set.last()) < 0) {
            set.pollLast();
            set.add(symbol);
        }
    }
}
