package com.quantumtrader.allocation.redis.client;

import java.util.Map;

/**
 * One stream entry as read: its id ({@code millis-sequence}) and its fields.
 *
 * @param millis   the id's time part (Redis's clock when it was added, unless the writer gave the id)
 * @param sequence the id's sequence part
 */
public record StreamRecord(long millis, long sequence, Map<String, String> fields) {
    public StreamRecord {
        fields = Map.copyOf(fields);
    }
}
