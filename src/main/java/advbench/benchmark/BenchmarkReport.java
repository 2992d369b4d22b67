package advbench.benchmark;

import advbench.report.Manifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code bench benchmark} measured, as written to benchmark.json, and its plain-text table.
 *
 * @param memoryCurve resident memory over the long sweep, empty unless asked for
 * @param memoryStartMib resident memory once the sweep is warmed up (after its first tenth)
 */
public record BenchmarkReport(String experiment, String runDir, int threads, String cpu, double endToEndSeconds,
                              List<Benchmark.ArchitectureRates> architectures, double peakResidentMib,
                              List<ResidentMemory.Sampler.Sample> memoryCurve, Double memoryStartMib, Double memoryEndMib,
                              Double memoryMaxMib) {

    /** @param threads PyTorch's intra-op threads during the benchmark */
    public static BenchmarkReport of(String experiment, int threads, Path runDir, double endToEnd, List<Benchmark.ArchitectureRates> rates,
                                     List<ResidentMemory.Sampler.Sample> memory) {
        Double start = null;
        Double end = null;
        Double max = null;
        if (!memory.isEmpty()) {
            double last = memory.get(memory.size() - 1).seconds();
            start = memory.stream().filter(s -> s.seconds() >= last / 10).findFirst().orElseThrow().residentMib();
            end = memory.get(memory.size() - 1).residentMib();
            max = memory.stream().mapToDouble(ResidentMemory.Sampler.Sample::residentMib).max().orElseThrow();
        }
        return new BenchmarkReport(experiment, runDir.toString(), threads, Manifest.Machine.cpuModel(), endToEnd,
                rates, ResidentMemory.peakMiB(), memory, start, end, max);
    }

    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("bench benchmark: %s end to end in %.1f s (%d threads, %s)%n", experiment, endToEndSeconds, threads, cpu));
        sb.append(String.format("%n%-58s %8s %10s %8s%n", "phase", "images", "images/s", "cost"));
        sb.append(String.format("%-58s %8s %10s %8s%n", "", "", "", "(x f+b)"));
        for (Benchmark.ArchitectureRates a : architectures) {
            sb.append(a.architecture()).append('\n');
            for (Benchmark.Rate r : a.rates()) {
                sb.append(String.format("  %-56s %8d %10.0f %8s%n", r.phase(), r.images(), r.imagesPerSecond(),
                        Double.isNaN(r.costVsForwardBackward()) ? "-" : String.format("%.2f", r.costVsForwardBackward())));
            }
        }
        sb.append(String.format("%npeak resident memory: %.0f MiB%n", peakResidentMib));
        if (memoryStartMib != null) {
            sb.append(String.format("long sweep (PGD-40, 20 epsilons, %d samples of RSS over %.0f s): %.0f MiB after warm-up, %.0f MiB at the end"
                            + " (%+.1f%%), max %.0f MiB%n", memoryCurve.size(), memoryCurve.get(memoryCurve.size() - 1).seconds(),
                    memoryStartMib, memoryEndMib, 100 * (memoryEndMib - memoryStartMib) / memoryStartMib, memoryMaxMib));
            sb.append(String.format("%8s %10s %10s %14s %10s%n", "time", "resident", "JVM heap", "heap committed", "direct"));
            for (ResidentMemory.Sampler.Sample s : tenths(memoryCurve)) {
                sb.append(String.format("%7.0fs %6.0f MiB %6.0f MiB %10.0f MiB %6.0f MiB%n", s.seconds(), s.residentMib(),
                        s.heapUsedMib(), s.heapCommittedMib(), s.directMib()));
            }
        }
        return sb.toString();
    }

    /** The samples nearest to 0%, 10%, ..., 100% of the run: the curve's shape in eleven lines. */
    private static List<ResidentMemory.Sampler.Sample> tenths(List<ResidentMemory.Sampler.Sample> curve) {
        double last = curve.get(curve.size() - 1).seconds();
        List<ResidentMemory.Sampler.Sample> out = new ArrayList<>();
        for (int k = 0; k <= 10; k++) {
            double at = last * k / 10;
            out.add(curve.stream().min(Comparator.comparingDouble(s -> Math.abs(s.seconds() - at))).orElseThrow());
        }
        return out;
    }
}
