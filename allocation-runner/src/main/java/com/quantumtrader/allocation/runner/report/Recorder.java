package com.quantumtrader.allocation.runner.report;

import com.quantumtrader.allocation.core.CarryOver;
import com.quantumtrader.allocation.core.CycleInputs;
import com.quantumtrader.allocation.core.CycleStep;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PolicyVariables;
import com.quantumtrader.allocation.runner.cycle.InputRecorder;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder (DESIGN section 24): every {@code P29_RECORD_SEC} the leader's decoded inputs go to
 * {@code P29_RECORD_DIR/snapshot-YYYYMMDDTHHMMSSZ.json.gz}, the {@code once --snapshot} format ({@link SnapshotFile#toJson}),
 * and recordings older than {@code P29_RECORD_KEEP_DAYS} are deleted. The file is written on a thread of its own
 * ({@code allocation-recorder}); a recording still being written when the next is due is not started twice. A failure
 * (a full or read-only disk, no directory) is counted and logged as a WARN at most once a minute, and the cycle never
 * knows of it.
 */
public final class Recorder implements InputRecorder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Recorder.class);
    static final String PREFIX = "snapshot-";
    static final String SUFFIX = ".json.gz";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final Path dir;
    private final Duration every;
    private final Duration keep;
    private final java.util.Map<String, String> policy;
    private final Runnable onFailure;
    private final ExecutorService thread;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The cycle thread's. */
    private Instant last;
    /** The recorder thread's. */
    private long lastWarn = System.nanoTime() - WARN_EVERY_NANOS;

    /**
     * @param onFailure told of each recording that could not be written ({@code p29_record_failures_total})
     */
    public Recorder(Path dir, Duration every, Duration keep, Policy policy, Runnable onFailure) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.every = Objects.requireNonNull(every, "every");
        this.keep = Objects.requireNonNull(keep, "keep");
        this.policy = PolicyVariables.of(policy);
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "allocation-recorder");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void offer(Instant now, CycleInputs inputs, CarryOver previous, CycleStep.Controls controls) {
        if (last != null && now.isBefore(last.plus(every))) {
            return;
        }
        if (!busy.compareAndSet(false, true)) {
            return; // the last one is still being written: this one waits for the next interval
        }
        last = now;
        try {
            thread.execute(() -> {
                try {
                    write(now, inputs, previous, controls);
                } finally {
                    busy.set(false);
                }
            });
        } catch (RuntimeException e) { // closed
            busy.set(false);
        }
    }

    private void write(Instant now, CycleInputs inputs, CarryOver previous, CycleStep.Controls controls) {
        try {
            Files.createDirectories(dir);
            SnapshotFile.writeGzip(SnapshotFile.toJson(now, policy, inputs, previous, controls.mode(), controls.scoped()),
                    dir.resolve(PREFIX + NAME.format(now) + SUFFIX));
            prune(now);
        } catch (IOException | RuntimeException e) {
            onFailure.run();
            long t = System.nanoTime();
            if (t - lastWarn >= WARN_EVERY_NANOS) {
                lastWarn = t;
                log.warn("recorder: could not record the inputs of the cycle at {} into {}: {} (p29_record_failures_total; the"
                        + " cycles go on; this line at most once a minute)", now, dir, e.toString());
            }
        }
    }

    /** Deletes the recordings whose time (in their name) is more than the keeping time before {@code now}. */
    private void prune(Instant now) throws IOException {
        Instant oldest = now.minus(keep);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path f : files) {
                Instant at = timeOf(f);
                if (at != null && at.isBefore(oldest)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** A recording's time, from its name; null for a name this recorder did not write. */
    static Instant timeOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return null;
        }
        try {
            return Instant.from(NAME.parse(name.substring(PREFIX.length(), name.length() - SUFFIX.length())));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Waits up to {@code timeout} for the recording being written (if any) to be done, pruning included: the next due
     * cycle is then recorded, not skipped as busy.
     */
    public void flush(Duration timeout) throws InterruptedException, java.util.concurrent.TimeoutException {
        try {
            thread.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits up to 10 s for a recording being written, then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
