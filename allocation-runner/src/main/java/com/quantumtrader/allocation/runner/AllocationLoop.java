package com.quantumtrader.allocation.runner;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixed-schedule loop on its own thread, {@code allocation-loop}. Cycles start on a grid of
 * the interval and never overlap: a cycle that overruns is logged and counted, and the next one
 * starts at the next grid point. {@link #stop()} lets the cycle in flight finish.
 */
final class AllocationLoop {

    private static final Logger LOG = LoggerFactory.getLogger(AllocationLoop.class);

    private final CycleRunner runner;
    private final long intervalNanos;
    private final Metrics metrics;
    private final Consumer<CycleRunner.Report> listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long lastComputedNanos;
    private long cycles; // loop thread only

    AllocationLoop(CycleRunner runner, Duration interval, Metrics metrics, Consumer<CycleRunner.Report> listener) {
        this.runner = runner;
        this.intervalNanos = interval.toNanos();
        this.metrics = metrics;
        this.listener = listener;
        this.thread = new Thread(this::loop, "allocation-loop");
        // A cycle turns every Exception into a counted failure; an Error (a broken JVM or jar) ends
        // the process so systemd restarts it, rather than leaving HTTP up with no loop behind it.
        this.thread.setUncaughtExceptionHandler((t, e) -> {
            LOG.error("Allocation loop died: exiting so the service manager restarts the process", e);
            System.exit(1);
        });
    }

    void start() {
        thread.start();
    }

    /** Asks the loop to end after the cycle in flight, and waits up to {@code timeout} for it. */
    boolean stop(Duration timeout) throws InterruptedException {
        stopping = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** Ready when a cycle computed targets within the last three intervals. */
    boolean ready() {
        long last = lastComputedNanos;
        return last != 0 && System.nanoTime() - last <= 3 * intervalNanos;
    }

    private void loop() {
        long next = System.nanoTime();
        while (!stopping) {
            long started = System.nanoTime();
            CycleRunner.Report report = runner.run();
            cycles++;
            if (report.computed()) {
                lastComputedNanos = System.nanoTime();
            }
            try {
                listener.accept(report);
            } catch (RuntimeException e) {
                LOG.warn("cycle listener failed", e);
            }
            long now = System.nanoTime();
            next += intervalNanos;
            if (now - started > intervalNanos) {
                metrics.overruns.inc();
                LOG.warn(String.format(Locale.ROOT, "Allocation cycle overran the %.1fs interval: took %.3fs",
                        intervalNanos / 1e9, (now - started) / 1e9));
            }
            if (next <= now) {
                long missed = (now - next) / intervalNanos + 1;
                next += missed * intervalNanos; // keep the grid; never start two cycles back to back to catch up
            }
            sleepUntil(next);
        }
        LOG.info("Allocation loop stopped after {} cycles", cycles);
    }

    private void sleepUntil(long deadline) {
        lock.lock();
        try {
            long wait;
            while (!stopping && (wait = deadline - System.nanoTime()) > 0) {
                wake.awaitNanos(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

}
