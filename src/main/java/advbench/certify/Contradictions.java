package advbench.certify;

import advbench.attack.Norm;
import advbench.eval.AttackOutcome;
import advbench.eval.EpsilonOutcome;
import advbench.eval.Evaluation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sample certified at eps and fooled by an attack within eps is impossible: the certificate says
 * no point of the ball is misclassified, the attack shows one, each re-checked by a forward pass.
 * One of them is wrong, a bug either way. Found here, it is the loudest thing a run says.
 */
public final class Contradictions {
    private Contradictions() {}

    /** Tolerance on the perturbation's size: the attacks' own (|x_adv - x| <= eps + 1e-6). */
    static final double SLACK = 1e-6;

    /** One line per (certified epsilon, attack) with contradicting samples, naming up to five of them. */
    public static List<String> find(Evaluation ev, CertifiedOutcome certified) {
        List<String> found = new ArrayList<>();
        int[] labels = ev.labels();
        for (int k = 0; k < certified.epsilons().size(); k++) {
            double eps = certified.epsilons().get(k);
            boolean[] safe = certified.certified().get(k);
            for (AttackOutcome a : ev.attacks()) {
                if (a.norm() != Norm.LINF) {
                    continue;
                }
                List<Integer> both = new ArrayList<>();
                for (EpsilonOutcome e : a.perEpsilon()) {
                    for (int i = 0; i < labels.length && i < safe.length; i++) {
                        if (safe[i] && e.predicted()[i] != labels[i] && e.linf()[i] <= eps + SLACK && !both.contains(i)) {
                            both.add(i);
                        }
                    }
                }
                if (!both.isEmpty()) {
                    found.add(String.format(Locale.ROOT, "%d samples certified by %s at eps %s were fooled by %s within that eps"
                            + " (samples %s): a certificate or an attack is wrong, a bug", both.size(), certified.method(), eps, a.attack(),
                            both.subList(0, Math.min(5, both.size()))));
                }
            }
        }
        return found;
    }
}
