/* test_common.c — tests unitaires de common/ (cli, io, net), sans framework.
 *
 * Prints one TAP-like line per check ("ok N - ..." / "not ok N - ..."),
 * followed on failure by "# " lines giving the expected and actual values,
 * then "1..N". Exit status 0 iff every check passed.
 *
 * Build (from the top of the tree):
 *   gcc -std=c11 -Wall -Wextra -Werror -pedantic -g -I common \
 *       common/cli.c common/io.c common/net.c common/tests/test_common.c \
 *       -lpthread
 *
 * Needs the loopback interface (127.0.0.1, and ::1 if available) and never
 * causes DNS traffic: names are numeric, and the unresolvable case uses an
 * unknown *service* name with a numeric host.
 *
 * The stop tests (stop_setup + SIGTERM) come last: the stop is sticky. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "io.h"
#include "net.h"

/* ------------------------------------------------------------------------ */
/* Mini TAP framework                                                       */
/* ------------------------------------------------------------------------ */

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define PRINTF_LIKE(fmt, first)
#endif

static int tap_count;  /* checks run so far */
static int tap_failed; /* checks that failed */

static void tap_line(int ok, const char *fmt, va_list ap)
{
    tap_count++;
    if (!ok)
        tap_failed++;
    printf("%s %d - ", ok ? "ok" : "not ok", tap_count);
    vprintf(fmt, ap);
    putchar('\n');
}

static void tap_skip(const char *reason)
{
    tap_count++;
    printf("ok %d - # SKIP %s\n", tap_count, reason);
}

static int check_bool_(int ok, const char *expr, const char *file, int line,
                       const char *fmt, ...) PRINTF_LIKE(5, 6);
static int check_bool_(int ok, const char *expr, const char *file, int line,
                       const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tap_line(ok, fmt, ap);
    va_end(ap);
    if (!ok) {
        printf("#   at %s:%d\n", file, line);
        printf("#   check:    %s\n", expr);
        printf("#   expected: true\n");
        printf("#   actual:   false\n");
    }
    return ok;
}

static int check_int_(long long a, const char *op, long long b,
                      const char *ea, const char *eb, const char *file,
                      int line, const char *fmt, ...) PRINTF_LIKE(8, 9);
static int check_int_(long long a, const char *op, long long b,
                      const char *ea, const char *eb, const char *file,
                      int line, const char *fmt, ...)
{
    va_list ap;
    int ok;

    if (strcmp(op, "==") == 0)
        ok = a == b;
    else if (strcmp(op, "!=") == 0)
        ok = a != b;
    else if (strcmp(op, "<") == 0)
        ok = a < b;
    else if (strcmp(op, "<=") == 0)
        ok = a <= b;
    else if (strcmp(op, ">") == 0)
        ok = a > b;
    else if (strcmp(op, ">=") == 0)
        ok = a >= b;
    else {
        fprintf(stderr, "%s:%d: unknown operator %s\n", file, line, op);
        abort();
    }
    va_start(ap, fmt);
    tap_line(ok, fmt, ap);
    va_end(ap);
    if (!ok) {
        printf("#   at %s:%d\n", file, line);
        printf("#   check:    %s %s %s\n", ea, op, eb);
        if (strcmp(op, "==") == 0)
            printf("#   expected: %lld\n", b);
        else
            printf("#   expected: %s %lld\n", op, b);
        printf("#   actual:   %lld\n", a);
    }
    return ok;
}

static int check_str_(const char *a, const char *b, const char *ea,
                      const char *eb, const char *file, int line,
                      const char *fmt, ...) PRINTF_LIKE(7, 8);
static int check_str_(const char *a, const char *b, const char *ea,
                      const char *eb, const char *file, int line,
                      const char *fmt, ...)
{
    va_list ap;
    int ok = (a != NULL && b != NULL) ? strcmp(a, b) == 0 : a == b;

    va_start(ap, fmt);
    tap_line(ok, fmt, ap);
    va_end(ap);
    if (!ok) {
        printf("#   at %s:%d\n", file, line);
        printf("#   check:    strcmp(%s, %s) == 0\n", ea, eb);
        printf("#   expected: %s%s%s\n", b ? "\"" : "", b ? b : "NULL",
               b ? "\"" : "");
        printf("#   actual:   %s%s%s\n", a ? "\"" : "", a ? a : "NULL",
               a ? "\"" : "");
    }
    return ok;
}

/* errno check: actual must equal want1, or want2 when want2 != 0. */
static int check_errno_(int actual, int want1, int want2, const char *expr,
                        const char *file, int line, const char *fmt, ...)
    PRINTF_LIKE(7, 8);
static int check_errno_(int actual, int want1, int want2, const char *expr,
                        const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int ok = actual == want1 || (want2 != 0 && actual == want2);

    va_start(ap, fmt);
    tap_line(ok, fmt, ap);
    va_end(ap);
    if (!ok) {
        printf("#   at %s:%d\n", file, line);
        printf("#   check:    errno %s\n", expr);
        printf("#   expected: %d (%s)", want1, strerror(want1));
        if (want2 != 0)
            printf(" or %d (%s)", want2, strerror(want2));
        printf("\n#   actual:   %d (%s)\n", actual, strerror(actual));
    }
    return ok;
}

