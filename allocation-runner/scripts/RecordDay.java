import com.quantumtrader.allocation.core.*;
import com.quantumtrader.allocation.runner.report.SnapshotFile;
import java.nio.file.*;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.*;

/**
 * A day of recordings as the recorder writes them (docs/performance.md, "whatif: replaying a day"): 288 snapshots 300 s
 * apart at N symbols (N/20 clusters, 10 % with an attribution, every symbol with a written target), the drawdown rising
 * from 1 % to 9 % at noon and back, the regime TREND, then CHOP in the afternoon, budgets drifting.
 * Usage: RecordDay DIR N [START] (START: ISO-8601, default 2026-12-06T00:00:00Z).
 */
public class RecordDay {
    public static void main(String[] a) throws Exception {
        Path dir = Files.createDirectories(Path.of(a[0]));
        int n = Integer.parseInt(a[1]);
        Instant start = Instant.parse(a.length > 2 ? a[2] : "2026-12-06T00:00:00Z");
        DateTimeFormatter name = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
        Map<String, String> policy = new HashMap<>(PolicyVariables.of(Policy.DEFAULTS));
        policy.put(Policy.MAX_GROSS_PCT, "1.0");
        policy.put(Policy.DD_HYSTERESIS, "0.005");
        policy.put(Policy.P29_MAX_RAISE_PCT, "0.10");
        int clusters = Math.max(1, n / 20);
        long t0 = System.nanoTime();
        for (int k = 0; k < 288; k++) {
            Random rnd = new Random(42 + k);
            Instant now = start.plusSeconds(300L * k);
            double drawdown = 0.01 + 0.08 * Math.sin(Math.PI * k / 287);
            CycleInputs.Builder b = CycleInputs.builder().portfolio(new PortfolioState(5_000_000, drawdown, now.minusMillis(1234)))
                    .regime(new RegimeState(k < 150 ? Regime.TREND : Regime.CHOP, 0.8, now.minusMillis(2345)));
            for (int c = 0; c < clusters; c++) {
                b.stress(new ClusterStress("C" + c, rnd.nextDouble(), rnd.nextGaussian(), now.minusMillis(rnd.nextInt(5000))));
            }
            Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
            Random fixed = new Random(7);
            for (int i = 0; i < n; i++) {
                String s = "SYM" + i + "USDT";
                double base = (1000 + fixed.nextDouble() * 99_000) * (1 + 0.1 * Math.sin(i + k / 20.0));
                b.budget(new SymbolBudget(s, base, now.minusMillis(rnd.nextInt(5000))));
                b.cluster(s, "C" + (i % clusters));
                if (i % 10 == 0) {
                    b.attribution(new PerformanceAttribution(s, 0.5 + rnd.nextDouble(), now.minusMillis(rnd.nextInt(5000))));
                }
                written.put(s, new CarryOver.WrittenTarget(base * 0.5, now.minusSeconds(rnd.nextInt(30))));
            }
            CarryOver prev = new CarryOver(Optional.of(DrawdownZone.LOW), Optional.empty(), Optional.of(Mode.ENFORCE), Optional.of(written));
            SnapshotFile.writeGzip(SnapshotFile.toJson(now, policy, b.build(), prev, Mode.ENFORCE, List.of()),
                    dir.resolve("snapshot-" + name.format(now) + ".json.gz"));
        }
        System.out.printf("288 recordings of %,d symbols in %s (%d s)%n", n, dir, (System.nanoTime() - t0) / 1_000_000_000);
    }
}
