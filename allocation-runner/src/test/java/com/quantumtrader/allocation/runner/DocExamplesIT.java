package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.redis.TestRedis;
import com.quantumtrader.allocation.redis.wire.InputHashes;
import com.quantumtrader.allocation.redis.wire.Keys;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Every Java example of {@code docs/governor.md} and the module READMEs, compiled against the modules as a caller sees
 * them and run as a process of its own (with {@code REDIS_URL} set to the test server, whose keys are seeded first): a
 * documented example that no longer compiles, throws or prints something else fails the build.
 */
class DocExamplesIT {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> DOCUMENTS = List.of("docs/governor.md", "allocation-core/README.md", "allocation-redis/README.md",
            "allocation-runner/README.md", "README.md");
    /** What each example must print (a line containing it); an example not named here fails the test, so each is checked. */
    static final Map<String, String> EXPECTED = Map.of(
            "Gate0", "target 9600.0 in majors",
            "EmbedCore", "BTCUSDT ",
            "ReadAndStep", "ETHUSDT 20000.0 in");

    @TempDir
    Path dir;

    private final TestRedis redis = TestRedis.shared();

    record Example(String document, String className, String source) {
        @Override
        public String toString() {
            return document + ": " + className;
        }
    }

    static Stream<Example> examples() throws IOException {
        List<Example> all = new ArrayList<>();
        Pattern block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
        Pattern publicClass = Pattern.compile("public class (\\w+)");
        for (String doc : DOCUMENTS) {
            Path file = ROOT.resolve(doc);
            if (!Files.exists(file)) {
                continue;
            }
            Matcher m = block.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (m.find()) {
                Matcher name = publicClass.matcher(m.group(1));
                assertTrue(name.find(), doc + ": a Java example must be a whole class with its imports, was:\n" + m.group(1));
                all.add(new Example(doc, name.group(1), m.group(1)));
            }
        }
        assertEquals(EXPECTED.keySet(), all.stream().map(Example::className).collect(java.util.stream.Collectors.toSet()),
                "every documented example has its expected output here");
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void example_compilesAndRuns_printingWhatItSays(Example example) throws Exception {
        redis.flush();
        try (Jedis j = redis.client()) {
            String ts = j.time().get(0);
            j.hset(Keys.PORTFOLIO, InputHashes.portfolio("100000", "0.0", ts));
            j.hset(Keys.budget("BTCUSDT"), InputHashes.budget("30000", ts));
            j.hset(Keys.budget("ETHUSDT"), InputHashes.budget("20000", ts));
            j.hset(Keys.target("BTCUSDT"), Map.of("target_usd", "9600", "mode", "enforce", "timestamp", ts, "cluster_id", "majors"));
        }
        Path source = dir.resolve(example.className() + ".java");
        Files.writeString(source, example.source(), StandardCharsets.UTF_8);
        String classpath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int compiled = javac.run(null, null, errors, "-d", dir.toString(), "-cp", classpath, "-Xlint:all", "-Werror", source.toString());
        assertEquals(0, compiled, example + " does not compile:\n" + errors.toString(StandardCharsets.UTF_8));

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", dir + File.pathSeparator + classpath, example.className())
                .redirectErrorStream(true);
        pb.environment().put("REDIS_URL", redis.url());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), example + " did not end");
        assertEquals(0, p.exitValue(), example + " failed:\n" + out);
        assertTrue(out.contains(EXPECTED.get(example.className())), example + " printed:\n" + out);
    }
}
