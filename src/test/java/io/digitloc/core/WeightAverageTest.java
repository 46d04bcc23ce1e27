package io.digitloc.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WeightAverageTest {
    @Test
    void theFirstParametersStartTheAverageAsACopy() {
        WeightAverage a = new WeightAverage(100);
        assertThat(a.started()).isFalse();
        float[] p = {1, 2};
        a.observe(p, 1_000_000);
        p[0] = 99;
        assertThat(a.average()).containsExactly(1, 2);
    }

    @Test
    void afterOneTimeConstantTheOldAverageWeighsOneOverE() {
        WeightAverage a = new WeightAverage(100);
        a.observe(new float[] {0, 10}, 0);
        a.observe(new float[] {1, 20}, 100);
        double keep = Math.exp(-1);
        assertThat(a.average()[0]).isCloseTo((float) (1 - keep), within(1e-6f));
        assertThat(a.average()[1]).isCloseTo((float) (10 * keep + 20 * (1 - keep)), within(1e-5f));
    }

    @Test
    void hearingEveryAverageOrEveryOtherOneGivesTheSameAverageOfSteadyWeights() {
        WeightAverage often = new WeightAverage(50);
        WeightAverage seldom = new WeightAverage(50);
        often.observe(new float[] {0}, 0);
        seldom.observe(new float[] {0}, 0);
        often.observe(new float[] {4}, 30);
        often.observe(new float[] {4}, 30);
        seldom.observe(new float[] {4}, 60);
        assertThat(often.average()[0]).isCloseTo(seldom.average()[0], within(1e-6f));
        assertThat(seldom.average()[0]).isCloseTo((float) (4 * (1 - Math.exp(-60.0 / 50))), within(1e-6f));
    }

    @Test
    void noSamplesMoveNothingAndARestartReplacesTheAverage() {
        WeightAverage a = new WeightAverage(10);
        a.observe(new float[] {1}, 0);
        a.observe(new float[] {5}, 0);
        assertThat(a.average()).containsExactly(1);
        a.restart(new float[] {7});
        assertThat(a.average()).containsExactly(7);
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> new WeightAverage(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WeightAverage(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WeightAverage(1).average()).isInstanceOf(IllegalStateException.class);
        WeightAverage a = new WeightAverage(1);
        a.observe(new float[] {1, 2}, 0);
        assertThatThrownBy(() -> a.observe(new float[] {1}, 1)).hasMessageContaining("2");
    }
}
