package com.quantumtrader.allocation.runner.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a runner runs with, and what it holds (DESIGN section 16, docs/performance.md): the symbols a cycle can
 * read ({@code P29_MAX_SYMBOLS}'s default) and the symbols whose inputs incremental reads keep. {@code check-config}
 * judges the unit's heap ({@code --heap}, or the {@code -Xmx} of the unit file), not its own.
 *
 * @param maxBytes the maximum heap, in bytes
 */
public record Heap(long maxBytes) {

    /** Heap a runner needs beside its universe (the JVM's own, Jedis, HTTP, metrics), measured: docs/performance.md. */
    public static final long RESERVE_BYTES = 40L << 20;
    /** Peak heap per symbol of a cycle (the first write of a leader, the largest), measured: docs/performance.md. */
    public static final long BYTES_PER_SYMBOL = 850;
    /** Peak heap per symbol with incremental reads' input cache (~400 bytes retained per symbol more), measured: docs/performance.md. */
    public static final long BYTES_PER_CACHED_SYMBOL = 1_250;

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([kKmMgG]?)");
    private static final Pattern XMX = Pattern.compile("-Xmx([0-9]{1,12}[kKmMgG]?)\\b");

    public Heap {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes: must be > 0, was " + maxBytes);
        }
    }

    /** This JVM's maximum heap. */
    public static Heap ofThisJvm() {
        return new Heap(Runtime.getRuntime().maxMemory());
    }

    /** A size as {@code -Xmx} writes it: {@code 320m}, {@code 2g}, {@code 524288k}, or bytes. */
    public static Heap parse(String size) {
        Matcher m = SIZE.matcher(size.strip());
        if (!m.matches()) {
            throw new ConfigException("--heap: must be a size as -Xmx takes it (320m, 2g, 524288k, or bytes), was '" + size + "'");
        }
        long n = Long.parseLong(m.group(1));
        long bytes = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
        return new Heap(bytes);
    }

    /** The {@code -Xmx} of a systemd unit file's {@code ExecStart}, if it sets one. */
    public static Optional<Heap> ofUnit(Path unit) {
        try {
            for (String line : Files.readAllLines(unit)) {
                Matcher m = XMX.matcher(line);
                if (!line.stripLeading().startsWith("#") && m.find()) {
                    return Optional.of(parse(m.group(1)));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * How many symbols this heap holds: {@code (heap - reserve) / bytes per symbol}, at least 1,000. Beyond it a cycle
     * reads what fits (DESIGN section 16) instead of ending the JVM with an OutOfMemoryError.
     */
    public int capacity() {
        return (int) Math.max(1_000, Math.min(10_000_000, (maxBytes - RESERVE_BYTES) / BYTES_PER_SYMBOL));
    }

    /**
     * How many symbols' inputs incremental reads keep in this heap, at least 1,000: a larger universe is read in full each
     * cycle (as with {@code P29_INCREMENTAL=false}), never crowded out of its targets by the cache.
     */
    public int cacheCapacity() {
        return (int) Math.max(1_000, Math.min(10_000_000, (maxBytes - RESERVE_BYTES) / BYTES_PER_CACHED_SYMBOL));
    }

    /** In MB, as the docs and check-config write it. */
    public long megabytes() {
        return maxBytes >> 20;
    }
}
