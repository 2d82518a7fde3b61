package com.quantumtrader.allocation.runner.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The static symbol -> cluster map of {@code P29_CLUSTER_MAP_FILE}: {@code {"BTCUSDT": "majors", ...}}. */
final class ClusterMapFile {
    private ClusterMapFile() {
    }

    /** Reads it once at start; a bad file stops the process. Names are validated later, per cycle, like Redis's. */
    static Map<String, String> load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(Variable.P29_CLUSTER_MAP_FILE.name() + ": cannot read " + file + " as JSON: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(Variable.P29_CLUSTER_MAP_FILE.name() + ": " + file + " must hold a JSON object of symbol -> cluster");
        }
        Map<String, String> map = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ConfigException(Variable.P29_CLUSTER_MAP_FILE.name() + ": " + file + ": the value of " + e.getKey() + " must be a string");
            }
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }
}