#define CHECK(cond, ...) \
    check_bool_(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(a, op, b, ...)                                            \
    check_int_((long long)(a), #op, (long long)(b), #a, #b, __FILE__,      \
               __LINE__, __VA_ARGS__)
#define CHECK_STR(a, b, ...) \
    check_str_((a), (b), #a, #b, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_ERRNO(e, want, ...) \
    check_errno_((e), (want), 0, #e, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_ERRNO2(e, want1, want2, ...) \
    check_errno_((e), (want1), (want2), #e, __FILE__, __LINE__, __VA_ARGS__)

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* Quotes s for a description, C-style escapes for control characters so
 * that a TAP line stays on one line ("NULL" for a null pointer); rotating
 * buffers so that a few can appear in one printf. */
static const char *q(const char *s)
{
    static char bufs[8][160];
    static int next;
    char *b = bufs[next++ & 7];
    size_t n = 0;

    if (s == NULL)
        return "NULL";
    b[n++] = '"';
    for (; *s != '\0' && n < sizeof bufs[0] - 6; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\n')
            n += (size_t)sprintf(b + n, "\\n");
        else if (c == '\t')
            n += (size_t)sprintf(b + n, "\\t");
        else if (c < 0x20 || c == 0x7f)
            n += (size_t)sprintf(b + n, "\\x%02x", c);
        else
            b[n++] = (char)c;
    }
    b[n++] = '"';
    b[n] = '\0';
    return b;
}

static long long elapsed_since(double t0)
{
    return (long long)(now_ms() - t0);
}

static void sleep_ms(long ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int is_cloexec(int fd)
{
    int f = fcntl(fd, F_GETFD);

    return f >= 0 && (f & FD_CLOEXEC) != 0;
}

static int is_nonblocking(int fd)
{
    int f = fcntl(fd, F_GETFL);

    return f >= 0 && (f & O_NONBLOCK) != 0;
}

/* Local port of a socket (IPv4 or IPv6), or -1. */
static int sock_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET) {
        struct sockaddr_in sin;

        memcpy(&sin, &ss, sizeof sin);
        return ntohs(sin.sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 sin6;

        memcpy(&sin6, &ss, sizeof sin6);
        return ntohs(sin6.sin6_port);
    }
    return -1;
}

static void fill_sin(struct sockaddr_in *sin, uint32_t host_order_addr,
                     int port)
{
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    sin->sin_addr.s_addr = htonl(host_order_addr);
}

/* TCP socket bound to 127.0.0.1:0 (not listening); *port gets the port. */
static int bound_v4(int reuse, int *port)
{
    struct sockaddr_in sin;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;

    if (fd < 0)
        return -1;
    fill_sin(&sin, INADDR_LOOPBACK, 0);
    if ((reuse && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
                             sizeof one) < 0) ||
        bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 ||
        (*port = sock_port(fd)) <= 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Connected loopback TCP pair made with tcp_listen/tcp_connect/accept.
 * rcvbuf > 0: SO_RCVBUF on the listener (inherited by the accepted end). */
static int tcp_pair(int *client, int *server, int rcvbuf)
{
    char portstr[8];
    int lfd, gai = 0;

    *client = *server = -1;
    lfd = tcp_listen("127.0.0.1", "0", 4, &gai);
    if (lfd < 0)
        return -1;
    if (rcvbuf > 0)
        (void)setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    snprintf(portstr, sizeof portstr, "%d", sock_port(lfd));
    *client = tcp_connect("127.0.0.1", portstr, 2000, &gai);
    if (*client >= 0)
        *server = accept(lfd, NULL, NULL);
    close(lfd);
    if (*client < 0 || *server < 0) {
        if (*client >= 0)
            close(*client);
        *client = *server = -1;
        return -1;
    }
    return 0;
}

static void close_pair(int *a, int *b)
{
    if (*a >= 0)
        close(*a);
    if (*b >= 0)
        close(*b);
    *a = *b = -1;
}

/* Open descriptors among 0..FD_SCAN-1, as a bitmap (fcntl F_GETFD probe). */
#define FD_SCAN 1024
static void fd_snapshot(unsigned char open_fds[FD_SCAN])
{
    int fd;

    for (fd = 0; fd < FD_SCAN; fd++)
        open_fds[fd] = fcntl(fd, F_GETFD) != -1;
}

/* Number of /proc/net/tcp entries with local port `port` in state `st`
 * (6 = TIME_WAIT), or -1 when /proc/net/tcp cannot be read. */
static int count_tcp_state(int port, unsigned st)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    char line[512];
    int count = 0;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned lport, state;

        if (sscanf(line, " %*[^:]: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
                   &lport, &state) == 2 &&
            (int)lport == port && state == st)
            count++;
    }
    fclose(f);
    return count;
}

/* Deterministic pseudo-random bytes (xorshift32). */
static void fill_pattern(unsigned char *buf, size_t len, uint32_t seed)
{
    uint32_t x = seed ? seed : 1;
    size_t i;

    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)(x >> 24);
    }
}

/* ------------------------------------------------------------------------ */
/* cli.c                                                                    */
/* ------------------------------------------------------------------------ */

static void test_parse_long(void)
{
    static const struct {
        const char *s;
        long min, max, want;
    } good[] = {
        {"0", 0, 10, 0},     {"42", 0, 100, 42},  {"007", 0, 100, 7},
        {"10", 10, 20, 10},  {"20", 10, 20, 20},  {"15", 10, 20, 15},
        {"5", -10, 10, 5},
    };
    struct {
        const char *s;
        long min, max;
    } bad[] = {
        {"", 0, 100},       {"-1", 0, 100},   {"+5", 0, 100},
        {" 5", 0, 100},     {"5 ", 0, 100},   {"5x", 0, 100},
        {"0x10", 0, 100},   {"\t5", 0, 100},  {"5\n", 0, 100},
        {"-0", 0, 100},     {"9", 10, 20},    {"21", 10, 20},
        {"99999999999999999999", 0, LONG_MAX},
        {NULL /* LONG_MAX + 1, filled below */, 0, LONG_MAX},
        {NULL, 0, 100},
    };
    char maxstr[32], overstr[32];
    size_t i, n = sizeof bad / sizeof bad[0];
    long v;
    int untouched = 1;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        v = -12345;
        CHECK_INT(parse_long(good[i].s, good[i].min, good[i].max, &v), ==, 0,
                  "parse_long(%s, %ld, %ld) accepted", q(good[i].s),
                  good[i].min, good[i].max);
        CHECK_INT(v, ==, good[i].want, "parse_long(%s) stores %ld",
                  q(good[i].s), good[i].want);
    }

    /* LONG_MAX itself is accepted; LONG_MAX + 1 (last digit 7 -> 8, true
     * for both 32- and 64-bit longs) overflows. */
    snprintf(maxstr, sizeof maxstr, "%ld", LONG_MAX);
    v = 0;
    CHECK_INT(parse_long(maxstr, 0, LONG_MAX, &v), ==, 0,
              "parse_long(%s) (LONG_MAX) accepted", q(maxstr));
    CHECK_INT(v, ==, LONG_MAX, "parse_long(%s) stores LONG_MAX", q(maxstr));
    strcpy(overstr, maxstr);
    overstr[strlen(overstr) - 1]++;
    bad[n - 2].s = overstr;

    for (i = 0; i < n; i++) {
        v = 4242;
        CHECK_INT(parse_long(bad[i].s, bad[i].min, bad[i].max, &v), ==, -1,
                  "parse_long(%s, %ld, %ld) rejected", q(bad[i].s),
                  bad[i].min, bad[i].max);
        if (v != 4242)
            untouched = 0;
    }
    CHECK(untouched, "parse_long leaves *out untouched when it rejects");
}

static void test_parse_port(void)
{
    static const char *const bad[] = {"65536", "80a", "-80", "",  "+80",
                                      " 80",   "80 ", "0x50", "99999999999999999999", NULL};
    size_t i;

    CHECK_INT(parse_port("1", 0), ==, 1, "parse_port(\"1\") == 1");
    CHECK_INT(parse_port("80", 0), ==, 80, "parse_port(\"80\") == 80");
    CHECK_INT(parse_port("65535", 0), ==, 65535,
              "parse_port(\"65535\") == 65535");
    CHECK_INT(parse_port("65535", 1), ==, 65535,
              "parse_port(\"65535\", allow_zero) == 65535");
    CHECK_INT(parse_port("0", 1), ==, 0,
              "parse_port(\"0\") == 0 with allow_zero");
    CHECK_INT(parse_port("0", 0), ==, -1,
              "parse_port(\"0\") rejected without allow_zero");
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(parse_port(bad[i], 0), ==, -1, "parse_port(%s) rejected",
                  q(bad[i]));
        CHECK_INT(parse_port(bad[i], 1), ==, -1,
                  "parse_port(%s, allow_zero) rejected", q(bad[i]));
    }
}

static void test_parse_timeout(void)
{
    static const struct {
        const char *s;
        long want;
    } good[] = {
        {"10", 10000},       {"0.5", 500},
        {"2.25", 2250},      {"1.0", 1000},
        {"1.999", 1999},     {"007.5", 7500},
        {"0.001", 1},        {"86400", 86400000L},
        {"86400.000", 86400000L},
        /* Contract: seconds > 0, result at least 1 ms. 0.0001 s is > 0, so
         * it is accepted and gives the minimum, 1 ms. */
        {"0.0001", 1},       {"0.0009", 1},
        {"0.00001", 1},      {"86400.0000", 86400000L},
    };
    static const char *const bad[] = {
        "0",     "0.0",   "0.000", "0.0000", "-1",        "abc",
        "1.",    ".5",    "1e3",   "86401",  "86400.001", "86400.0001",
        "nan",   "inf",   "",      "+1",     " 1",        "1 ",
        "1.2.3", "1,5",   "0x10",  "99999999999999999999",
        "100000", NULL,
    };
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        CHECK_INT(parse_timeout_ms(good[i].s), ==, good[i].want,
                  "parse_timeout_ms(%s) == %ld", q(good[i].s), good[i].want);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(parse_timeout_ms(bad[i]), ==, -1,
                  "parse_timeout_ms(%s) rejected", q(bad[i]));
}

