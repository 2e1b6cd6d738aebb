/* Guest workload of the Consolidator QEMU migration lab: dirties memory at a chosen rate over a chosen
 * working set, and prints what it actually did on the console once per report interval.
 *
 *   dirtier RATE_MIB_S WSS_MIB
 *
 * It allocates WSS_MIB, fills every page of it (so the working set holds data, not zero pages),
 * then writes one 8-byte word per 4 KiB page, walking the working set cyclically, paced so that
 * RATE_MIB_S MiB of distinct pages are dirtied per second (while the rate is below WSS per second, every
 * write dirties a page that is clean since the last dirty-log sync of a cycle). Under TCG on a busy host
 * the guest may fall short of the rate: the counters say what it achieved.
 *
 * Console lines: "dirtier ready wss_mib=W rate_mib_s=R" once the working set is filled, then every
 * 250 ms "dirtier t_ms=T pages=P" with T the guest's monotonic milliseconds since the start of the
 * dirtying loop and P the pages written since then (cumulative). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: dirtier RATE_MIB_S WSS_MIB\n");
        return 2;
    }
    double rate = atof(argv[1]);
    double wss = atof(argv[2]);
    if (!(rate >= 0) || !(wss > 0)) {
        fprintf(stderr, "dirtier: RATE_MIB_S must be >= 0 and WSS_MIB > 0\n");
        return 2;
    }
    size_t pages = (size_t)(wss * 1048576.0 / PAGE);
    if (pages == 0) pages = 1;
    uint8_t *mem = malloc(pages * PAGE);
    if (!mem) {
        fprintf(stderr, "dirtier: cannot allocate %zu pages\n", pages);
        return 1;
    }
    /* Half of each page random, half zero: not a zero page, and about 2:1 for zlib, like typical guest
     * memory (QEMU docs/multi-thread-compression.txt reports 60 % less data on a busy guest). */
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t p = 0; p < pages; p++) {
        uint64_t *w = (uint64_t *)(mem + p * PAGE);
        for (size_t k = 0; k < PAGE / 16; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            w[k] = x;
        }
        memset(mem + p * PAGE + PAGE / 2, 0, PAGE / 2);
    }
    printf("dirtier ready wss_mib=%.1f rate_mib_s=%.3f\n", wss, rate);
    fflush(stdout);

    double pages_per_ns = rate * 1048576.0 / PAGE / 1e9;
    uint64_t start = now_ns(), next_report = start + 250000000ULL, written = 0, word = 1;
    size_t cursor = 0;
    for (;;) {
        uint64_t t = now_ns();
        /* Pages due by now; write them in one burst, then sleep about a millisecond. */
        uint64_t due = (uint64_t)((double)(t - start) * pages_per_ns);
        while (written < due) {
            *(volatile uint64_t *)(mem + cursor * PAGE + (word % (PAGE / 16)) * 8) = word;
            word++;
            written++;
            if (++cursor == pages) cursor = 0;
        }
        if (t >= next_report) {
            printf("dirtier t_ms=%llu pages=%llu\n", (unsigned long long)((t - start) / 1000000ULL), (unsigned long long)written);
            fflush(stdout);
            next_report += 250000000ULL;
        }
        struct timespec nap = {0, 1000000L};
        nanosleep(&nap, NULL);
    }
}
