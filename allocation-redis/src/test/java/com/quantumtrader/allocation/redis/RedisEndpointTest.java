package com.quantumtrader.allocation.redis;

import com.quantumtrader.allocation.redis.client.RedisEndpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedisEndpointTest {

    private static final Duration T = Duration.ofSeconds(1);

    @Test
    void fromUrl_full_parsesEveryPart() {
        RedisEndpoint e = RedisEndpoint.fromUrl("rediss://alloc:s%40cret@redis.internal:6380/3", T, T);
        assertEquals("redis.internal", e.host());
        assertEquals(6380, e.port());
        assertEquals(3, e.database());
        assertEquals(Optional.of("alloc"), e.user());
        assertEquals(Optional.of("s@cret"), e.password());
        assertEquals(true, e.tls());
    }

    @Test
    void fromUrl_passwordOnly_noUser() {
        RedisEndpoint e = RedisEndpoint.fromUrl("redis://:pw@127.0.0.1", T, T);
        assertEquals(Optional.empty(), e.user());
        assertEquals(Optional.of("pw"), e.password());
        assertEquals(6379, e.port());
        assertEquals(0, e.database());
    }

    @Test
    void toString_masksPassword() {
        RedisEndpoint e = RedisEndpoint.fromUrl("redis://alloc:hunter2@h:1/2", T, T);
        assertEquals("redis://alloc:***@h:1/2", e.toString());
        assertFalse(e.toString().contains("hunter2"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "http://h:1          | must start with redis:// or rediss://, was http://",
            "h:6379              | must start with redis:// or rediss://, was h://",
            "redis:///0          | must name a host, as in redis://127.0.0.1:6379/0",
            "redis://h:1/99      | database: must be in [0, 15], was 99",
            "redis://h:1/x       | database must be a number in [0, 15], was 'x'",
            "redis://u:p w@h     | must be redis://[user[:password]@]host[:port][/db] or rediss://..., was not a URL",
    })
    void fromUrl_bad_messageNamesRuleNeverPassword(String url, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.fromUrl(url, T, T));
        assertEquals(message, e.getMessage());
    }
}
