package io.digitloc.bench;

import io.digitloc.config.BatchSchedule;
import io.digitloc.rounds.RoundPhases;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** The arithmetic behind the published scaling figures, with known answers. */
class ScalingBenchmarkTest {
    private static final ScalingBenchmark.Target EARLY = new ScalingBenchmark.Target(0.95, 0.85, 0.6, 300_000, 16_384,
            2_000, false);
    private static final ScalingBenchmark.Target FULL = new ScalingBenchmark.Target(0.99, 0.98, 0.75, 300_000, 16_384,
            2_000, false);

    /** A check: the same share at IoU >= 0.6 and 0.75 unless {@code tight} says otherwise. */
    private static ScalingBenchmark.Point p(long samples, double accuracy, double share, double tight, double seconds) {
        return new ScalingBenchmark.Point(samples, 64, accuracy, share, tight, 0.7, seconds);
    }

    private static ScalingBenchmark.Point p(long samples, double accuracy, double share, double seconds) {
        return p(samples, accuracy, share, share, seconds);
    }

    @Test
    void interpolatesTheCrossingOnTheFigureThatCrossedLast() {
        // accuracy crosses 0.95 a quarter of the way, the box share 0.85 half way: the later one counts
        List<ScalingBenchmark.Point> curve = List.of(p(100_000, 0.94, 0.80, 100), p(120_000, 0.98, 0.90, 120));
        assertThat(ScalingBenchmark.interpolate(EARLY, curve)).isEqualTo(110_000, offset(1e-6));
        assertThat(ScalingBenchmark.secondsAt(curve, 110_000)).isEqualTo(110, offset(1e-9));
        assertThat(ScalingBenchmark.secondsAt(curve, 50_000)).isEqualTo(50, offset(1e-9));
        assertThat(ScalingBenchmark.interpolate(EARLY, List.of(p(16_384, 0.96, 0.9, 10)))).isEqualTo(16_384);
    }

    @Test
    void theFullTargetReadsTheBoxesAtIou075() {
        // past the early target from the first check; the tight boxes cross 0.98 three quarters of the way to the third
        List<ScalingBenchmark.Point> curve = List.of(p(100_000, 0.991, 0.99, 0.90, 1), p(200_000, 0.992, 0.995, 0.96, 2),
                p(300_000, 0.993, 0.999, 0.99, 3));
        assertThat(ScalingBenchmark.crossing(EARLY, curve, 0).first()).isEqualTo(100_000);
        ScalingBenchmark.Crossing full = ScalingBenchmark.crossing(FULL, curve, 0);
        assertThat(full.first()).isEqualTo(300_000);
        assertThat(full.interpolated()).isEqualTo(266_667, offset(1.0));
        assertThat(ScalingBenchmark.crossing(FULL, curve.subList(0, 2), 0).reached()).isFalse();
    }

    @Test
    void fitsAPowerLawPastThePlateau() {
        // 1 - figure = (samples / 1000)^-0.5: accuracy reaches 0.95 at 400,000 samples, the box share 0.85 at
        // (1/0.15)^2 x 1000 = 44,444; the later crossing counts
        List<ScalingBenchmark.Point> curve = new java.util.ArrayList<>();
        for (long s = 10_000; s <= 160_000; s *= 2) {
            double f = 1 - Math.pow(s / 1000.0, -0.5);
            curve.add(p(s, f, f, s / 1000.0));
        }
        assertThat(ScalingBenchmark.fittedSamplesToTarget(EARLY, curve, 0)).isEqualTo(400_000, offset(1.0));
        // no downward trend: no answer
        assertThat(ScalingBenchmark.fittedSamplesToTarget(EARLY,
                List.of(p(1, .5, .5, 1), p(2, .4, .4, 2), p(3, .3, .3, 3)), 0)).isNaN();
    }

    @Test
    void projectsFromTheMeasuredPhases() {
        RoundPhases one = new RoundPhases();
        // 1 s wall, 0.9 s fit: 0.1 s exposed overhead with one worker
        one.add(new RoundPhases.Round(1_000_000_000L, 0, 900_000_000L, 0, 900_000_000L, 0, 0, 0, 0));
        RoundPhases two = new RoundPhases();
        // 0.6 s wall, 0.46 s fit: 0.14 s with two, each sending 2(N-1)/N = 1 state of 5 MB
        two.add(new RoundPhases.Round(600_000_000L, 0, 460_000_000L, 0, 460_000_000L, 0, 0, 5_000_000, 5_000_000));
        var runs = List.of(run(1, one), run(2, two));
        var schedules = Map.of(1, new BatchSchedule(64, 1, 64, 65_536, 60_000, 22, 16));
        var inputs = new ScalingBenchmark.ProjectionInputs(Map.of(64, 0.05, 32, 0.03), 16, schedules, Map.of());
        var projection = ScalingBenchmark.allReduceProjection(runs, inputs);
        assertThat(projection.singleSeconds()).isEqualTo(0.1, offset(1e-9));
        assertThat(projection.fixedSeconds()).isEqualTo(0.14, offset(1e-9));
        assertThat(projection.stateBytes()).isEqualTo(5e6);
        assertThat(ScalingBenchmark.allReduceProjection(List.of(run(1, one)), inputs)).isNull();
    }

    @Test
    void theFormulaIsCheckedAgainstARunWithItsOwnOverheadAndStepTime() {
        RoundPhases two = new RoundPhases();
        // a round of 1.1 s wall, 1.0 s fit: 0.1 s overhead
        two.add(new RoundPhases.Round(1_100_000_000L, 0, 1_000_000_000L, 0, 1_000_000_000L, 0, 0, 0, 0));
        // two executors, batch 64: epoch 1 is 2 x 32 (1,024 samples a round), the run fitted 64,000 samples
        // in 70 s of fitting. Its own step: 1.0 s / 16; 62.5 rounds of 1.0 + 0.1 = 68.75 s predicted. A step of
        // 32 measured apart takes 0.06 s: 62.5 rounds of 16 x 0.06 + 0.1 = 66.25 s
        var curve = List.of(new ScalingBenchmark.Point(64_000, 64, 0.99, 0.99, 0.99, 0.9, 70));
        var run = new ScalingBenchmark.Run(2, "global batch 64", "spark://x", 64_000, 70,
                914, two.summary(), "plain", "x 1", curve);
        var inputs = new ScalingBenchmark.ProjectionInputs(Map.of(), 16,
                Map.of(2, new BatchSchedule(64, 2, 128, 65_536, 64_000, 10, 16)), Map.of(32, 0.06));
        var check = ScalingBenchmark.check(run, inputs, FULL, 0);
        assertThat((double) check.get("predicted_fit_s")).isEqualTo(68.75, offset(1e-9));
        assertThat((double) check.get("error")).isEqualTo(68.75 / 70 - 1, offset(1e-4));
        assertThat((double) check.get("predicted_from_step_apart_s")).isEqualTo(66.25, offset(1e-9));
        assertThat((double) check.get("error_from_step_apart")).isEqualTo(66.25 / 70 - 1, offset(1e-4));
    }

    private static ScalingBenchmark.Run run(int workers, RoundPhases phases) {
        return new ScalingBenchmark.Run(workers, "global batch 64", "spark://x", 1000, 1,
                1000, phases.summary(), "plain", "as configured", List.of());
    }
}
