package advbench.attack;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attacks an experiment file can name, by their {@code type}: the one list the experiment
 * loader, both tiers' attack contract and the table of attacks in docs/attacks.md
 * ({@code bench attacks}) are made from. To add an attack, write its file in this package (the
 * attack and its {@link AttackSpec} record) and register it here with a line that says what it is.
 */
public final class Attacks {
    private Attacks() {}

    /** A registered attack: its parameters record and the line the table of attacks gives it. */
    public record Entry(Class<? extends AttackSpec> spec, String summary) {}

    private static final Map<String, Entry> TYPES = new LinkedHashMap<>();

    private static void register(String type, Class<? extends AttackSpec> spec, String summary) {
        TYPES.put(type, new Entry(spec, summary));
    }

    static {
        register("fgsm", Fgsm.Spec.class, "FGSM (Goodfellow et al. 2015): one step of eps along the sign of the gradient");
        register("bim", Bim.Spec.class, "BIM, I-FGSM (Kurakin et al. 2017): signed steps from the clean image, each projected");
        register("pgd", Pgd.Spec.class, "PGD (Madry et al. 2018): signed (L-inf) or normalised (L2) steps from a random start, each"
                + " projected; restarts");
        register("rfgsm", RFgsm.Spec.class, "R+FGSM (Tramer et al. 2018): a random signed step (eps / 2 by default), then FGSM with the rest");
        register("mi-fgsm", MiFgsm.Spec.class, "MI-FGSM (Dong et al. 2018): signed steps along a momentum of L1-normalised gradients");
        register("fgm", Fgm.Spec.class, "FGM (L2): one step of eps along the L2-normalised gradient, FGSM's counterpart in L2");
        register("apgd", Apgd.Spec.class, "APGD-CE, APGD-DLR (Croce and Hein 2020): PGD with momentum and a step size that adapts at"
                + " checkpoints");
        register("apgd-t", Apgd.TargetedSpec.class, "APGD-T (Croce and Hein 2020): targeted DLR towards each of the classes ranked"
                + " highest after the true one, or first by MALT's estimated distance to each boundary");
        register("fab", Fab.Spec.class, "FAB, FAB-T (Croce and Hein 2020): steps onto linearised decision boundaries, pulled back"
                + " towards the clean image");
        register("square", Square.Spec.class, "Square Attack (Andriushchenko et al. 2020): a random search in square windows, no"
                + " gradients");
        register("autoattack", AutoAttack.Spec.class, "AutoAttack (Croce and Hein 2020): APGD-CE, APGD-T, FAB-T and Square, each on"
                + " what the others left; plus, rand and an audited fast version");
        register("deepfool", DeepFool.Spec.class, "DeepFool (Moosavi-Dezfooli et al. 2016): minimum norm, steps to the nearest"
                + " linearised boundary");
        register("fmn", Fmn.Spec.class, "FMN (Pintor et al. 2021): fast minimum-norm attack in L-inf, L2 or L1");
        register("cw", CarliniWagner.Spec.class, "Carlini-Wagner L2 (2017): minimum norm, Adam on a hinge with a binary search over"
                + " its constant");
        register("hsja", HopSkipJump.Spec.class, "HopSkipJump (Chen et al. 2020): minimum norm from predicted labels alone, untargeted;"
                + " boundary normals estimated by label queries, a geometric step, a binary search");
    }

    /** Type name to parameters record, in the order they are listed to users. */
    public static Map<String, Class<? extends AttackSpec>> types() {
        Map<String, Class<? extends AttackSpec>> out = new LinkedHashMap<>();
        TYPES.forEach((type, e) -> out.put(type, e.spec()));
        return Collections.unmodifiableMap(out);
    }

    public static Map<String, Entry> entries() {
        return Collections.unmodifiableMap(TYPES);
    }

    /**
     * The table of attacks in Markdown, as docs/attacks.md holds it: per type, what it is, its
     * label with its defaults (how an entry naming only its type is called in tables and plots),
     * its norms and its parameters as an experiment file writes them.
     */
    public static String table() {
        StringBuilder sb = new StringBuilder("| `type` | what it is | default label | parameters |\n|---|---|---|---|\n");
        TYPES.forEach((type, e) -> {
            List<String> params = Arrays.stream(e.spec().getRecordComponents()).map(c -> snake(c.getName()))
                    .filter(p -> !p.equals("label") && !p.equals("epsilons")).toList();
            sb.append("| `").append(type).append("` | ").append(e.summary()).append(" | ").append(defaultLabel(e.spec()))
                    .append(" | ").append(params.isEmpty() ? "" : "`" + String.join("`, `", params) + "`").append(" |\n");
        });
        return sb.toString();
    }

    /** The label a spec gets when nothing but its type is given. */
    private static String defaultLabel(Class<? extends AttackSpec> spec) {
        try {
            java.lang.reflect.Constructor<?> canonical = spec.getDeclaredConstructor(Arrays.stream(spec.getRecordComponents())
                    .map(java.lang.reflect.RecordComponent::getType).toArray(Class<?>[]::new));
            return ((AttackSpec) canonical.newInstance(new Object[spec.getRecordComponents().length])).label();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(spec + " cannot be built from its defaults", e);
        }
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }
}
