package com.quantumtrader.allocation.runner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.BuildInfo;
import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.core.CapKind;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.Decision;
import com.quantumtrader.allocation.core.DrawdownZone;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.WritePlan;
import com.quantumtrader.allocation.redis.CycleStream;
import com.quantumtrader.allocation.redis.wire.DecisionEntry;
import com.quantumtrader.allocation.redis.wire.RemovalEntry;
import com.quantumtrader.allocation.core.Mode;
import com.quantumtrader.allocation.core.Outcome;
import com.quantumtrader.allocation.redis.wire.CycleEntry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@link ReportPage}: one self-contained page, well-formed, with the charts drawn and nothing from outside. */
class ReportPageTest {

    static final Instant T0 = Instant.ofEpochSecond(1_767_225_600L);

    private static CycleEntry entry(long s, String zone, String regime) {
        return new CycleEntry("c" + s, T0.plusSeconds(s), "a", Mode.SHADOW, Outcome.COMPUTED, "", 100, 10, 90, 0,
                Map.of(DataSource.REGIME, s % 600 == 0 ? 1 : 0), 0, 0, 0.9, 0.7, 0.8, 1000 + s, 2000, 100_000, zone, regime, 40, 0);
    }

    /** A page of the window at the service's 5 s interval, the default configuration. */
    static ReportPage page(Instant start, Instant end) {
        return new ReportPage(start, end, Duration.ofSeconds(5), Config.fromEnv(Map.of()).describe(), BuildInfo.CURRENT);
    }