static void test_parse_hostport(void)
{
    static const struct {
        const char *s, *host, *port;
    } good[] = {
        {"127.0.0.1:80", "127.0.0.1", "80"},
        {"localhost:8080", "localhost", "8080"},
        {"[::1]:443", "::1", "443"},
        {"[fe80::1%eth0]:22", "fe80::1%eth0", "22"},
        {"h:65535", "h", "65535"},
    };
    static const char *const bad[] = {
        "::1:80", "host",       "host:",  ":80",    "[::1]80",
        "[::1]",  "host:0",     "host:65536", "[]:80", "[::1",
        "host:80x", "host:-80", "host: 80", "",     NULL,
    };
    char host[64], port[8];
    char *h8, *p4;
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        memset(host, 'X', sizeof host);
        memset(port, 'X', sizeof port);
        if (CHECK_INT(parse_hostport(good[i].s, host, sizeof host, port,
                                     sizeof port),
                      ==, 0, "parse_hostport(%s) accepted", q(good[i].s))) {
            CHECK_STR(host, good[i].host, "parse_hostport(%s) host is %s",
                      q(good[i].s), q(good[i].host));
            CHECK_STR(port, good[i].port, "parse_hostport(%s) port is %s",
                      q(good[i].s), q(good[i].port));
        }
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(parse_hostport(bad[i], host, sizeof host, port, sizeof port),
                  ==, -1, "parse_hostport(%s) rejected", q(bad[i]));

    /* Exact-size heap buffers, so that valgrind sees any overflow. */
    h8 = malloc(8);
    p4 = malloc(4);
    if (!CHECK(h8 != NULL && p4 != NULL, "malloc for hostport buffers")) {
        free(h8);
        free(p4);
        return;
    }
    CHECK_INT(parse_hostport("abcdefgh:80", h8, 8, p4, 4), ==, -1,
              "parse_hostport rejects an 8-char host for an 8-byte buffer");
    CHECK_INT(parse_hostport("[1234:5678::1]:80", h8, 8, p4, 4), ==, -1,
              "parse_hostport rejects a bracketed host too long for the "
              "buffer");
    if (CHECK_INT(parse_hostport("abcdefg:80", h8, 8, p4, 4), ==, 0,
                  "parse_hostport accepts a 7-char host for an 8-byte "
                  "buffer"))
        CHECK_STR(h8, "abcdefg", "the 7-char host is copied whole");
    CHECK_INT(parse_hostport("h:4430", h8, 8, p4, 4), ==, -1,
              "parse_hostport rejects a port too long for the port buffer");
    CHECK_INT(parse_hostport("h:443", h8, 8, p4, 3), ==, -1,
              "parse_hostport rejects \"443\" for a 3-byte port buffer");
    if (CHECK_INT(parse_hostport("h:443", h8, 8, p4, 4), ==, 0,
                  "parse_hostport accepts \"443\" for a 4-byte port buffer"))
        CHECK_STR(p4, "443", "port \"443\" copied whole");
    free(h8);
    free(p4);
}

static long popcount_set(const unsigned char *set)
{
    long n = 0;
    size_t i;

    for (i = 0; i < PORT_SET_BYTES; i++) {
        unsigned b = set[i];

        while (b) {
            n += b & 1;
            b >>= 1;
        }
    }
    return n;
}

static void test_parse_port_list(void)
{
    static const char *const bad[] = {
        "",   ",",    "1,,2", "5-3",    "0",     "65536",  "1-",
        "-5", "a",    "1-2-3", "1,",    ",1",    "0-5",    "1-65536",
        " 1", "1 ",   "1;2",  "80,abc", NULL,
    };
    static const struct {
        int port, in;
    } members[] = {
        {0, 0},    {1, 1},    {2, 1},    {1024, 1}, {1025, 0},
        {8079, 0}, {8080, 1}, {8081, 0}, {8999, 0}, {9000, 1},
        {9050, 1}, {9100, 1}, {9101, 0}, {65535, 0},
    };
    unsigned char *set = malloc(PORT_SET_BYTES); /* heap: valgrind-checked */
    size_t i;
    long n;

    if (!CHECK(set != NULL, "malloc for the port set")) {
        free(set); /* NULL: for cppcheck, which cannot tell */
        return;
    }

    n = parse_port_list("1-1024,8080,9000-9100", set);
    CHECK_INT(n, ==, 1024 + 1 + 101,
              "parse_port_list(\"1-1024,8080,9000-9100\") count");
    CHECK_INT(popcount_set(set), ==, 1024 + 1 + 101,
              "bits set in the port set match the count");
    for (i = 0; i < sizeof members / sizeof members[0]; i++)
        CHECK_INT(PORT_SET_HAS(set, members[i].port), ==, members[i].in,
                  "port %d %s the set", members[i].port,
                  members[i].in ? "is in" : "is not in");

    CHECK_INT(parse_port_list("1-10,5-15,10", set), ==, 15,
              "overlapping ranges \"1-10,5-15,10\" counted once");
    CHECK_INT(popcount_set(set), ==, 15, "15 bits set after overlap");
    CHECK_INT(parse_port_list("80,80", set), ==, 1,
              "duplicate \"80,80\" counted once");

    memset(set, 0xff, PORT_SET_BYTES);
    CHECK_INT(parse_port_list("443", set), ==, 1, "parse_port_list(\"443\")");
    CHECK_INT(popcount_set(set), ==, 1,
              "the set is cleared first (one bit left after \"443\")");
    CHECK_INT(PORT_SET_HAS(set, 443), ==, 1, "443 in the set");

    n = parse_port_list("1-65535", set);
    CHECK_INT(n, ==, 65535, "parse_port_list(\"1-65535\") count");
    CHECK_INT(PORT_SET_HAS(set, 65535), ==, 1, "65535 in the full set");
    CHECK_INT(PORT_SET_HAS(set, 0), ==, 0, "0 never in the full set");
    CHECK_INT(parse_port_list("65535", set), ==, 1,
              "parse_port_list(\"65535\")");

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(parse_port_list(bad[i], set), ==, -1,
                  "parse_port_list(%s) rejected", q(bad[i]));
    free(set);
}

/* ------------------------------------------------------------------------ */
/* net.c: pure functions                                                    */
/* ------------------------------------------------------------------------ */

