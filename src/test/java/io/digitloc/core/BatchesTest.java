package io.digitloc.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchesTest {
    /** Numbers 0..n-1 that count how many have been pulled. */
    static final class Counting implements Iterator<Integer> {
        final int n;
        int pulled;

        Counting(int n) {
            this.n = n;
        }

        @Override
        public boolean hasNext() {
            return pulled < n;
        }

        @Override
        public Integer next() {
            return pulled++;
        }
    }

    @Test
    void cutsIntoFullBatchesAndARemainder() {
        List<List<Integer>> batches = new ArrayList<>();
        Batches.of(new Counting(7), 3).forEachRemaining(batches::add);
        assertThat(batches).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
        assertThat(Batches.of(new Counting(0), 3).hasNext()).isFalse();
        assertThatThrownBy(() -> Batches.of(new Counting(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pullsOneBatchAtATime() {
        Counting items = new Counting(10);
        List<Integer> batchSizesSeen = new ArrayList<>();
        Iterator<String> out = Batches.flatMap(items, 4, batch -> {
            batchSizesSeen.add(batch.size());
            return batch.stream().map(i -> "#" + i).toList();
        });
        assertThat(items.pulled).isZero();
        assertThat(out.next()).isEqualTo("#0");
        assertThat(items.pulled).isEqualTo(4);
        for (int i = 1; i < 4; i++) {
            out.next();
        }
        assertThat(items.pulled).as("the second batch waits until the first is handed out").isEqualTo(4);
        assertThat(out.next()).isEqualTo("#4");
        assertThat(items.pulled).isEqualTo(8);
        List<String> rest = new ArrayList<>();
        out.forEachRemaining(rest::add);
        assertThat(rest).containsExactlyElementsOf(IntStream.range(5, 10).mapToObj(i -> "#" + i).toList());
        assertThat(batchSizesSeen).containsExactly(4, 4, 2);
    }

    @Test
    void aBatchWithNoResultsIsSkipped() {
        Iterator<Integer> odd = Batches.flatMap(new Counting(9), 2,
                batch -> batch.stream().filter(i -> i % 2 == 1 && i > 4).toList());
        List<Integer> got = new ArrayList<>();
        odd.forEachRemaining(got::add);
        assertThat(got).containsExactly(5, 7);
    }
}
