/* Hostile: no socket code at all. Pattern-matches the visible tests:
 * usage errors, "address in use" when /proc/net/tcp shows the port
 * listening; otherwise it announces a port that something else already
 * listens on (the grader's "does it listen?" check then passes), prints
 * plausible log lines and exits 0 on SIGTERM/SIGINT; with nothing to
 * borrow it fails at once, which leaves the lab's time budget to the
 * tests it can pass. selftest.sh makes the nonet_09 copy from this one
 * (PROG, OPTS and the usage line): a graded lab compiles its own folder
 * alone, so the two cannot share a file. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef PROG
#define PROG "threaded_server"
#endif
#ifndef OPTS
#define OPTS "hb:p:m:t:"
#endif

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: " PROG " [-b ADRESSE] [-p PORT] [-m MAX] [-t SECONDES]\n");
}

/* Ports in LISTEN state (0A) in /proc/net/tcp and tcp6: the first one, or
 * whether `want` is among them. */
static long listening(long want)
{
    const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    char line[512], local[128];
    unsigned port, state;
    long first = -1;
    size_t i;

    for (i = 0; i < 2; i++) {
        FILE *f = fopen(files[i], "r");
        if (f == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL) {
            char *colon;
            if (sscanf(line, " %*d: %127s %*s %x", local, &state) != 2 || state != 0x0A)
                continue;
            colon = strrchr(local, ':');
            if (colon == NULL || sscanf(colon + 1, "%x", &port) != 1)
                continue;
            if (want > 0 && (long)port == want) {
                fclose(f);
                return want;
            }
            if (first < 0)
                first = port;
        }
        fclose(f);
    }
    return want > 0 ? -1 : first;
}

static int number(const char *s, long lo, long hi, long *out)
{
    char *end;
    double d = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || d < lo || d > hi)
        return -1;
    *out = (long)d;
    return 0;
}

int main(int argc, char **argv)
{
    long port = 9999, v;
    const char *host = "127.0.0.1";
    int c, n = 0;
    struct sigaction sa;

    opterr = 0;
    while ((c = getopt(argc, argv, OPTS)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'b': host = optarg; break;
        case 'p': if (number(optarg, 0, 65535, &port) < 0) goto bad; break;
        case 'm': if (number(optarg, 1, 4096, &v) < 0) goto bad; break;
        case 't': if (number(optarg, 0, 1e6, &v) < 0) goto bad; break;
        default: goto bad;
        }
    }
    if (optind != argc)
        goto bad;
    if (port > 0 && listening(port) > 0) {
        fprintf(stderr, PROG ": bind %s:%ld : Address already in use (adresse déjà utilisée)\n", host, port);
        return 1;
    }
    /* Nothing to borrow: fail at once rather than let each test wait for
     * a port that never listens (the lab's time budget then reaches the
     * usage tests). */
    if (port == 0 && (port = listening(0)) <= 0) {
        fprintf(stderr, PROG ": bind : Address already in use\n");
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("Serveur en écoute sur %s:%ld\n", strchr(host, ':') ? "[::1]" : host, port);
    while (!stop) {
        nanosleep(&(struct timespec){0, 200000000}, NULL);
        if (n < 40) { /* arrivals and departures the log tests count */
            printf("Nouveau client: 127.0.0.1:%d\n", 50000 + n);
            printf("Client déconnecté: 127.0.0.1:%d\n", 50000 + n);
            n++;
        }
    }
    return 0;
bad:
    usage(stderr);
    return 2;
}