static void test_sockaddr_str(void)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    char buf[ADDR_STR_LEN], small[11];
    char *r;

    fill_sin(&sin, 0x01020304u, 80);
    r = sockaddr_str((struct sockaddr *)&sin, sizeof sin, buf, sizeof buf);
    CHECK_STR(buf, "1.2.3.4:80", "sockaddr_str(IPv4 1.2.3.4 port 80)");
    CHECK(r == buf, "sockaddr_str returns buf");

    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(443);
    sin6.sin6_addr.s6_addr[15] = 1;
    sockaddr_str((struct sockaddr *)&sin6, sizeof sin6, buf, sizeof buf);
    CHECK_STR(buf, "[::1]:443", "sockaddr_str(IPv6 ::1 port 443)");

    sin6.sin6_port = htons(65535);
    sin6.sin6_addr.s6_addr[0] = 0x20;
    sin6.sin6_addr.s6_addr[1] = 0x01;
    sin6.sin6_addr.s6_addr[2] = 0x0d;
    sin6.sin6_addr.s6_addr[3] = 0xb8;
    sockaddr_str((struct sockaddr *)&sin6, sizeof sin6, buf, sizeof buf);
    CHECK_STR(buf, "[2001:db8::1]:65535",
              "sockaddr_str(IPv6 2001:db8::1 port 65535)");

    /* "1.2.3.4:80" is 10 chars: 11 bytes fit, 10 do not. */
    sockaddr_str((struct sockaddr *)&sin, sizeof sin, small, sizeof small);
    CHECK_STR(small, "1.2.3.4:80", "sockaddr_str fits exactly in 11 bytes");
    r = sockaddr_str((struct sockaddr *)&sin, sizeof sin, small, 10);
    CHECK_STR(small, "?", "sockaddr_str into a too small buffer gives \"?\"");
    CHECK(r == small, "sockaddr_str returns buf on failure too");

    /* Truncated address (length too short for the family): "?". */
    sockaddr_str((struct sockaddr *)&sin, 4, buf, sizeof buf);
    CHECK_STR(buf, "?", "sockaddr_str of a truncated sockaddr gives \"?\"");

    CHECK_STR(sock_local_str(-1, buf, sizeof buf), "?",
              "sock_local_str on a bad fd gives \"?\"");
    CHECK_STR(sock_peer_str(-1, buf, sizeof buf), "?",
              "sock_peer_str on a bad fd gives \"?\"");
}

static void test_strerror(void)
{
    CHECK_STR(net_strerror(ECONNREFUSED), "connexion refusée",
              "net_strerror(ECONNREFUSED)");
    CHECK_STR(net_strerror(ETIMEDOUT), "délai dépassé",
              "net_strerror(ETIMEDOUT)");
    CHECK_STR(net_strerror(EADDRINUSE), "adresse déjà utilisée",
              "net_strerror(EADDRINUSE)");
    CHECK_STR(net_strerror(ENOSPC), "plus de place sur le périphérique",
              "net_strerror(ENOSPC) in French (>/dev/full)");
    CHECK_STR(net_strerror(EMSGSIZE), "message trop long pour un datagramme",
              "net_strerror(EMSGSIZE): a UDP message over 65507 bytes");
    CHECK_STR(net_strerror(987654), "erreur système",
              "net_strerror(unknown errno): French, never strerror()");
    CHECK_STR(net_gai_strerror(EAI_NONAME), "nom ou service inconnu",
              "net_gai_strerror(EAI_NONAME)");
    CHECK_STR(net_gai_strerror(-98765), "erreur de résolution de nom",
              "net_gai_strerror(unknown code): French, never gai_strerror()");
}

/* ------------------------------------------------------------------------ */
/* net.c: sockets                                                           */
/* ------------------------------------------------------------------------ */

/* Listen on host:0, connect, accept, compare the addresses. */
static void listen_connect_accept(const char *host, const char *prefix)
{
    char lstr[ADDR_STR_LEN], cstr[ADDR_STR_LEN], pstr[ADDR_STR_LEN];
    char portstr[8], msg[8];
    int lfd, cfd, afd, gai = 0, port;
    ssize_t n;

    lfd = tcp_listen(host, "0", 8, &gai);
    if (!CHECK_INT(lfd, >=, 0, "tcp_listen(%s, \"0\") returns an fd", q(host)))
        return;
    CHECK(is_cloexec(lfd), "listening fd on %s is close-on-exec", host);
    CHECK(!is_nonblocking(lfd), "listening fd on %s is blocking", host);
    sock_local_str(lfd, lstr, sizeof lstr);
    port = sock_port(lfd);
    CHECK_INT(port, >, 0, "port 0 on %s picked a real port", host);
    snprintf(portstr, sizeof portstr, "%d", port);
    snprintf(pstr, sizeof pstr, "%s%d", prefix, port);
    CHECK_STR(lstr, pstr, "sock_local_str of the listener on %s", host);

    cfd = tcp_connect(host, portstr, 2000, &gai);
    if (!CHECK_INT(cfd, >=, 0, "tcp_connect(%s, %s) succeeds", q(host),
                   q(portstr))) {
        close(lfd);
        return;
    }
    CHECK(is_cloexec(cfd), "connected fd is close-on-exec");
    CHECK(!is_nonblocking(cfd), "connected fd is blocking again");
    afd = accept(lfd, NULL, NULL);
    if (CHECK_INT(afd, >=, 0, "accept() on the %s listener", host)) {
        sock_local_str(cfd, cstr, sizeof cstr);
        sock_peer_str(afd, pstr, sizeof pstr);
        CHECK_STR(pstr, cstr,
                  "peer of the accepted socket == local end of the client");
        CHECK(strncmp(cstr, prefix, strlen(prefix)) == 0,
              "client local address %s starts with %s", cstr, prefix);
        sock_peer_str(cfd, pstr, sizeof pstr);
        CHECK_STR(pstr, lstr, "peer of the client == the listener address");
        n = send_all(cfd, "ping", 4, 1000);
        CHECK_INT(n, ==, 4, "send_all over the %s connection", host);
        memset(msg, 0, sizeof msg);
        n = recv_timeout(afd, msg, sizeof msg - 1, 1000);
        CHECK_INT(n, ==, 4, "recv_timeout gets the 4 bytes");
        CHECK_STR(msg, "ping", "bytes received intact");
        close(afd);
    }
    close(cfd);
    close(lfd);
}

static void test_tcp_v4(void)
{
    listen_connect_accept("127.0.0.1", "127.0.0.1:");
}

static void test_tcp_v6(void)
{
    struct sockaddr_in6 sin6;
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), e;

    if (fd < 0) {
        e = errno;
        if (e == EAFNOSUPPORT) {
            tap_skip("ipv6 indisponible");
            return;
        }
        CHECK_ERRNO(e, 0, "socket(AF_INET6) for the IPv6 probe");
        return;
    }
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = in6addr_loopback;
    if (bind(fd, (struct sockaddr *)&sin6, sizeof sin6) < 0) {
        e = errno;
        close(fd);
        if (e == EADDRNOTAVAIL || e == EAFNOSUPPORT) {
            tap_skip("ipv6 indisponible");
            return;
        }
        CHECK_ERRNO(e, 0, "bind([::1]:0) for the IPv6 probe");
        return;
    }
    close(fd);
    listen_connect_accept("::1", "[::1]:");
}

static void test_addrinuse(void)
{
    char portstr[8];
    int l1, l2, gai = 0, e;

    l1 = tcp_listen("127.0.0.1", "0", 4, &gai);
    if (!CHECK_INT(l1, >=, 0, "first tcp_listen for the EADDRINUSE test"))
        return;
    snprintf(portstr, sizeof portstr, "%d", sock_port(l1));
    errno = 0;
    l2 = tcp_listen("127.0.0.1", portstr, 4, &gai);
    e = errno;
    CHECK_INT(l2, ==, -1, "second tcp_listen on port %s fails", portstr);
    CHECK_ERRNO(e, EADDRINUSE, "second tcp_listen fails with EADDRINUSE");
    if (l2 >= 0)
        close(l2);
    close(l1);
}

