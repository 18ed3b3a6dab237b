package io.agentgovernor;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.AbstractClassesTransformer;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ClassesTransformer;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules between the parts of the governor (docs/ARCHITECTURE.md). A part is a
 * top-level package under {@code io.agentgovernor}; its {@code impl} package is private to it.
 * Production classes only: tests may reach into any part.
 */
class ArchitectureTest {

    private static final String ROOT = "io.agentgovernor";
    private static final Pattern PART = Pattern.compile("^" + Pattern.quote(ROOT) + "\\.([a-z0-9_]+)(\\..*)?$");
    private static final Pattern IMPL = Pattern.compile("^" + Pattern.quote(ROOT) + "\\.([a-z0-9_]+)\\.impl(\\..*)?$");

    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);

    /** One part depending on another, with the strongly connected component of each end. */
    record PartEdge(String from, String to, boolean cyclic) {
        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    private static final ClassesTransformer<PartEdge> PART_EDGES = new AbstractClassesTransformer<>("part dependencies") {
        @Override
        public Iterable<PartEdge> doTransform(JavaClasses classes) {
            Map<String, Set<String>> graph = new TreeMap<>();
            for (JavaClass origin : classes) {
                Optional<String> from = part(origin.getPackageName(), PART);
                if (from.isEmpty()) {
                    continue;
                }
                Set<String> targets = graph.computeIfAbsent(from.get(), k -> new TreeSet<>());
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    part(dependency.getTargetClass().getPackageName(), PART)
                        .filter(to -> !to.equals(from.get()))
                        .ifPresent(targets::add);
                }
            }
            Map<String, Integer> component = new StronglyConnected(graph).components();
            List<PartEdge> edges = new ArrayList<>();
            graph.forEach((from, targets) -> targets.forEach(to ->
                edges.add(new PartEdge(from, to, component.get(from).equals(component.get(to))))));
            return edges;
        }
    };

    /** Rule (a): a part's {@code impl} package is used by that part only. */
    static final ArchRule NO_FOREIGN_IMPL = ArchRuleDefinition.classes()
        .should(notDependOnAnotherPartsImpl())
        .as("no class outside part X depends on X.impl");

    /**
     * Rule (b): the parts form no dependency cycle. Reported as the part-to-part edges that lie on a
     * cycle (both ends in one strongly connected component), so a failure names the edges to cut.
     */
    static final ArchRule NO_CYCLES =
        ArchRuleDefinition.all(PART_EDGES).should(notLieOnACycle()).as("the parts depend on each other without cycles");

    /**
     * The layers, bottom first (docs/ARCHITECTURE.md): a part uses parts of lower layers only (and,
     * without a cycle, of its own). Every part must be listed; the root package holds only Main.
     */
    static final List<List<String>> LAYERS = List.of(
        List.of("bus"),                                  // the wire: addresses, codes, commands, events
        List.of("config"),                               // the node's own settings
        List.of("cluster"),                              // the Hazelcast member and the governor maps
        List.of("store", "spi"),                         // the JDBC map store; what the node gives every part
        List.of("quota"),                                // quotas, groups, the quota index
        List.of("budget", "capacity"),
        List.of("agent"),                                // the runtime, the registry, the agent SPI
        List.of("monitor", "reliability", "bridge"),
        List.of("analytics", "degradation", "enforcement"),
        List.of("admin", "demo"),
        List.of("node"));                                // assembles every part

    /** Rule (c): the parts keep to their {@link #LAYERS}. */
    static final ArchRule LAYERED = layered();

    @Test
    @DisplayName("no class outside a part uses that part's impl package")
    void noCrossPartImplImports() {
        NO_FOREIGN_IMPL.check(CLASSES);
    }

    @Test
    @DisplayName("the parts depend on each other without cycles")
    void noCyclesBetweenParts() {
        NO_CYCLES.check(CLASSES);
    }

    @Test
    @DisplayName("every part is in a layer and uses only the layers below it")
    void partsKeepToTheirLayers() {
        LAYERED.check(CLASSES);
    }

    private static ArchRule layered() {
        LayeredArchitecture rule = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        List<String> names = LAYERS.stream().map(parts -> String.join("+", parts)).toList();
        for (int i = 0; i < LAYERS.size(); i++) {
            rule = rule.layer(names.get(i)).definedBy(LAYERS.get(i).stream().map(p -> ROOT + "." + p + "..").toArray(String[]::new));
        }
        for (int i = 0; i < LAYERS.size(); i++) {
            rule = i == 0 ? rule.whereLayer(names.get(0)).mayNotAccessAnyLayer()
                : rule.whereLayer(names.get(i)).mayOnlyAccessLayers(names.subList(0, i).toArray(String[]::new));
        }
        return rule.ensureAllClassesAreContainedInArchitectureIgnoring(ROOT)
            .as("the parts keep to their layers: " + String.join(" < ", names));
    }

    private static ArchCondition<PartEdge> notLieOnACycle() {
        return new ArchCondition<>("not lie on a cycle") {
            @Override
            public void check(PartEdge edge, ConditionEvents events) {
                if (edge.cyclic()) {
                    events.add(SimpleConditionEvent.violated(edge, "part " + edge + " lies on a cycle"));
                }
            }
        };
    }

    /** Tarjan's algorithm over the part graph (16 nodes; recursion depth is bounded by them). */
    private static final class StronglyConnected {
        private final Map<String, Set<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Map<String, Integer> component = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private int next;

        StronglyConnected(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        Map<String, Integer> components() {
            Set<String> nodes = new TreeSet<>(graph.keySet());
            graph.values().forEach(nodes::addAll);
            nodes.forEach(n -> {
                if (!index.containsKey(n)) {
                    visit(n);
                }
            });
            return component;
        }

        private void visit(String node) {
            index.put(node, next);
            low.put(node, next++);
            stack.push(node);
            for (String to : graph.getOrDefault(node, Set.of())) {
                if (!index.containsKey(to)) {
                    visit(to);
                    low.put(node, Math.min(low.get(node), low.get(to)));
                } else if (stack.contains(to)) {
                    low.put(node, Math.min(low.get(node), index.get(to)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                String member;
                do {
                    member = stack.pop();
                    component.put(member, index.get(node));
                } while (!member.equals(node));
            }
        }
    }

    private static ArchCondition<JavaClass> notDependOnAnotherPartsImpl() {
        return new ArchCondition<>("not depend on another part's impl package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                Optional<String> own = part(origin.getPackageName(), PART);
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    Optional<String> implOf = part(dependency.getTargetClass().getPackageName(), IMPL);
                    if (implOf.isPresent() && !implOf.equals(own)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static Optional<String> part(String packageName, Pattern pattern) {
        Matcher m = pattern.matcher(packageName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
