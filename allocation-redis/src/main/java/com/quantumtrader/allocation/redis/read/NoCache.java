package com.quantumtrader.allocation.redis.read;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** Every read full, nothing kept, no link ({@code P29_INCREMENTAL=false}): changes start no cycle, the timer does. */
final class NoCache implements InputCache {

    @Override
    public void onChange(Consumer<Change> listener) {
        // no link: nothing is heard
    }

    @Override
    public Plan begin(Instant now, Optional<Discovery> discovery) {
        return Plan.OFF;
    }

    @Override
    public Plan fit(Plan plan, int symbols) {
        return plan;
    }

    @Override
    public List<String> get(Plan plan, Part part, String id, Instant now) {
        return null;
    }

    @Override
    public boolean holds(Part part, String id, Instant now) {
        return false;
    }

    @Override
    public void expiry(Plan plan, Part part, String id, long pttlMillis, Instant now) {
        // nothing kept
    }

    @Override
    public Difference put(Plan plan, Part part, String id, List<String> reply, Instant now) {
        return null;
    }

    @Override
    public List<List<String>> mapChunks(Plan plan, List<String> symbols) {
        return null;
    }

    @Override
    public boolean putMapChunks(Plan plan, List<String> symbols, List<List<String>> chunks) {
        return false;
    }

    @Override
    public List<String> settle(Plan plan, List<Difference> differences, Instant readEnd) {
        return List.of();
    }

    @Override
    public void drop() {
        // nothing kept
    }

    @Override
    public Optional<java.util.Map<String, Integer>> targetsHeard() {
        return Optional.empty();
    }

    @Override
    public boolean listening() {
        return false;
    }

    @Override
    public void close() {
        // no link
    }
}
