package com.quantumtrader.allocation.tools;

/** How the bench's measured runners read their inputs: every input each cycle, what changed, or both in alternating blocks. */
enum Reads {
    FULL("full"), INCREMENTAL("incremental"), ALTERNATE("alternate");

    final String wire;

    Reads(String wire) {
        this.wire = wire;
    }
}
