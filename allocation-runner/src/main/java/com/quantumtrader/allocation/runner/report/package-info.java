/**
 * The go-live report: {@link com.quantumtrader.allocation.runner.report.GoLiveReport} (the criteria and their
 * verdicts), {@link com.quantumtrader.allocation.runner.report.ReportPage} (the one-file HTML page) and
 * {@link com.quantumtrader.allocation.runner.report.SnapshotFile} (the {@code once --snapshot} format). Uses
 * {@code config} only; reads Redis through {@code allocation-redis}'s cycle stream, handed in by the command.
 */
package com.quantumtrader.allocation.runner.report;
