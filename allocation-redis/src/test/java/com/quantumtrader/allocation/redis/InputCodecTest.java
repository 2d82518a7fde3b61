package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.wire.InputCodec;
import com.quantumtrader.allocation.redis.wire.RawInputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.core.ClusterStress;
import com.quantumtrader.allocation.core.DataSource;
import com.quantumtrader.allocation.core.PortfolioState;
import com.quantumtrader.allocation.core.Regime;
import com.quantumtrader.allocation.core.RegimeState;
import com.quantumtrader.allocation.core.RejectReason;
import com.quantumtrader.allocation.core.Rejection;
import com.quantumtrader.allocation.core.SymbolBudget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputCodecTest {

    @Test
    void decodeBudget_garbageValues_rejectedWithSourceReasonAndDetail() {
        List<Rejection> rejections = new ArrayList<>();
        assertTrue(InputCodec.decodeBudget("NAN", Map.of("budget_usd", "nan", "timestamp", "1"), rejections).isEmpty());
        assertTrue(InputCodec.decodeBudget("NEG", Map.of("budget_usd", "-5", "timestamp", "1"), rejections).isEmpty());
        assertTrue(InputCodec.decodeBudget("NOTS", Map.of("budget_usd", "5"), rejections).isEmpty());
        assertTrue(InputCodec.decodeBudget("GONE", Map.of(), rejections).isEmpty());
        assertTrue(InputCodec.decodeBudget("bad:name", Map.of("budget_usd", "5", "timestamp", "1"), rejections).isEmpty());
        assertEquals(List.of(
                new Rejection(DataSource.BUDGET, RejectReason.INVALID_VALUE, "NAN", "budget_usd='nan' is not a finite number"),
                new Rejection(DataSource.BUDGET, RejectReason.INVALID_VALUE, "NEG", "budget_usd=-5 must be >= 0"),
                new Rejection(DataSource.BUDGET, RejectReason.MISSING_FIELD, "NOTS", "timestamp is missing"),
                new Rejection(DataSource.BUDGET, RejectReason.MISSING_FIELD, "GONE", "budget hash vanished before it was read"),
                new Rejection(DataSource.BUDGET, RejectReason.BAD_NAME, "bad:name", "symbol 'bad:name' is not 1-64 characters of [A-Za-z0-9._-]")),
                rejections);
    }

    @Test
    void decodeBudget_badClusterId_keepsBudgetRejectsCluster() {
        List<Rejection> rejections = new ArrayList<>();
        SymbolBudget b = InputCodec.decodeBudget("BTC", Map.of("budget_usd", "5", "timestamp", "1", "cluster_id", "a b"), rejections).orElseThrow();
        assertEquals(Optional.empty(), b.clusterId());
        assertEquals(List.of(new Rejection(DataSource.CLUSTER_MAP, RejectReason.BAD_NAME, "BTC",
                "cluster_id 'a b' is not 1-64 characters of [A-Za-z0-9._-]")), rejections);
    }

    @Test
    void decodeCluster_garbageAlpha_keepsStress() {
        List<Rejection> rejections = new ArrayList<>();
        ClusterStress c = InputCodec.decodeCluster("l1", Map.of("stress", "0.2", "alpha", "inf", "timestamp", "10"), rejections).orElseThrow();
        assertEquals(0.2, c.stress().getAsDouble(), 0.0);
        assertTrue(c.alpha().isEmpty());
        assertEquals(List.of(new Rejection(DataSource.CLUSTER, RejectReason.INVALID_VALUE, "l1", "alpha='inf' is not a finite number")), rejections);
    }

    @Test
    void decodeRegime_noTimestampField_usesEntryTime() {
        List<Rejection> rejections = new ArrayList<>();
        Instant entry = Instant.ofEpochMilli(1767225598123L);
        RegimeState r = InputCodec.decodeRegime(Map.of("regime", "chop"), Optional.of(entry), rejections).orElseThrow();
        assertEquals(new RegimeState(Regime.CHOP, 1.0, entry), r);
        assertEquals(List.of(), rejections);
    }

    @Test
    void decodeRegime_unparsableConfidence_readsZeroAndRejects() {
        List<Rejection> rejections = new ArrayList<>();
        RegimeState r = InputCodec.decodeRegime(Map.of("regime", "TREND", "confidence", "high", "timestamp", "5"), Optional.empty(), rejections)
                .orElseThrow();
        assertEquals(0.0, r.confidence(), 0.0);
        assertEquals(1, rejections.size());
        assertEquals(RejectReason.INVALID_VALUE, rejections.get(0).reason());
    }

    @Test
    void decodePortfolio_tsUtcOnly_usesTsUtc_garbageTimestampDoesNot() {
        List<Rejection> rejections = new ArrayList<>();
        PortfolioState p = InputCodec.decodePortfolio(Map.of("equity_usd", "1", "drawdown", "0", "ts_utc", "7"), rejections).orElseThrow();
        assertEquals(Instant.ofEpochSecond(7), p.timestamp());
        assertTrue(InputCodec.decodePortfolio(Map.of("equity_usd", "1", "drawdown", "0", "timestamp", "x", "ts_utc", "7"), rejections).isEmpty());
        assertEquals(List.of(new Rejection(DataSource.PORTFOLIO, RejectReason.INVALID_VALUE, "portfolio",
                "timestamp='x' is not an epoch timestamp in seconds or milliseconds")), rejections);
    }

    @Test
    void decode_budgetsInAnyOrder_comeOutSortedBySymbol() {
        RawInputs raw = new RawInputs(Map.of(), Map.of(
                "ZEC", Map.of("budget_usd", "1", "timestamp", "1"),
                "ADA", Map.of("budget_usd", "1", "timestamp", "1"),
                "BTC", Map.of("budget_usd", "1", "timestamp", "1")),
                Map.of(), Map.of(), Map.of(), Optional.empty(), Map.of());
        assertEquals(List.of("ADA", "BTC", "ZEC"), InputCodec.decode(raw).budgets().stream().map(SymbolBudget::symbol).toList());
    }
}