static void test_reuseaddr_timewait(void)
{
    char portstr[8], c;
    int lfd, cfd, afd, raw, port, gai = 0, e, i, tw = -1;
    ssize_t n;
    struct sockaddr_in sin;

    lfd = tcp_listen("127.0.0.1", "0", 4, &gai);
    if (!CHECK_INT(lfd, >=, 0, "tcp_listen for the TIME_WAIT test"))
        return;
    port = sock_port(lfd);
    snprintf(portstr, sizeof portstr, "%d", port);
    cfd = tcp_connect("127.0.0.1", portstr, 2000, &gai);
    afd = cfd >= 0 ? accept(lfd, NULL, NULL) : -1;
    if (!CHECK(cfd >= 0 && afd >= 0, "connection for the TIME_WAIT test")) {
        close_pair(&cfd, &afd);
        close(lfd);
        return;
    }
    close(afd); /* the server closes first: TIME_WAIT will be on its side */
    n = recv_timeout(cfd, &c, 1, 2000);
    CHECK_INT(n, ==, 0, "client sees the server's FIN (EOF)");
    close(cfd);
    close(lfd);

    /* Control: a TIME_WAIT entry exists on the server port. */
    for (i = 0; i < 100; i++) {
        tw = count_tcp_state(port, 6);
        if (tw != 0)
            break;
        sleep_ms(10);
    }
    if (tw < 0)
        tap_skip("/proc/net/tcp illisible (contrôle TIME_WAIT)");
    else
        CHECK_INT(tw, >=, 1, "a TIME_WAIT socket exists on port %d", port);

    /* Control: a plain bind() without SO_REUSEADDR is refused, so the next
     * check really depends on tcp_listen setting SO_REUSEADDR. */
    raw = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (raw >= 0) {
        fill_sin(&sin, INADDR_LOOPBACK, port);
        errno = 0;
        i = bind(raw, (struct sockaddr *)&sin, sizeof sin);
        e = errno;
        CHECK_INT(i, ==, -1, "control: bind without SO_REUSEADDR refused");
        CHECK_ERRNO(e, EADDRINUSE, "control: ... with EADDRINUSE");
        close(raw);
    }

    errno = 0;
    lfd = tcp_listen("127.0.0.1", portstr, 4, &gai);
    e = errno;
    if (CHECK_INT(lfd, >=, 0,
                  "tcp_listen again on port %s despite TIME_WAIT "
                  "(SO_REUSEADDR)",
                  portstr)) {
        CHECK_INT(sock_port(lfd), ==, port, "the new listener has port %d",
                  port);
        close(lfd);
    } else {
        printf("#   errno: %d (%s)\n", e, strerror(e));
    }
}

static void test_refused(void)
{
    char portstr[8];
    int bfd, port, fd, gai = 0, e, s;
    double t0;
    long long el;
    struct sockaddr_in sin;

    bfd = bound_v4(0, &port); /* reserves the port; no listen() */
    if (!CHECK_INT(bfd, >=, 0, "bound socket to reserve a closed port"))
        return;
    snprintf(portstr, sizeof portstr, "%d", port);

    t0 = now_ms();
    errno = 0;
    fd = tcp_connect("127.0.0.1", portstr, 2000, &gai);
    e = errno;
    el = elapsed_since(t0);
    CHECK_INT(fd, ==, -1, "tcp_connect to a closed port fails");
    CHECK_ERRNO(e, ECONNREFUSED, "tcp_connect to a closed port: ECONNREFUSED");
    CHECK_INT(el, <, 1000, "refusal is fast (ms)");
    if (fd >= 0)
        close(fd);

    /* Negative timeout: no limit, still refused at once. */
    t0 = now_ms();
    errno = 0;
    fd = tcp_connect("127.0.0.1", portstr, -1, &gai);
    e = errno;
    el = elapsed_since(t0);
    CHECK_INT(fd, ==, -1, "tcp_connect without time limit to a closed port");
    CHECK_ERRNO(e, ECONNREFUSED, "... fails with ECONNREFUSED");
    CHECK_INT(el, <, 1000, "... fast (ms)");
    if (fd >= 0)
        close(fd);

    /* connect_timeout directly, on our own socket. */
    s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
        fill_sin(&sin, INADDR_LOOPBACK, port);
        errno = 0;
        fd = connect_timeout(s, (struct sockaddr *)&sin, sizeof sin, 1000);
        e = errno;
        CHECK_INT(fd, ==, -1, "connect_timeout to a closed port fails");
        CHECK_ERRNO(e, ECONNREFUSED, "connect_timeout: ECONNREFUSED");
        close(s);
    }
    close(bfd);
}

static void test_connect_timeout(void)
{
    struct sockaddr_in sin;
    char portstr[8];
    int lfd, filler, fd, port, gai = 0, e, rc;
    double t0;
    long long el;

    lfd = bound_v4(0, &port);
    if (!CHECK(lfd >= 0 && listen(lfd, 0) == 0,
               "black hole listener (backlog 0)")) {
        if (lfd >= 0)
            close(lfd);
        return;
    }
    /* Fill the accept queue with one connection that is never accepted. */
    filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    fill_sin(&sin, INADDR_LOOPBACK, port);
    rc = filler >= 0 ? connect_timeout(filler, (struct sockaddr *)&sin,
                                       sizeof sin, 2000)
                     : -1;
    if (!CHECK_INT(rc, ==, 0, "filler connection fills the accept queue")) {
        if (filler >= 0)
            close(filler);
        close(lfd);
        return;
    }
    snprintf(portstr, sizeof portstr, "%d", port);
    t0 = now_ms();
    errno = 0;
    fd = tcp_connect("127.0.0.1", portstr, 300, &gai);
    e = errno;
    el = elapsed_since(t0);
    CHECK_INT(fd, ==, -1, "tcp_connect to a black hole fails");
    CHECK_ERRNO(e, ETIMEDOUT, "tcp_connect to a black hole: ETIMEDOUT");
    CHECK_INT(el, >=, 250, "the 300 ms timeout was waited (ms)");
    CHECK_INT(el, <=, 1500, "the 300 ms timeout was not overrun (ms)");
    if (fd >= 0)
        close(fd);
    close(filler);
    close(lfd);
}

static void test_resolve_error(void)
{
    int fd, gai = 0;
    const char *s;

    /* Numeric host + unknown service: fails in getaddrinfo without any DNS
     * query (services come from /etc/services). */
    fd = tcp_connect("127.0.0.1", "no-such-service-xyz", 500, &gai);
    CHECK_INT(fd, ==, NET_ERR_RESOLVE,
              "tcp_connect with an unknown service: NET_ERR_RESOLVE");
    CHECK_INT(gai, !=, 0, "gai_err is set");
    s = net_gai_strerror(gai);
    CHECK(s != NULL && s[0] != '\0', "net_gai_strerror(%d) non-empty: %s",
          gai, s ? s : "(null)");
    if (fd >= 0)
        close(fd);

    fd = tcp_connect("127.0.0.1", "no-such-service-xyz", 500, NULL);
    CHECK_INT(fd, ==, NET_ERR_RESOLVE,
              "tcp_connect with gai_err NULL: NET_ERR_RESOLVE, no crash");
    if (fd >= 0)
        close(fd);

    gai = 0;
    fd = tcp_listen("127.0.0.1", "no-such-service-xyz", 4, &gai);
    CHECK_INT(fd, ==, NET_ERR_RESOLVE,
              "tcp_listen with an unknown service: NET_ERR_RESOLVE");
    CHECK_INT(gai, !=, 0, "tcp_listen sets gai_err");
    if (fd >= 0)
        close(fd);
}

