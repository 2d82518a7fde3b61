package com.quantumtrader.allocation.runner.config;


import com.quantumtrader.allocation.core.Policy;
import com.quantumtrader.allocation.core.PolicyVariables;
import java.util.List;
import java.util.Map;

/**
 * Core's {@link Policy} from named settings and back: the rule variables of the environment (and of a
 * snapshot's or a golden case's {@code policy} object), by their {@link Variable}s. Core itself reads
 * no environment; its checks name the same variables in their messages.
 */
public final class PolicySettings {
    private PolicySettings() {
    }

    /** The rule variables: those of {@link Variable.Group#POLICY}. */
    public static final List<Variable> VARIABLES = java.util.Arrays.stream(Variable.values()).filter(v -> v.group() == Variable.Group.POLICY)
            .toList();

    /**
     * The policy of these settings; an absent one takes its default ({@link Policy#DEFAULTS}). A present one
     * must be a plain decimal number ({@code STALE_DATA_SEC}, {@code DD_RELAX_SEC}: a whole number of seconds).
     *
     * @throws IllegalArgumentException with one line naming the variable, the rule and the value
     */
    public static Policy parse(Map<String, String> settings) {
        return PolicyVariables.parse(settings); // core holds the rules and messages, so an embedding caller gets the same
    }

    /** The settings of {@code policy}, the inverse of {@link #parse(Map)}. */
    public static Map<String, String> of(Policy policy) {
        Map<String, String> out = new java.util.HashMap<>();
        VARIABLES.forEach(v -> out.put(v.name(), v.of(policy)));
        return Map.copyOf(out);
    }

    /** {@code MAX_GROSS_PCT}'s value for "no gross cap" (also its default, unset). */
    public static final String OFF = "off";
}
