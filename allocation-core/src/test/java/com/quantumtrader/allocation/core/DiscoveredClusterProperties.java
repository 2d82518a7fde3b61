package com.quantumtrader.allocation.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * DESIGN section 15 over generated discovered clusters: whatever the live stack's clusters (overlapping, naming the
 * operator's clusters, stale, without state, in the future, empty), the invariants of section 2 hold, the map follows
 * the precedence, and each losing claim on an allocated symbol is one conflict rejection. The discovered clusters
 * come from shrinking generators (ids, member indices, ages), laid over the seeded scenarios of {@link AllocatorProperties}.
 */
class DiscoveredClusterProperties {

    /** A generated discovered cluster: id, member indices (symbols S0..S25), state age in seconds or none. */
    record Spec(String id, List<Integer> members, Optional<Integer> ageSec) {
    }

    @Provide
    Arbitrary<List<Spec>> discovered() {
        Arbitrary<String> ids = Arbitraries.of("d0", "d1", "d2", "d3", "c0", "c1");
        Arbitrary<List<Integer>> members = Arbitraries.integers().between(0, 25).list().ofMaxSize(8);
        Arbitrary<Optional<Integer>> ages = Arbitraries.integers().between(-90, 200).optional(0.8);
        return Combinators.combine(ids, members, ages).as(Spec::new).list().ofMaxSize(6).uniqueElements(Spec::id);
    }

    @Provide
    Arbitrary<AllocatorProperties.Scenario> scenarios() {
        return Arbitraries.randomValue(AllocatorProperties::scenario);
    }

    @Property(tries = 1000)
    void allocate_anyDiscoveredClusters_invariantsHold(@ForAll("scenarios") AllocatorProperties.Scenario s,
                                                       @ForAll("discovered") List<Spec> specs) {
        CycleInputs in = withDiscovered(s.inputs(), specs);
        CycleResult r = Allocator.allocate(in, s.policy(), AllocatorProperties.NOW);
        Invariants.assertInvariants(in, s.policy(), r);
    }

    @Property(tries = 1000)
    void allocate_anyDiscoveredClusters_mapFollowsPrecedenceAndCountsEachLosingClaim(
            @ForAll("scenarios") AllocatorProperties.Scenario s, @ForAll("discovered") List<Spec> specs) {
        CycleInputs in = withDiscovered(s.inputs(), specs);
        CycleResult r = Allocator.allocate(in, s.policy(), AllocatorProperties.NOW);
        if (r instanceof CycleResult.Skipped) {
            return;
        }
        Instant oldest = AllocatorProperties.NOW.minus(s.policy().staleData());
        Instant newest = AllocatorProperties.NOW.plus(s.policy().staleData());
        Map<String, Integer> expectedConflicts = new HashMap<>();
        for (Decision d : r.decisions()) {
            String symbol = d.symbol();
            List<DiscoveredCluster> claims = new ArrayList<>();
            for (DiscoveredCluster c : in.discovered()) {
                boolean fresh = c.updated().isPresent() && !c.updated().get().isBefore(oldest) && !c.updated().get().isAfter(newest);
                if (fresh && c.members().contains(symbol)) {
                    claims.add(c);
                }
            }
            // The winner worked out independently: latest updated, then the smallest id.
            claims.sort((a, b) -> a.updated().get().equals(b.updated().get())
                    ? a.id().compareTo(b.id()) : b.updated().get().compareTo(a.updated().get()));
            SymbolBudget budget = in.budgets().stream().filter(b -> b.symbol().equals(symbol)).findFirst().orElseThrow();
            String expected = in.clusterMap().get(symbol);
            if (expected == null && !claims.isEmpty()) {
                expected = claims.get(0).id();
                if (claims.size() > 1) {
                    expectedConflicts.put(symbol, claims.size() - 1);
                }
            }
            if (expected == null) {
                expected = budget.clusterId().orElse(Allocator.UNKNOWN_CLUSTER);
            }
            assertEquals(expected, d.clusterId(), symbol + ": cluster");
        }
        Map<String, Integer> conflicts = new HashMap<>();
        r.rejections().stream().filter(x -> x.reason() == RejectReason.CONFLICT)
                .forEach(x -> conflicts.merge(x.subject(), 1, Integer::sum));
        assertEquals(expectedConflicts, conflicts, "conflict rejections per symbol");
    }

    @Property(tries = 300)
    void allocate_discoveredClustersInAnyOrder_sameDecisions(@ForAll("scenarios") AllocatorProperties.Scenario s,
                                                             @ForAll("discovered") List<Spec> specs) {
        CycleInputs in = withDiscovered(s.inputs(), specs);
        List<Spec> reversed = new ArrayList<>(specs);
        Collections.reverse(reversed);
        CycleInputs other = withDiscovered(s.inputs(), reversed);
        assertEquals(Allocator.allocate(in, s.policy(), AllocatorProperties.NOW).decisions(),
                Allocator.allocate(other, s.policy(), AllocatorProperties.NOW).decisions());
    }

    static CycleInputs withDiscovered(CycleInputs in, List<Spec> specs) {
        List<DiscoveredCluster> discovered = new ArrayList<>();
        Map<String, ClusterStress> clusters = new LinkedHashMap<>(in.clusters());
        for (Spec spec : specs) {
            List<String> members = spec.members().stream().map(i -> "S" + i).toList();
            Optional<Instant> updated = spec.ageSec().map(age -> AllocatorProperties.NOW.minusSeconds(age));
            discovered.add(new DiscoveredCluster(spec.id(), members, updated));
            if (updated.isPresent() && !clusters.containsKey(spec.id())) {
                // As the codec does: a state's stress, with no alpha, for a cluster that has no stress hash.
                clusters.put(spec.id(), new ClusterStress(spec.id(), java.util.OptionalDouble.of((spec.members().size() % 5) / 4.0),
                        java.util.OptionalDouble.empty(), updated.get()));
            }
        }
        return new CycleInputs(in.portfolio(), in.budgets(), in.clusterMap(), discovered, clusters, in.regime(), in.attributions(),
                in.rejections());
    }
}
