package io.streamingclicks.validator.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Several requests at once while batches land: every /api/topn answer is the answer of one snapshot (its pages all
 * of one version, of the window asked), and no thread sees the snapshots go backwards. The pooled connections keep
 * their bindings between requests, so this is where a leak of one request's window, pages or snapshot into
 * another's would show.
 */
@QuarkusTest
@QuarkusTestResource(value = ChangingDataRoot.class, restrictToAnnotatedClass = true)
class TopNConcurrencyTest {

    static final int THREADS = 6;

    @TestHTTPResource("/api/topn")
    URL topn;

    @Test
    void everyAnswerIsOneSnapshotsWhileTheSnapshotChanges() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger answers = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<List<String>>> readers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = t;
                readers.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    List<String> wrong = new ArrayList<>();
                    int last = 0;
                    while (writing.get()) {
                        // No window: the latest window, which is window 1, read through the same lease.
                        int w = rnd.nextInt(3);
                        int window = Math.min(w, 1);
                        String url = topn + "?n=3" + (w < 2 ? "&window=" + ChangingDataRoot.WINDOWS.get(w) : "");
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        JsonPath j = JsonPath.from(r.body());
                        List<String> got = new ArrayList<>();
                        List<Map<String, Object>> pages = j.getList("pages");
                        for (Map<String, Object> p : pages == null ? List.<Map<String, Object>>of() : pages) {
                            got.add(p.get("page_id") + "=" + p.get("pv"));
                        }
                        int version = versionOf(window, got);
                        if (r.statusCode() != 200 || version < 0
                                || !ChangingDataRoot.WINDOWS.get(window).toString().equals(j.getString("window_start"))) {
                            wrong.add(url + " -> " + r.statusCode() + " " + r.body());
                        } else if (version < last) {
                            wrong.add(url + " -> version " + version + " after version " + last);
                        } else {
                            last = version;
                            seen.add(version);
                        }
                        answers.incrementAndGet();
                    }
                    return wrong;
                }));
            }
            for (int v = 1; v < ChangingDataRoot.VERSIONS; v++) {
                int previous = v - 1;
                // Each batch lands only once the readers answered from the one before: every snapshot is read.
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(previous));
                ChangingDataRoot.commit(v);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains(ChangingDataRoot.VERSIONS - 1));
            writing.set(false);
            for (Future<List<String>> r : readers) {
                assertThat(r.get()).as("answers that are no snapshot's").isEmpty();
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(ChangingDataRoot.VERSIONS);
        assertThat(answers.get()).isGreaterThan(ChangingDataRoot.VERSIONS * THREADS);
    }

    /** The version whose Top-3 of the window this is, or -1 when none. */
    private static int versionOf(int window, List<String> pages) {
        for (int v = 0; v < ChangingDataRoot.VERSIONS; v++) {
            if (ChangingDataRoot.topN(window, v, 3).equals(pages)) {
                return v;
            }
        }
        return -1;
    }
}
