package advbench.attack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attacks an experiment file can name, by their {@code type}. To add one, write its file in
 * this package (the attack and its {@link AttackSpec} record) and register the record here; the
 * experiment loader and {@code AttackContractTest} pick it up (the README's table of attacks is
 * written by hand).
 */
public final class Attacks {
    private Attacks() {}

    private static final Map<String, Class<? extends AttackSpec>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("fgsm", Fgsm.Spec.class);
        TYPES.put("bim", Bim.Spec.class);
        TYPES.put("pgd", Pgd.Spec.class);
        TYPES.put("mi-fgsm", MiFgsm.Spec.class);
        TYPES.put("fgm", Fgm.Spec.class);
        TYPES.put("apgd", Apgd.Spec.class);
        TYPES.put("apgd-t", Apgd.TargetedSpec.class);
        TYPES.put("fab", Fab.Spec.class);
        TYPES.put("square", Square.Spec.class);
        TYPES.put("autoattack", AutoAttack.Spec.class);
        TYPES.put("deepfool", DeepFool.Spec.class);
        TYPES.put("fmn", Fmn.Spec.class);
        TYPES.put("cw", CarliniWagner.Spec.class);
    }

    /** Type name to parameters record, in the order they are listed to users. */
    public static Map<String, Class<? extends AttackSpec>> types() {
        return java.util.Collections.unmodifiableMap(TYPES);
    }
}
