import com.quantumtrader.allocation.core.*;
import com.quantumtrader.allocation.runner.report.SnapshotFile;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;

/** The recorder's file size at 1,000 and 10,000 symbols (docs/operations.md, "Recording the inputs"). */
public class RecordSize {
    public static void main(String[] a) throws Exception {
        for (int n : new int[] {1000, 10000}) {
            Random rnd = new Random(42);
            Instant now = Instant.parse("2026-12-07T12:00:00Z");
            CycleInputs.Builder b = CycleInputs.builder().portfolio(new PortfolioState(5_000_000, 0.031, now.minusMillis(1234)))
                    .regime(new RegimeState(Regime.TREND, 0.8, now.minusMillis(2345)));
            int clusters = Math.max(1, n / 20);
            for (int c = 0; c < clusters; c++) b.stress(new ClusterStress("C" + c, rnd.nextDouble(), rnd.nextGaussian(), now.minusMillis(rnd.nextInt(5000))));
            Map<String, CarryOver.WrittenTarget> written = new HashMap<>();
            for (int i = 0; i < n; i++) {
                String s = "SYM" + i + "USDT";
                b.budget(new SymbolBudget(s, 1000 + rnd.nextDouble() * 499_000, now.minusMillis(rnd.nextInt(5000))));
                b.cluster(s, "C" + (i % clusters));
                if (i % 10 == 0) b.attribution(new PerformanceAttribution(s, 0.5 + rnd.nextDouble(), now.minusMillis(rnd.nextInt(5000))));
                written.put(s, new CarryOver.WrittenTarget(rnd.nextDouble() * 100_000, now.minusSeconds(rnd.nextInt(30))));
            }
            CarryOver prev = new CarryOver(Optional.of(DrawdownZone.LOW), Optional.empty(), Optional.of(Mode.ENFORCE), Optional.of(written));
            Path f = Files.createTempFile("rec", ".json.gz");
            long t0 = System.nanoTime();
            SnapshotFile.writeGzip(SnapshotFile.toJson(now, PolicyVariables.of(Policy.DEFAULTS), b.build(), prev, Mode.ENFORCE, List.of()), f);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long size = Files.size(f);
            System.out.printf("%,d symbols: %,d bytes per recording (written in %d ms), %,.1f MB per day at 300 s, %,.1f MB for 7 days%n",
                    n, size, ms, size * 288 / 1e6, size * 288 * 7 / 1e6);
        }
    }
}
