package com.quantumtrader.allocation.runner.cycle;

import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.runner.metrics.Metrics;
import com.quantumtrader.allocation.redis.wire.Trigger;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop on its own thread, {@code allocation-loop}. Cycles start on a grid of the interval, the heartbeat, and
 * never overlap: a cycle that overruns is logged and counted, and the next one starts at the next grid point. A
 * change of the portfolio, the regime or a control ({@link #changed}, told by the incremental reads' link) is looked at
 * no earlier than the minimum gap after the last change was (a timer's cycle in flight delays it only until it ends,
 * DESIGN section 22's reaction): it starts a cycle at once when it matters
 * ({@link CycleRunner#reacts}: a control, a change of the drawdown zone or regime in force), else it waits for the
 * grid's (DESIGN section 22). The grid stays where it was.
 * {@link #stop(java.time.Duration)} lets the cycle in flight finish.
 */
public final class AllocationLoop {

    private static final Logger LOG = LoggerFactory.getLogger(AllocationLoop.class);

    private final CycleRunner runner;
    private final long intervalNanos;
    private final long minGapNanos;
    /** The first change heard since the last cycle started, null when none; guarded by lock. */
    private Trigger pending;
    private final Metrics metrics;
    private final Consumer<CycleRunner.Report> listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long lastComputedNanos;
    private long cycles; // loop thread only

    public AllocationLoop(CycleRunner runner, Duration interval, Metrics metrics, Consumer<CycleRunner.Report> listener) {
        this(runner, interval, Duration.ofMillis(Variable.P29_MIN_CYCLE_GAP_MS.whole(java.util.Map.of())), metrics, listener);
    }

    /** @param minGap {@code P29_MIN_CYCLE_GAP_MS}: a cycle a change starts waits this long after the last start */
    public AllocationLoop(CycleRunner runner, Duration interval, Duration minGap, Metrics metrics, Consumer<CycleRunner.Report> listener) {
        this.runner = runner;
        this.intervalNanos = interval.toNanos();
        this.minGapNanos = minGap.toNanos();
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

    public void start() {
        runner.reader().onChange(change -> changed(Trigger.valueOf(change.name())));
        thread.start();
    }

    /** A change that starts a cycle at once (from any thread; never blocks for long). */
    void changed(Trigger trigger) {
        lock.lock();
        try {
            if (pending == null) {
                pending = trigger;
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks the loop to end after the cycle in flight, and waits up to {@code timeout} for it. */
    public boolean stop(Duration timeout) throws InterruptedException {
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
    public boolean ready() {
        long last = lastComputedNanos;
        return last != 0 && System.nanoTime() - last <= 3 * intervalNanos;
    }

    private void loop() {
        long next = System.nanoTime();
        long lastChange = next - minGapNanos; // when a change was last looked at: the next is looked at no sooner than the gap after
        while (!stopping) {
            long started = System.nanoTime();
            Trigger trigger = take(started >= next);
            if (trigger != Trigger.TIMER) {
                lastChange = started;
                if (!runner.reacts(trigger)) { // woken before the grid by a change that does not matter
                    sleepUntil(next, lastChange + minGapNanos);
                    continue;
                }
            }
            CycleRunner.Report report = runner.run(trigger);
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
            if (now - started > intervalNanos) {
                metrics.overruns.inc();
                LOG.warn(String.format(Locale.ROOT, "Allocation cycle overran the %.1fs interval: took %.3fs",
                        intervalNanos / 1e9, (now - started) / 1e9));
            }
            if (next <= started) {
                next += intervalNanos; // this cycle was (or stood in for) the grid's
            }
            if (next <= now) {
                long missed = (now - next) / intervalNanos + 1;
                next += missed * intervalNanos; // keep the grid; never start two cycles back to back to catch up
            }
            sleepUntil(next, lastChange + minGapNanos); // a change heard during a timer's cycle starts one as soon as it ends
        }
        LOG.info("Allocation loop stopped after {} cycles", cycles);
    }

    /**
     * What starts the cycle about to run: the timer when the grid is due ({@code due}; it reads every change heard), else the
     * first change heard since the last start.
     */
    private Trigger take(boolean due) {
        lock.lock();
        try {
            Trigger t = due || pending == null ? Trigger.TIMER : pending;
            pending = null;
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Sleeps until the grid's {@code deadline}, or, when a change is pending, until {@code earliest} (the minimum gap), whichever is first. */
    private void sleepUntil(long deadline, long earliest) {
        lock.lock();
        try {
            long wait;
            while (!stopping && (wait = (pending != null ? Math.min(deadline, earliest) : deadline) - System.nanoTime()) > 0) {
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
