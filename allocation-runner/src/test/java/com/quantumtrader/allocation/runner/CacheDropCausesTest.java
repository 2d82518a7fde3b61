package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DESIGN section 20: every cause of a cache drop is counted, a note naming two causes counts both. */
class CacheDropCausesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "the invalidation link was lost; the cache was dropped                        | link_lost",
            "the primary moved from a:1 to b:2; the cache was dropped                     | primary_moved",
            "Redis flushed its keys                                                       | flush",
            "a failed cycle; the invalidation link was lost: EOF; the cache was dropped   | link_lost,failed_cycle",
            "a change of leader or epoch                                                  | tenure",
            "the dataset changed under the service (the state hash does not hold its last write) | dataset_changed",
            "client tracking unavailable, every read is full: NOPERM                      | ''",
            "a universe of 12 symbols is beyond the input cache's capacity of 10           | ''",
    })
    void cacheDropCauses_eachCauseNamedOnce(String note, String causes) {
        List<String> want = causes.isEmpty() ? List.of() : Arrays.asList(causes.split(","));
        assertEquals(want, CycleRunner.cacheDropCauses(note.strip()));
    }
}
