/**
 * What the service did and would have done: the go-live report ({@link com.quantumtrader.allocation.runner.report.GoLiveReport},
 * the criteria and their verdicts; {@link com.quantumtrader.allocation.runner.report.ReportPage}, the one-file HTML page),
 * the {@code once --snapshot} format ({@link com.quantumtrader.allocation.runner.report.SnapshotFile}), the leader's
 * recordings in it ({@link com.quantumtrader.allocation.runner.report.Recorder}), and a candidate policy replayed over them
 * ({@link com.quantumtrader.allocation.runner.report.WhatIf}, {@link com.quantumtrader.allocation.runner.report.WhatIfPage});
 * both pages draw with {@code ReportChart}. Uses {@code config} only; reads Redis through {@code allocation-redis}'s cycle
 * stream, handed in by the command.
 */
package com.quantumtrader.allocation.runner.report;