static void test_self_connect(void)
{
    struct sockaddr_in sin;
    char a[ADDR_STR_LEN], b[ADDR_STR_LEN];
    int fd, port, rc, e;

    /* Control: the kernel really lets such a socket connect to itself
     * (TCP simultaneous open), so the refusal below comes from the helper. */
    fd = bound_v4(1, &port);
    if (CHECK_INT(fd, >=, 0, "control socket bound to 127.0.0.1:0")) {
        fill_sin(&sin, INADDR_LOOPBACK, port);
        rc = connect(fd, (struct sockaddr *)&sin, sizeof sin);
        CHECK_INT(rc, ==, 0, "control: a raw connect() to itself succeeds");
        if (rc == 0)
            CHECK_STR(sock_peer_str(fd, b, sizeof b),
                      sock_local_str(fd, a, sizeof a),
                      "control: peer == local (self-connected)");
        close(fd);
    }

    fd = bound_v4(1, &port);
    if (!CHECK_INT(fd, >=, 0, "socket bound to 127.0.0.1:P for self-connect"))
        return;
    fill_sin(&sin, INADDR_LOOPBACK, port);
    errno = 0;
    rc = connect_timeout(fd, (struct sockaddr *)&sin, sizeof sin, 500);
    e = errno;
    CHECK_INT(rc, ==, -1, "connect_timeout to itself (port %d) fails", port);
    CHECK_ERRNO(e, ECONNREFUSED, "self-connection counts as ECONNREFUSED");
    close(fd);
}

/* ------------------------------------------------------------------------ */
/* io.c                                                                     */
/* ------------------------------------------------------------------------ */

static void test_now_ms(void)
{
    struct timespec ts;
    double t1, t2, t3, ref;

    t1 = now_ms();
    t2 = now_ms();
    CHECK(t2 >= t1, "now_ms never goes back (%.3f then %.3f)", t1, t2);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ref = (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
    CHECK_INT((long long)(ref - t2), <, 50,
              "now_ms is CLOCK_MONOTONIC in milliseconds (difference, ms)");
    CHECK_INT((long long)(ref - t2), >=, 0,
              "now_ms is not ahead of CLOCK_MONOTONIC (difference, ms)");
    sleep_ms(50);
    t3 = now_ms();
    CHECK_INT((long long)(t3 - t2), >=, 45,
              "now_ms advances across a 50 ms nanosleep (ms)");
    CHECK_INT((long long)(t3 - t2), <, 1000,
              "now_ms does not jump across a 50 ms nanosleep (ms)");
}

static void test_wait_fd(void)
{
    int sv[2];
    double t0;
    long long el;
    char c;
    int rc;

    if (!CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0,
                   "socketpair for wait_fd"))
        return;
    t0 = now_ms();
    rc = wait_fd(sv[0], POLLIN, 50);
    el = elapsed_since(t0);
    CHECK_INT(rc, ==, 0, "wait_fd on an idle socket times out with 0");
    CHECK_INT(el, >=, 45, "wait_fd waited the 50 ms (ms)");
    CHECK_INT(el, <, 1000, "wait_fd did not wait much longer (ms)");
    CHECK_INT(wait_fd(sv[0], POLLIN, 0), ==, 0,
              "wait_fd with timeout 0 on an idle socket returns 0");
    CHECK_INT(wait_fd(sv[0], POLLOUT, 0), ==, 1,
              "wait_fd(POLLOUT) on a fresh socket returns 1");
    CHECK_INT(write(sv[1], "x", 1), ==, 1, "write one byte to the peer");
    t0 = now_ms();
    rc = wait_fd(sv[0], POLLIN, 1000);
    el = elapsed_since(t0);
    CHECK_INT(rc, ==, 1, "wait_fd on a readable socket returns 1");
    CHECK_INT(el, <, 100, "... at once (ms)");
    CHECK_INT(wait_fd(sv[0], POLLIN, -1), ==, 1,
              "wait_fd with no limit on a readable socket returns 1");
    CHECK_INT(read(sv[0], &c, 1), ==, 1, "drain the byte");
    close(sv[1]);
    sv[1] = -1;
    CHECK_INT(wait_fd(sv[0], POLLIN, 1000), ==, 1,
              "wait_fd reports a hang-up as ready");
    close(sv[0]);
}

static void test_recv_timeout(void)
{
    int sv[2];
    double t0;
    long long el;
    char buf[16];
    ssize_t n;
    int e;

    if (!CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0,
                   "socketpair for recv_timeout"))
        return;
    t0 = now_ms();
    errno = 0;
    n = recv_timeout(sv[0], buf, sizeof buf, 100);
    e = errno;
    el = elapsed_since(t0);
    CHECK_INT(n, ==, -1, "recv_timeout on an idle socket fails");
    CHECK_ERRNO(e, ETIMEDOUT, "recv_timeout on an idle socket: ETIMEDOUT");
    CHECK_INT(el, >=, 95, "recv_timeout waited about 100 ms (ms)");
    CHECK_INT(el, <, 600, "recv_timeout waited not much more (ms)");

    CHECK_INT(write(sv[1], "hello", 5), ==, 5, "peer writes \"hello\"");
    memset(buf, 0, sizeof buf);
    n = recv_timeout(sv[0], buf, sizeof buf - 1, 1000);
    CHECK_INT(n, ==, 5, "recv_timeout returns the 5 bytes available");
    CHECK_STR(buf, "hello", "recv_timeout data");
    CHECK_INT(write(sv[1], "abcdef", 6), ==, 6, "peer writes 6 bytes");
    n = recv_timeout(sv[0], buf, 4, 1000);
    CHECK_INT(n, ==, 4, "recv_timeout never returns more than len");
    n = recv_timeout(sv[0], buf, 4, 1000);
    CHECK_INT(n, ==, 2, "recv_timeout returns the remaining 2 bytes");

    close(sv[1]);
    t0 = now_ms();
    n = recv_timeout(sv[0], buf, sizeof buf, 1000);
    el = elapsed_since(t0);
    CHECK_INT(n, ==, 0, "recv_timeout returns 0 at end of stream");
    CHECK_INT(el, <, 100, "... at once (ms)");
    close(sv[0]);
}

struct sender {
    int fd;
    const unsigned char *buf;
    size_t len;
    int timeout_ms;
    ssize_t rc;
    int err;
};

static void *sender_main(void *arg)
{
    struct sender *s = arg;

    errno = 0;
    s->rc = send_all(s->fd, s->buf, s->len, s->timeout_ms);
    s->err = errno;
    shutdown(s->fd, SHUT_WR); /* the reader then sees EOF */
    return NULL;
}

/* send_all LEN bytes on wfd from a thread, read them on rfd here. */
static void transfer(int wfd, int rfd, const char *what)
{
    const size_t len = 4u << 20; /* 4 MiB */
    unsigned char *out = malloc(len), *in = malloc(len);
    struct sender s;
    pthread_t th;
    size_t got = 0, i;
    ssize_t n = 0;
    int e = 0;
    unsigned char extra;

    if (!CHECK(out != NULL && in != NULL, "malloc 2 x 4 MiB (%s)", what)) {
        free(out);
        free(in);
        return;
    }
    fill_pattern(out, len, 0x1234567u);
    memset(in, 0, len);
    s.fd = wfd;
    s.buf = out;
    s.len = len;
    s.timeout_ms = 5000;
    s.rc = -2;
    s.err = 0;
    if (!CHECK_INT(pthread_create(&th, NULL, sender_main, &s), ==, 0,
                   "start the sender thread (%s)", what)) {
        free(out);
        free(in);
        return;
    }
    while (got < len) {
        size_t chunk = len - got < 65536 ? len - got : 65536;

        n = recv_timeout(rfd, in + got, chunk, 5000);
        if (n <= 0) {
            e = errno;
            break;
        }
        got += (size_t)n;
    }
    if (got == len) {
        n = recv_timeout(rfd, &extra, 1, 5000); /* expect EOF */
        e = errno;
    }
    pthread_join(th, NULL);

    CHECK_INT(s.rc, ==, (long long)len, "send_all sent 4 MiB (%s)", what);
    if (s.rc < 0)
        printf("#   send_all errno: %d (%s)\n", s.err, strerror(s.err));
    CHECK_INT(got, ==, len, "recv_timeout received 4 MiB (%s)", what);
    if (got < len && n < 0)
        printf("#   recv_timeout errno: %d (%s)\n", e, strerror(e));
    for (i = 0; i < got && in[i] == out[i]; i++)
        ;
    CHECK_INT(i, ==, got, "received bytes identical to the sent ones (%s; "
                          "first difference at this offset)",
              what);
    CHECK_INT(n, ==, 0, "recv_timeout returns 0 after the last byte (%s)",
              what);
    free(out);
    free(in);
}

