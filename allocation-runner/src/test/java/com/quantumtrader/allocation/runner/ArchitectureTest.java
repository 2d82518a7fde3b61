package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The modules' shape, read from their compiled classes by the JDK's own {@code jdeps}: no cycle between
 * classes (a nested class counts as its top-level class) nor between packages, and the packages of
 * {@code allocation-redis} and {@code allocation-runner} depend one way (the tables below), with Jedis imported
 * by {@code allocation-redis}'s {@code client} only.
 */
class ArchitectureTest {

    private static final String ROOT = "com.quantumtrader.allocation.";
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");

    /** Class -> classes it uses (top-level names), from {@code jdeps -verbose:class}. */
    private static Map<String, Set<String>> dependencies(String module) {
        Path classes = Path.of("..", module, "target", "classes");
        assertTrue(Files.isDirectory(classes), "no compiled classes at " + classes.toAbsolutePath());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int code = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:class", "-filter:none", classes.toString());
        assertEquals(0, code, "jdeps failed: " + out);
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                String from = topLevel(m.group(1));
                String to = topLevel(m.group(2));
                Set<String> targets = edges.computeIfAbsent(from, k -> new TreeSet<>());
                if (!from.equals(to)) {
                    targets.add(to);
                }
            }
        }
        assertTrue(edges.size() > 3, "jdeps listed no class of " + module + ": " + out);
        return edges;
    }

    private static String topLevel(String className) {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    @ParameterizedTest
    @ValueSource(strings = {"allocation-core", "allocation-redis", "allocation-runner", "allocation-tools"})
    void classes_whenReadByJdeps_formNoCycle(String module) {
        if (module.equals("allocation-tools") && !Files.isDirectory(Path.of("..", module, "target", "classes"))) {
            return; // built after this module: its own build runs this check too (ToolsArchitectureTest)
        }
        List<List<String>> cycles = cycles(dependencies(module));
        assertEquals(List.of(), cycles, module + ": classes that depend on each other");
    }

    @ParameterizedTest
    @ValueSource(strings = {"allocation-core", "allocation-redis", "allocation-runner"})
    void packages_whenReadByJdeps_formNoCycle(String module) {
        Map<String, Set<String>> packages = new TreeMap<>();
        dependencies(module).forEach((from, tos) -> {
            Set<String> targets = packages.computeIfAbsent(packageOf(from), k -> new TreeSet<>());
            tos.stream().map(ArchitectureTest::packageOf).filter(p -> !p.equals(packageOf(from))).forEach(targets::add);
        });
        assertEquals(List.of(), cycles(packages), module + ": packages that depend on each other");
    }

    /** allocation-redis: wire <- client <- read, write <- root; Jedis in client only. */
    private static final Map<String, Set<String>> REDIS_LAYERS = Map.of(
            "wire", Set.of(),
            "client", Set.of("wire"),
            "read", Set.of("wire", "client"),
            "write", Set.of("wire", "client"),
            "", Set.of("wire", "client", "read", "write"));

    /** allocation-runner: config <- metrics <- cycle <- cli; config <- report <- cli. */
    private static final Map<String, Set<String>> RUNNER_LAYERS = Map.of(
            "config", Set.of(),
            "metrics", Set.of("config"),
            "report", Set.of("config", "cycle"),
            "cycle", Set.of("config", "metrics"),
            "cli", Set.of("config", "metrics", "report", "cycle"));

    @Test
    void redisLayers_dependOneWay_andOnlyClientImportsJedis() {
        List<String> wrong = against(dependencies("allocation-redis"), "redis", REDIS_LAYERS);
        dependencies("allocation-redis").forEach((from, tos) -> tos.stream()
                .filter(to -> to.startsWith("redis.clients.") || to.startsWith("org.apache.commons.pool2."))
                .filter(to -> !layer(from, "redis").equals("client"))
                .forEach(to -> wrong.add(from + " -> " + to)));
        assertEquals(List.of(), wrong, "dependencies against the layers " + REDIS_LAYERS + " (Jedis in client only)");
    }

    @Test
    void runnerPackages_dependOneWay() {
        List<String> wrong = against(dependencies("allocation-runner"), "runner", RUNNER_LAYERS);
        assertEquals(List.of(), wrong, "dependencies against the layers " + RUNNER_LAYERS);
    }

    @Test
    void runnerPackages_areExactlyTheLayers() {
        Set<String> found = new TreeSet<>();
        dependencies("allocation-runner").keySet().forEach(c -> found.add(layer(c, "runner")));
        assertEquals(new TreeSet<>(RUNNER_LAYERS.keySet()), found, "every runner class in one of the layers' packages");
    }

    /** Edges between a module's packages that its layer table does not allow. */
    private static List<String> against(Map<String, Set<String>> edges, String module, Map<String, Set<String>> layers) {
        List<String> wrong = new ArrayList<>();
        edges.forEach((from, tos) -> {
            String layer = layer(from, module);
            for (String to : tos) {
                if (!to.startsWith(ROOT + module)) {
                    continue;
                }
                String target = layer(to, module);
                if (!target.equals(layer) && !layers.getOrDefault(layer, Set.of()).contains(target)) {
                    wrong.add(from + " -> " + to);
                }
            }
        });
        return wrong;
    }

    /** The sub-package of a module's root a class sits in ("" for the root itself). */
    private static String layer(String className, String module) {
        String pkg = packageOf(className);
        String root = ROOT + module;
        return pkg.equals(root) ? "" : pkg.substring(root.length() + 1);
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }

    /** Strongly connected components of more than one class (Tarjan's algorithm, iterative over the graph's order). */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!graph.containsKey(w)) {
                continue; // outside the module
            }
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w.substring(w.lastIndexOf('.') + 1));
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }

    @Test
    void cycles_ofAGraphWithOneLoop_areThatLoop() {
        Map<String, Set<String>> g = new TreeMap<>(Map.of("a.A", Set.of("a.B"), "a.B", Set.of("a.C"), "a.C", Set.of("a.A"),
                "a.D", Set.of("a.A")));
        assertEquals(List.of(List.of("A", "B", "C")), cycles(g));
    }
}
