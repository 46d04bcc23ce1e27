package io.digitloc.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCountersTest {
    @Test
    void readsFaultsAndCpuTimeAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1500 7 3 0 250 40 0 0 20 0 30 0 123 456 789";

        ProcessCounters c = ProcessCounters.parse(stat);

        assertThat(c).isEqualTo(new ProcessCounters(1500, 3, 2.5, 0.4));
    }

    @Test
    void aTimedPassIsTheDifferenceOfTwoReadingsPerRepetition() {
        var before = new ProcessCounters(100, 1, 1.0, 0.5);
        var after = new ProcessCounters(700, 4, 4.0, 1.25);

        assertThat(after.minus(before).dividedBy(3)).isEqualTo(new ProcessCounters(200, 1, 1.0, 0.25));
    }

    @Test
    void thisProcessHasMadePageFaults() {
        assertThat(ProcessCounters.now().minorFaults()).isPositive();
    }
}
