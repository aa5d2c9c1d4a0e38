/* fake.h — générateur d'octets déterministe et utilitaires partagés des faux. */
#ifndef FAKE_H
#define FAKE_H

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "io.h"

/* splitmix64 with one output byte per step: the stream depends only on the
 * seed and the position, never on how callers chunk it. The state starts as
 * the seed itself. */
static inline void gen_bytes(uint64_t *state, unsigned char *buf, size_t n)
{
    size_t i;
    uint64_t z;

    for (i = 0; i < n; i++) {
        z = (*state += UINT64_C(0x9e3779b97f4a7c15));
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        z ^= z >> 31;
        buf[i] = (unsigned char)(z >> 56);
    }
}

/* Sleeps ms milliseconds (negative: until a stop). Returns 0, or -1 with
 * errno EINTR as soon as a stop is requested. poll() ignores fd -1, so only
 * the stop pipe is watched. */
static inline int sleep_ms(int ms)
{
    return wait_fd(-1, 0, ms) < 0 ? -1 : 0;
}

#endif
