/* fake.h — générateur d'octets déterministe et utilitaires partagés des faux. */
#ifndef FAKE_H
#define FAKE_H

#include <fcntl.h>
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

#define FAKE_MAX_FD 1024

/* stop_setup(), remembering which descriptors it opened (its self-pipe) so
 * they can be closed before exit: common leaves them to the kernel, which
 * valgrind --track-fds reports as open. Single-threaded callers only. */
static inline int stop_setup_tracked(int fds[2])
{
    unsigned char before[FAKE_MAX_FD / 8] = {0};
    int fd, k = 0;

    fds[0] = fds[1] = -1;
    for (fd = 0; fd < FAKE_MAX_FD; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            before[fd / 8] |= (unsigned char)(1u << (fd % 8));
    if (stop_setup() < 0)
        return -1;
    for (fd = 0; fd < FAKE_MAX_FD && k < 2; fd++)
        if (!(before[fd / 8] & (1u << (fd % 8))) && fcntl(fd, F_GETFD) >= 0)
            fds[k++] = fd;
    return 0;
}

/* Last thing before exit: a signal after this only makes the handler's
 * write() fail with EBADF. */
static inline void stop_close_tracked(int fds[2])
{
    if (fds[0] >= 0)
        close(fds[0]);
    if (fds[1] >= 0)
        close(fds[1]);
    fds[0] = fds[1] = -1;
}

#endif
