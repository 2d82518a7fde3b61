package com.quantumtrader.allocation.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.quantumtrader.allocation.runner.config.Config;
import com.quantumtrader.allocation.runner.config.PolicySettings;
import com.quantumtrader.allocation.runner.config.Variable;
import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PolicyVariables;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Each variable is declared once, in {@link Variable}; the docs' tables, the known names and check-config agree with it. */
class VariableTest {

    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| (.*?) \\| (.*?) \\|(.*)\\|\\s*$");

    @Test
    void docsConfigurationTables_equalTheVariables_rowForRow() throws Exception {
        List<String> docs = new ArrayList<>();
        Variable.Table table = null;
        for (String line : Files.readAllLines(Path.of("..", "docs", "configuration.md"))) {
            if (line.startsWith("## The service document")) {
                table = Variable.Table.SERVICE_DOCUMENT;
            } else if (line.startsWith("## Connection and extra")) {
                table = Variable.Table.CONNECTION_AND_EXTRA;
            }
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                docs.add(m.group(1) + " | " + table + " | " + m.group(2).strip() + " | " + m.group(3).strip() + " | " + m.group(4).strip());
            }
        }
        List<String> declared = new ArrayList<>();
        for (Variable v : Variable.values()) {
            declared.add(v.name() + " | " + v.table() + " | " + v.defaultValue() + " | " + v.allowed() + " | " + v.meaning());
        }
        assertEquals(declared, docs);
    }

    @Test
    void policyVariables_areCoresSettingNames_andWriteAPolicyAsCoreDoes() {
        assertEquals(PolicyVariables.NAMES, PolicySettings.VARIABLES.stream().map(Variable::name).toList());
        Policy shipped = PolicyVariables.parse(Map.of("DD_HYSTERESIS", "0.005", "DD_RELAX_SEC", "300", "MAX_GROSS_PCT", "1.0",
                "P29_MAX_RAISE_PCT", "0.10"));
        for (Policy p : List.of(Policy.DEFAULTS, shipped)) {
            for (Variable v : PolicySettings.VARIABLES) {
                assertEquals(PolicyVariables.of(p).get(v.name()), v.of(p), v.name());
            }
            assertEquals(p, PolicyVariables.parse(PolicyVariables.of(p)));
        }
    }

    @Test
    void known_isEveryVariable() {
        Set<String> names = new TreeSet<>();
        for (Variable v : Variable.values()) {
            names.add(v.name());
        }
        assertEquals(names, new TreeSet<>(Config.KNOWN));
    }

    @Test
    void defaults_documentedAsOneLiteral_areWhatAnEmptyEnvironmentGives() {
        Map<String, String> described = Config.fromEnv(Map.of()).describe();
        List<String> differ = new ArrayList<>();
        int compared = 0;
        for (Variable v : Variable.values()) {
            java.util.regex.Matcher literal = Pattern.compile("`([^`( ]+)`").matcher(v.defaultValue());
            if (!literal.matches() || !described.containsKey(v.name())) {
                continue; // a rule ("`30` (shorter when ...)"), no default, or a deployment variable
            }
            compared++;
            String value = described.get(v.name());
            boolean equal = value.equals(literal.group(1))
                    || (isNumber(value) && isNumber(literal.group(1)) && Double.parseDouble(value) == Double.parseDouble(literal.group(1)));
            if (!equal) {
                differ.add(v.name() + ": documented " + literal.group(1) + ", fromEnv gives " + value);
            }
        }
        assertEquals(List.of(), differ);
        assertTrue(compared >= 20, "compared only " + compared + " defaults");
    }

    private static boolean isNumber(String s) {
        return s.matches("-?[0-9]+(\\.[0-9]+)?");
    }

    @Test
    void describe_listsEveryVariable_theRedisDeploymentOnesAsOneLine() {
        Map<String, String> described = Config.fromEnv(Map.of()).describe();
        List<String> missing = new ArrayList<>();
        for (Variable v : Variable.values()) {
            boolean connection = v.name().startsWith("REDIS_") && !v.name().equals("REDIS_TIMEOUT_MS") && !v.name().equals("REDIS_TLS_CA_FILE");
            if (!described.containsKey(v.name()) && !connection) {
                missing.add(v.name());
            }
        }
        assertEquals(List.of(), missing, "check-config prints every variable (the deployment's as 'redis')");
        assertTrue(described.containsKey("redis"), described.toString());
    }

    @Test
    void policySettings_areTheVariablesCoreNamesInItsMessages() throws Exception {
        Set<String> core = new TreeSet<>();
        for (Field f : Policy.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                core.add((String) f.get(null));
            }
        }
        Set<String> runner = new TreeSet<>();
        PolicySettings.VARIABLES.forEach(v -> runner.add(v.name()));
        assertEquals(core, runner);
        assertEquals(PolicySettings.VARIABLES.size(), PolicySettings.of(Policy.DEFAULTS).size());
    }

    /**
     * The shipped env file follows the declarations: every name it sets (or shows commented out) is a variable, every
     * variable of the service document and of the service's own settings is in it, and the comment above each whole
     * number names the declared range.
     */
    @Test
    void shippedEnvFile_namesEachVariableWithItsDeclaredRange() throws Exception {
        Pattern assignment = Pattern.compile("^#? ?([A-Z][A-Z0-9_]+)=.*$");
        List<String> wrong = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        StringBuilder comment = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("..", "deploy", "capital-allocation.env"))) {
            Matcher m = assignment.matcher(line);
            if (!m.matches()) {
                comment.append(line.startsWith("#") ? line : "").append('\n');
                continue;
            }
            String name = m.group(1);
            named.add(name);
            java.util.Optional<Variable> v = Variable.named(name);
            if (v.isEmpty()) {
                wrong.add(name + ": not a variable of the service");
            } else if (v.get().kind() instanceof com.quantumtrader.allocation.runner.config.Kind.Whole w
                    && !comment.toString().contains("[" + w.min() + ", " + w.max() + "]")) {
                wrong.add(name + ": its comment does not say [" + w.min() + ", " + w.max() + "]: " + comment.toString().strip());
            }
            comment.setLength(0);
        }
        for (Variable v : Variable.values()) {
            if (v.group() != Variable.Group.REDIS && !named.contains(v.name())) {
                wrong.add(v.name() + ": missing from the env file");
            }
        }
        assertEquals(List.of(), wrong);
    }
}
