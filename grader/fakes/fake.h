/* fake.h — générateur d'octets déterministe et utilitaires partagés des faux. */
#ifndef FAKE_H
#define FAKE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/* The grader passes a fake's arguments in the environment (FAKE_ARGS,
 * separated by the ASCII unit separator 0x1f), never on its command line:
 * /proc/PID/cmdline is readable by every user, and the arguments carry the
 * seed of the test data. Replaces argc/argv when FAKE_ARGS is set (then
 * removed from the environment; set, it holds at least one argument,
 * possibly empty). The strings live until exit. */
static inline void fake_args(int *argc, char ***argv)
{
    const char *env = getenv("FAKE_ARGS");
    char *copy, *p, **v;
    size_t n = 2, i = 0;

    if (env == NULL)
        return;
    for (p = (char *)env; *p != '\0'; p++)
        if (*p == '\x1f')
            n++;
    copy = strdup(env);
    v = calloc(n + 1, sizeof *v);
    if (copy == NULL || v == NULL)
        exit(2);
    v[i++] = (*argv)[0];
    v[i++] = copy;
    for (p = copy; *p != '\0'; p++)
        if (*p == '\x1f') {
            *p = '\0';
            v[i++] = p + 1;
        }
    v[i] = NULL;
    unsetenv("FAKE_ARGS");
    *argc = (int)i;
    *argv = v;
}

#endif