static void test_transfer(void)
{
    int sv[2], c, s;

    if (CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0,
                  "socketpair for the 4 MiB transfer")) {
        transfer(sv[0], sv[1], "AF_UNIX socketpair");
        close_pair(&sv[0], &sv[1]);
    }
    if (CHECK_INT(tcp_pair(&c, &s, 0), ==, 0,
                  "loopback TCP pair for the 4 MiB transfer")) {
        transfer(c, s, "TCP loopback");
        close_pair(&c, &s);
    }
}

static void test_send_closed_peer(void)
{
    struct sigaction cur;
    int sv[2], c, s, e = 0, i;
    ssize_t rc = 0;
    char ch;

    /* The check is only meaningful if SIGPIPE would kill us. */
    sigaction(SIGPIPE, NULL, &cur);
    CHECK(cur.sa_handler == SIG_DFL,
          "SIGPIPE has its default (fatal) action before the send tests");

    if (CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0,
                  "socketpair for send_all to a closed peer")) {
        close(sv[1]);
        errno = 0;
        rc = send_all(sv[0], "data", 4, 1000);
        e = errno;
        CHECK_INT(rc, ==, -1, "send_all to a closed AF_UNIX peer fails");
        CHECK_ERRNO2(e, EPIPE, ECONNRESET,
                     "send_all to a closed AF_UNIX peer: EPIPE/ECONNRESET");
        close(sv[0]);
    }

    if (CHECK_INT(tcp_pair(&c, &s, 0), ==, 0,
                  "TCP pair for send_all to a closed peer")) {
        close(s);
        s = -1;
        CHECK_INT(recv_timeout(c, &ch, 1, 2000), ==, 0,
                  "client sees the TCP peer's FIN");
        /* The first send makes the peer answer RST; a later one fails. */
        for (i = 0; i < 100; i++) {
            errno = 0;
            rc = send_all(c, "data", 4, 1000);
            e = errno;
            if (rc < 0)
                break;
            sleep_ms(10);
        }
        CHECK_INT(rc, ==, -1, "send_all to a closed TCP peer fails");
        CHECK_ERRNO2(e, EPIPE, ECONNRESET,
                     "send_all to a closed TCP peer: EPIPE/ECONNRESET");
        close(c);
    }
    CHECK(1, "still alive: send_all raised no SIGPIPE");
}

static void test_send_timeout(void)
{
    const size_t len = 4u << 20;
    unsigned char *buf = malloc(len);
    int c, s, small = 4096, e;
    double t0;
    long long el;
    ssize_t rc;

    if (!CHECK(buf != NULL, "malloc 4 MiB for the send timeout test")) {
        free(buf); /* NULL: for cppcheck, which cannot tell */
        return;
    }
    memset(buf, 'z', len);
    if (!CHECK_INT(tcp_pair(&c, &s, small), ==, 0,
                   "TCP pair with a small receive buffer")) {
        free(buf);
        return;
    }
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    t0 = now_ms();
    errno = 0;
    rc = send_all(c, buf, len, 200);
    e = errno;
    el = elapsed_since(t0);
    CHECK_INT(rc, ==, -1, "send_all to a peer that never reads fails");
    CHECK_ERRNO(e, ETIMEDOUT, "send_all to a peer that never reads: ETIMEDOUT");
    CHECK_INT(el, >=, 190, "send_all waited the 200 ms for space (ms)");
    CHECK_INT(el, <=, 1200, "send_all gave up within about 1 s (ms)");
    close_pair(&c, &s);
    free(buf);
}

struct reader {
    int fd;
    unsigned char *buf;
    size_t cap, got;
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    ssize_t n;

    for (;;) {
        n = read(r->fd, r->buf + r->got, r->cap - r->got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (r->got += (size_t)n) == r->cap)
            break;
    }
    return NULL;
}

static void test_write_all(void)
{
    const size_t len = 256u * 1024; /* several pipe buffers */
    unsigned char *out = malloc(len), *in = malloc(len + 1);
    struct reader r;
    pthread_t th;
    int p[2], e;
    ssize_t n;

    if (!CHECK(out != NULL && in != NULL, "malloc for write_all")) {
        free(out);
        free(in);
        return;
    }
    if (!CHECK_INT(pipe(p), ==, 0, "pipe for write_all")) {
        free(out);
        free(in);
        return;
    }
    fill_pattern(out, len, 42);
    r.fd = p[0];
    r.buf = in;
    r.cap = len + 1; /* one extra byte: would catch duplicated data */
    r.got = 0;
    if (CHECK_INT(pthread_create(&th, NULL, reader_main, &r), ==, 0,
                  "start the pipe reader thread")) {
        n = write_all(p[1], out, len);
        CHECK_INT(n, ==, (long long)len, "write_all returns len (256 KiB)");
        CHECK_INT(write_all(p[1], out, 0), ==, 0, "write_all of 0 bytes");
        close(p[1]);
        p[1] = -1;
        pthread_join(th, NULL);
        CHECK_INT(r.got, ==, len, "all bytes arrived through the pipe");
        CHECK(memcmp(in, out, len) == 0, "pipe bytes identical");
    }
    close_pair(&p[0], &p[1]);

    /* Errors are reported: writing to the read end of a pipe is EBADF. */
    if (CHECK_INT(pipe(p), ==, 0, "second pipe for write_all")) {
        errno = 0;
        n = write_all(p[0], "x", 1);
        e = errno;
        CHECK_INT(n, ==, -1, "write_all to the read end of a pipe fails");
        CHECK_ERRNO(e, EBADF, "write_all to the read end of a pipe: EBADF");
        close_pair(&p[0], &p[1]);
    }
    free(out);
    free(in);
}

/* ------------------------------------------------------------------------ */
/* Stop handling                                                            */
/* ------------------------------------------------------------------------ */

struct child_result {
    int rc, err, stopped, setup;
    long long elapsed;
};

/* In a child process (the stop is sticky and process-wide): a wait_fd()
 * already blocked when SIGTERM arrives must return -1/EINTR at once. */
