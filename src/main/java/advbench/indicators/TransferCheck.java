package advbench.indicators;

import advbench.attack.RedirectedAttack;
import advbench.eval.Metrics;
import advbench.eval.PlannedAttack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pintor et al.'s transfer failure, as Tramer et al. (2020) use it: does an attack crafted on a
 * source model (a similar, undefended one) fool samples that a white-box gradient attack, run on
 * the evaluated model itself, left robust at the same budget? A white-box attack has every piece
 * of information the transfer attack has and more; when it does worse, its gradients misled it.
 */
final class TransferCheck {
    static final String TRANSFER = "transfer beats white-box";

    /** Any sample: a white-box attack should fool everything a transfer attack of its budget fools. */
    static final double TRANSFER_SHARE = 0.0;

    private TransferCheck() {}

    /**
     * Per untargeted white-box gradient attack, against the transfer attacks of its norm together:
     * at each epsilon both ran, the share of the subsample some transfer attack fooled and the
     * white-box attack did not; the worst epsilon is reported. Nothing when no transfer attack ran.
     */
    static List<Metrics.Indicator> measure(Subsample sub, Map<PlannedAttack, List<int[]>> perAttack) {
        List<PlannedAttack> transfers = perAttack.keySet().stream().filter(TransferCheck::isTransfer).toList();
        List<Metrics.Indicator> out = new ArrayList<>();
        if (transfers.isEmpty()) {
            return out;
        }
        for (PlannedAttack white : perAttack.keySet()) {
            if (isTransfer(white) || white.attack().gradientFree() || white.attack().target() != null) {
                continue;
            }
            double worst = 0;
            Double at = null;
            List<Integer> worstSamples = List.of();
            for (int e = 0; e < white.epsilons().size(); e++) {
                double eps = white.epsilons().get(e);
                int[] whitePredicted = perAttack.get(white).get(e);
                List<Integer> extra = new ArrayList<>();
                for (int i = 0; i < sub.count(); i++) {
                    if (!sub.correct(i) || whitePredicted[i] != sub.label(i)) {
                        continue;
                    }
                    for (PlannedAttack t : transfers) {
                        int k = t.epsilons().indexOf(eps);
                        if (t.attack().norm() == white.attack().norm() && k >= 0 && perAttack.get(t).get(k)[i] != sub.label(i)) {
                            extra.add(i);
                            break;
                        }
                    }
                }
                double share = extra.size() / (double) sub.count();
                if (share > worst) {
                    worst = share;
                    at = eps;
                    worstSamples = extra;
                }
            }
            out.add(new Metrics.Indicator(TRANSFER, white.attack().name(), at, worst, TRANSFER_SHARE, worst > TRANSFER_SHARE,
                    sub.listed(worstSamples)));
        }
        return out;
    }

    private static boolean isTransfer(PlannedAttack p) {
        return p.attack() instanceof RedirectedAttack r && r.source() != null;
    }
}
