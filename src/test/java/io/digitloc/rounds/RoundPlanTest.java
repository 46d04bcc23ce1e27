package io.digitloc.rounds;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoundPlanTest {
    private static List<Integer> batches(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void cutsAnEpochAsDl4jCountsItAndFitsEveryBatch() {
        // 10 batches, 2 workers, frequency 2: floor(10 / 4) = 2 rounds of 5, dealt 3 + 2
        var rounds = RoundPlan.cut(batches(10), 2, 2);
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0)).containsExactly(List.of(0, 2, 4), List.of(1, 3));
        assertThat(rounds.get(1)).containsExactly(List.of(5, 7, 9), List.of(6, 8));
        // uneven: 11 batches in 2 rounds of 6 and 5
        assertThat(RoundPlan.cut(batches(11), 2, 2)).extracting(r -> r.get(0).size() + r.get(1).size()).containsExactly(6, 5);
        // full size, 938 batches, one worker averaging every 64: 14 rounds, every batch once, in order
        var full = RoundPlan.cut(batches(938), 1, 64);
        assertThat(full).hasSize(14);
        assertThat(full.stream().flatMap(r -> r.get(0).stream()).toList()).isEqualTo(batches(938));
    }

    @Test
    void aSmallEpochIsOneRoundAndMayLeaveWorkersIdle() {
        var rounds = RoundPlan.cut(batches(3), 4, 16);
        assertThat(rounds).hasSize(1);
        assertThat(rounds.get(0)).containsExactly(List.of(0), List.of(1), List.of(2), List.of());
        assertThat(RoundPlan.cut(List.of(), 2, 2)).hasSize(1).allSatisfy(r -> assertThat(r).allSatisfy(w -> assertThat(w).isEmpty()));
    }

    @Test
    void phasesAreMeansPerRoundAndOverheadIsWallLessTheSlowestFit() {
        RoundPhases p = new RoundPhases();
        p.add(new RoundPhases.Round(1_000_000_000L, 10_000_000L, 950_000_000L, 20_000_000L, 800_000_000L, 5_000_000L, 1_000_000L, 100, 200));
        RoundPhases start = p.copy();
        p.add(new RoundPhases.Round(600_000_000L, 10_000_000L, 550_000_000L, 20_000_000L, 400_000_000L, 5_000_000L, 1_000_000L, 100, 200));
        RoundPhases.Summary all = p.summary();
        assertThat(all.rounds()).isEqualTo(2);
        assertThat(all.wall()).isEqualTo(0.8);
        assertThat(all.overhead()).isEqualTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(all.launchAndResults()).isEqualTo(0.13, org.assertj.core.data.Offset.offset(1e-12));
        RoundPhases.Summary second = p.since(start).summary();
        assertThat(second.rounds()).isEqualTo(1);
        assertThat(second.fit()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void flatStateSurvivesJavaSerializationAsBlocksOfBytes() throws Exception {
        float[] a = {1.5f, -0f, Float.MIN_VALUE, Float.NaN, 3e38f};
        float[] u = new float[10_000];
        u[9_999] = 7;
        for (FlatState s : new FlatState[] {new FlatState(a, u), new FlatState(a, null)}) {
            var bytes = new java.io.ByteArrayOutputStream();
            try (var out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(s);
            }
            try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                FlatState back = (FlatState) in.readObject();
                assertThat(back.params()).containsExactly(a);
                assertThat(back.updater()).isEqualTo(s.updater());
                assertThat(back.bytes()).isEqualTo(s.bytes());
            }
        }
    }
}