static void test_stop_wakes_blocked_wait(void)
{
    struct child_result r;
    int res[2], rdy[2], status = 0;
    pid_t pid;
    char c;
    ssize_t n;
    double t0;

    if (!CHECK(pipe(res) == 0, "result pipe for the child"))
        return;
    if (!CHECK(pipe(rdy) == 0, "ready pipe for the child")) {
        close_pair(&res[0], &res[1]);
        return;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        int sv[2], fd;
        double start;

        close(res[0]);
        close(rdy[0]);
        memset(&r, 0, sizeof r);
        r.rc = -2;
        r.setup = stop_setup();
        if (r.setup == 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
            (void)!write(rdy[1], "r", 1);
            start = now_ms();
            errno = 0;
            r.rc = wait_fd(sv[0], POLLIN, 5000);
            r.err = errno;
            r.elapsed = (long long)(now_ms() - start);
            r.stopped = stop_requested();
            close(sv[0]);
            close(sv[1]);
        }
        (void)!write(res[1], &r, sizeof r);
        /* Close everything, stop self-pipe included, so that the child's
         * own valgrind fd report stays empty; the parent's stop pipe is
         * not affected (it does not exist yet). */
        for (fd = 3; fd < FD_SCAN; fd++)
            close(fd);
        _exit(0);
    }
    close(res[1]);
    close(rdy[1]);
    if (!CHECK_INT(pid, >, 0, "fork for the blocked-wait stop test")) {
        close(res[0]);
        close(rdy[0]);
        return;
    }
    t0 = now_ms();
    n = wait_fd(rdy[0], POLLIN, 10000) == 1 ? read(rdy[0], &c, 1) : -1;
    CHECK_INT(n, ==, 1, "child ready");
    sleep_ms(150); /* let the child block in poll() */
    kill(pid, SIGTERM);
    memset(&r, 0, sizeof r);
    n = wait_fd(res[0], POLLIN, 10000) == 1 ? read(res[0], &r, sizeof r) : -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child survived SIGTERM and exited 0 (status 0x%x)", status);
    CHECK_INT(n, ==, (long long)sizeof r, "child result received");
    CHECK_INT(r.setup, ==, 0, "stop_setup() in the child returns 0");
    CHECK_INT(r.rc, ==, -1, "blocked wait_fd interrupted by SIGTERM fails");
    CHECK_ERRNO(r.err, EINTR, "blocked wait_fd interrupted: EINTR");
    CHECK_INT(r.elapsed, <, 2000,
              "blocked wait_fd(5000 ms) returned soon after SIGTERM (ms)");
    CHECK(r.stopped, "stop_requested() != 0 in the child");
    CHECK_INT(elapsed_since(t0), <, 4000, "whole child test took < 4 s (ms)");
    close(res[0]);
    close(rdy[0]);
}

static void test_stop(void)
{
    struct sigaction sa;
    unsigned char before[FD_SCAN], after[FD_SCAN];
    int sv[2], fd, added = 0, cloexec = 1, e, rc;
    double t0;
    long long el;
    ssize_t n;
    char buf[4];

    fd_snapshot(before);
    CHECK_INT(stop_setup(), ==, 0, "stop_setup() returns 0");
    fd_snapshot(after);
    for (fd = 0; fd < FD_SCAN; fd++)
        if (after[fd] && !before[fd]) {
            added++;
            cloexec &= is_cloexec(fd);
        }
    CHECK_INT(added, <=, 2, "stop_setup() opens at most 2 fds (self-pipe)");
    CHECK(cloexec, "the fds opened by stop_setup() are close-on-exec");
    CHECK_INT(stop_setup(), ==, 0, "stop_setup() again returns 0");
    fd_snapshot(before);
    CHECK(memcmp(before, after, sizeof after) == 0,
          "a second stop_setup() opens no new fd");

    sigaction(SIGPIPE, NULL, &sa);
    CHECK(sa.sa_handler == SIG_IGN, "stop_setup() ignores SIGPIPE");
    sigaction(SIGTERM, NULL, &sa);
    CHECK(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN,
          "stop_setup() installs a SIGTERM handler");
    CHECK(!(sa.sa_flags & SA_RESTART), "SIGTERM handler without SA_RESTART");
    sigaction(SIGINT, NULL, &sa);
    CHECK(sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN,
          "stop_setup() installs a SIGINT handler");

    if (!CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0,
                   "socketpair for the stop tests"))
        return;
    CHECK_INT(stop_requested(), ==, 0, "no stop requested yet");
    CHECK_INT(wait_fd(sv[0], POLLIN, 30), ==, 0,
              "wait_fd still times out normally before any signal");

    CHECK_INT(raise(SIGTERM), ==, 0, "raise(SIGTERM)");
    CHECK(1, "still alive after SIGTERM");
    CHECK_INT(stop_requested(), !=, 0, "stop_requested() after SIGTERM");

    t0 = now_ms();
    errno = 0;
    rc = wait_fd(sv[0], POLLIN, 5000);
    e = errno;
    el = elapsed_since(t0);
    CHECK_INT(rc, ==, -1, "wait_fd(5000 ms) after the stop fails");
    CHECK_ERRNO(e, EINTR, "wait_fd after the stop: EINTR");
    CHECK_INT(el, <, 100, "wait_fd after the stop returns at once (ms)");

    errno = 0;
    rc = wait_fd(sv[0], POLLIN, -1);
    e = errno;
    CHECK_INT(rc, ==, -1, "stop is sticky: wait_fd with no limit fails too");
    CHECK_ERRNO(e, EINTR, "... with EINTR");

    CHECK_INT(write(sv[1], "x", 1), ==, 1, "make the socket readable");
    errno = 0;
    rc = wait_fd(sv[0], POLLIN, 1000);
    e = errno;
    CHECK_INT(rc, ==, -1, "wait_fd on a readable fd after the stop fails");
    CHECK_ERRNO(e, EINTR, "... with EINTR");

    t0 = now_ms();
    errno = 0;
    n = recv_timeout(sv[0], buf, sizeof buf, 5000);
    e = errno;
    el = elapsed_since(t0);
    CHECK_INT(n, ==, -1, "recv_timeout after the stop fails");
    CHECK_ERRNO(e, EINTR, "recv_timeout after the stop: EINTR");
    CHECK_INT(el, <, 100, "recv_timeout after the stop returns at once (ms)");

    CHECK_INT(raise(SIGINT), ==, 0, "raise(SIGINT)");
    CHECK(1, "still alive after SIGINT");
    close(sv[0]);
    close(sv[1]);
}

/* ------------------------------------------------------------------------ */

int main(void)
{
    static unsigned char baseline[FD_SCAN], now_open[FD_SCAN];
    struct sigaction sa;
    int fd, leaked = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    /* An inherited SIG_IGN would make the SIGPIPE check meaningless: restore
     * the default action (this installs no handler). */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
    alarm(120); /* watchdog: a hang shows up as a truncated plan */
    fd_snapshot(baseline);

    test_parse_long();
    test_parse_port();
    test_parse_timeout();
    test_parse_hostport();
    test_parse_port_list();

    test_sockaddr_str();
    test_strerror();

    test_tcp_v4();
    test_tcp_v6();
    test_addrinuse();
    test_reuseaddr_timewait();
    test_refused();
    test_connect_timeout();
    test_resolve_error();
    test_self_connect();

    test_now_ms();
    test_wait_fd();
    test_recv_timeout();
    test_transfer();
    test_send_closed_peer();
    test_send_timeout();
    test_write_all();

    test_stop_wakes_blocked_wait();

    fd_snapshot(now_open);
    for (fd = 0; fd < FD_SCAN; fd++)
        if (now_open[fd] != baseline[fd]) {
            printf("#   fd %d %s\n", fd,
                   now_open[fd] ? "left open" : "closed by the tests");
            leaked++;
        }
    CHECK_INT(leaked, ==, 0, "open fds before the stop tests == at start");

    test_stop(); /* last: the stop request is sticky */

    printf("1..%d\n", tap_count);
    return tap_failed == 0 ? 0 : 1;
}
