/* OpenSSL's SHA-512 over 16 KiB timed the way `cargo bench --bench quiet`
 * times Padlock's: 3000 runs, the minimum kept, five times over.
 * Not built by cargo or CI; see docs/performance.md ("SHA-512 rounds in
 * assembly"):  cc -O2 benches/openssl_sha512_min.c -lcrypto && ./a.out */
#include <openssl/sha.h>
#include <stdio.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void) {
    static unsigned char data[16384], digest[64];
    for (int i = 0; i < 16384; i++) data[i] = (unsigned char)(i * 7 + 3);
    for (int round = 0; round < 5; round++) {
        double best = 1e18;
        for (int i = 0; i < 3000; i++) {
            double start = now_ns();
            SHA512(data, sizeof data, digest);
            double elapsed = now_ns() - start;
            if (elapsed < best) best = elapsed;
        }
        printf("openssl SHA512 16 KiB: min %.2f us, %.1f MB/s\n", best / 1e3, 16384 / best * 1e3);
    }
    return 0;
}