    private static Document render(ReportPage page, GoLiveReport report, Instant until) throws Exception {
        String html = page.render(report.judge(until, Duration.ofMinutes(30)).orElseThrow(), "Go-live <report> & \"test\"");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("url("), "nothing fetched from outside");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private static Element byId(Document d, String tag, String id) {
        NodeList all = d.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (id.equals(e.getAttribute("id"))) {
                return e;
            }
        }
        throw new AssertionError("no <" + tag + " id=" + id + ">");
    }

    @Test
    void render_anHourOfCycles_wellFormed_verdictTableAndEveryChartDrawn() throws Exception {
        ReportPage page = page(T0, T0.plusSeconds(3600));
        GoLiveReport report = new GoLiveReport();
        for (long s = 0; s <= 3600; s += 5) {
            CycleEntry e = entry(s, s < 1800 ? "LOW" : "MID", s < 2400 ? "TREND" : "CHOP");
            page.add(e);
            report.add(e);
        }
        Document d = render(page, report, T0.plusSeconds(3600));
        assertEquals("Go-live <report> & \"test\"", d.getElementsByTagName("title").item(0).getTextContent(), "escaped, then read back");
        assertEquals(6, byId(d, "table", "verdicts").getElementsByTagName("tr").getLength(), "a header and the five criteria");
        assertEquals(2, byId(d, "svg", "total-target").getElementsByTagName("polyline").getLength(), "total target and total budget");
        assertEquals(2, byId(d, "svg", "confidence").getElementsByTagName("polyline").getLength(), "mean and p10");
        assertEquals(1, byId(d, "svg", "fallbacks").getElementsByTagName("polyline").getLength(), "the criterion's share per bucket");
        assertEquals(1, byId(d, "svg", "gross").getElementsByTagName("polyline").getLength(), "the book over equity");
        Element legend = (Element) byId(d, "svg", "total-target").getElementsByTagName("g").item(1);
        assertEquals("legend", legend.getAttribute("class"));
        assertEquals("total targettotal budget", legend.getTextContent(), "the legend on the chart names its lines");
        assertEquals(2, legend.getElementsByTagName("line").getLength(), "a sample of each line beside its name");
        NodeList rects = byId(d, "svg", "timeline").getElementsByTagName("rect");
        assertEquals(240, page.buckets(), "an hour at 5 s: 15-s buckets");
        assertEquals(3 * page.buckets(), rects.getLength(), "a mode, a zone and a regime rectangle per bucket");
        assertEquals("mode shadow", ((Element) rects.item(0)).getElementsByTagName("title").item(0).getTextContent());
        assertEquals("zone LOW", ((Element) rects.item(page.buckets())).getElementsByTagName("title").item(0).getTextContent());
        String points = ((Element) byId(d, "svg", "total-target").getElementsByTagName("polyline").item(0)).getAttribute("points");
        assertEquals(page.buckets(), points.split(" ").length, "one point per bucket of the window");
    }

    @Test
    void render_hostileRegimeName_escaped_noMarkupInjected() throws Exception {
        ReportPage page = page(T0, T0.plusSeconds(60));
        GoLiveReport report = new GoLiveReport();
        CycleEntry e = entry(0, "LOW", "<script>alert(1)</script>");
        page.add(e);
        report.add(e);
        Document d = render(page, report, T0.plusSeconds(60));
        assertTrue(d.getElementsByTagName("script").getLength() == 0);
    }

    @Test
    void render_gapWithoutCycles_breaksTheLine() throws Exception {
        ReportPage page = page(T0, T0.plusSeconds(4800));
        GoLiveReport report = new GoLiveReport();
        for (long s : new long[] {0, 5, 10, 20, 30, 40, 50, 60, 4700, 4720, 4740, 4760, 4780, 4795}) { // nothing in between: two pieces
            page.add(entry(s, "LOW", "TREND"));
            report.add(entry(s, "LOW", "TREND"));
        }
        Document d = render(page, report, T0.plusSeconds(4800));
        assertEquals(4, byId(d, "svg", "total-target").getElementsByTagName("polyline").getLength(), "two pieces for each of two lines");
    }

    private static CycleStream.Change written(String symbol, double budget, double target) {
        return written(symbol, budget, target, CapKind.NONE, DrawdownZone.LOW, 1);
    }

    private static CycleStream.Change written(String symbol, double budget, double target, CapKind cap, DrawdownZone zone, double ddFactor) {
        Decision d = new Decision(symbol, "c1", budget, target, target, target / 100_000, Regime.TREND, 1, 1, zone, ddFactor, 1,
                cap, 1, List.of());
        return new CycleStream.Written(DecisionEntry.of(d, T0, Mode.SHADOW, "c0", WritePlan.Change.NEW));
    }

    @Test
    void render_differences_lastTargetPerSymbol_largestFirst_withTheStepThatMadeIt_removedSymbolsOut() throws Exception {
        ReportPage page = page(T0, T0.plusSeconds(60));
        GoLiveReport report = new GoLiveReport();
        page.add(entry(0, "LOW", "TREND"));
        report.add(entry(0, "LOW", "TREND"));
        page.change(written("AAA", 10_000, 9_000));
        page.change(written("BBB", 10_000, 4_000, CapKind.NONE, DrawdownZone.HIGH, 0.4));
        page.change(written("AAA", 10_000, 2_500, CapKind.GROSS, DrawdownZone.LOW, 1)); // AAA's last target wins
        page.change(written("CCC", 0, 100));
        page.change(written("DDD", 50_000, 1_000));
        page.change(new CycleStream.Removed(new RemovalEntry("DDD", "c1", T0, Mode.SHADOW))); // DDD left the universe
        Document d = render(page, report, T0.plusSeconds(60));
        NodeList rows = byId(d, "table", "differences").getElementsByTagName("tr");
        List<String> got = new java.util.ArrayList<>();
        for (int i = 1; i < rows.getLength(); i++) {
            got.add(rows.item(i).getTextContent());
        }
        assertEquals(List.of("AAA10,0002,500-7,500-75.0 %gross cap", "BBB10,0004,000-6,000-60.0 %drawdown x0.4 (HIGH)",
                "CCC0100+100n/ano step"), got, "with the step that made each: the cap that lowered it last, else the factors");
    }
}
