/* Hostile: a tcp_client with no socket code at all. It guesses what each
 * visible test expects from its arguments, its stdin and the kernel's
 * tables (/proc/net/tcp: is the port listening, is its accept queue full?),
 * then prints that. It must score no more than the usage-error tests. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void nap(double s)
{
    struct timespec ts;

    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static int usage(int code)
{
    fprintf(code ? stderr : stdout,
            "usage: tcp_client [-t SECONDES] [-a] HÔTE PORT [MESSAGE]\n");
    return code;
}

/* 0: nothing on the port; 1: listening; 2: listening, accept queue not
 * empty (a blackhole). Read from /proc/net/tcp and tcp6 (the lab's netns). */
static int port_state(long port)
{
    static const char *files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    char line[512], local[128], rem[128], queues[64];
    unsigned st, txq, rxq;
    int best = 0;
    size_t i;

    for (i = 0; i < 2; i++) {
        FILE *f = fopen(files[i], "r");
        if (f == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL) {
            char *colon;
            if (sscanf(line, " %*s %127s %127s %x %63s", local, rem, &st, queues) != 4)
                continue;
            colon = strrchr(local, ':');
            if (colon == NULL || strtol(colon + 1, NULL, 16) != port)
                continue;
            if (st != 0x0A)
                continue;
            if (sscanf(queues, "%x:%x", &txq, &rxq) == 2 && rxq > 0)
                best = 2;
            else if (best < 1)
                best = 1;
        }
        fclose(f);
    }
    return best;
}

static int say(const char *s, size_t n)
{
    if (n > 0 && fwrite(s, 1, n, stdout) != n) {
        fprintf(stderr, "tcp_client: écriture : %s\n", strerror(errno));
        return 1;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "tcp_client: écriture : %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

static int timeout_msg(double t, const char *what)
{
    nap(t);
    fprintf(stderr, "tcp_client: %s : délai dépassé\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    double t = 10;
    int all = 0, c, st;
    long port;
    char *end;
    const char *host, *msg;
    char addr[300];

    while ((c = getopt(argc, argv, ":t:ah")) != -1) {
        switch (c) {
        case 't':
            errno = 0;
            t = strtod(optarg, &end);
            if (*optarg == '\0' || *end != '\0' || errno || !(t > 0) || t > 86400 ||
                strpbrk(optarg, "eExXnN") != NULL) {
                fprintf(stderr, "tcp_client: délai invalide : « %s »\n", optarg);
                return 2;
            }
            break;
        case 'a':
            all = 1;
            break;
        case 'h':
            return usage(0);
        default:
            return usage(2);
        }
    }
    if (argc - optind < 2 || argc - optind > 3)
        return usage(2);
    host = argv[optind];
    errno = 0;
    port = strtol(argv[optind + 1], &end, 10);
    if (argv[optind + 1][0] == '\0' || *end != '\0' || errno || port < 1 || port > 65535) {
        fprintf(stderr, "tcp_client: port invalide : « %s » (attendu : 1 à 65535)\n",
                argv[optind + 1]);
        return 2;
    }
    msg = argc - optind == 3 ? argv[optind + 2] : NULL;
    if (strstr(host, "..") != NULL) {
        fprintf(stderr, "tcp_client: %s : nom ou service inconnu\n", host);
        return 1;
    }
    snprintf(addr, sizeof addr, strchr(host, ':') ? "[%s]:%ld" : "%s:%ld",
             strcmp(host, "deux-adresses.test") == 0 ? "127.0.0.1" : host, port);
    st = port_state(port);
    if (st == 0) {
        fprintf(stderr, "tcp_client: connexion à %s impossible : connexion refusée\n", addr);
        return 1;
    }
    if (st == 2) {
        nap(t);
        fprintf(stderr, "tcp_client: connexion à %s impossible : délai dépassé\n", addr);
        return 1;
    }
    if (msg == NULL) {
        /* stdin: a sink counts it, a deaf peer never takes it. */
        static char buf[65536];
        long long total = 0, zeros = 1;
        ssize_t n;
        while ((n = read(STDIN_FILENO, buf, sizeof buf)) != 0) {
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                fprintf(stderr, "tcp_client: envoi : %s\n", strerror(errno));
                return 1;
            }
            for (ssize_t i = 0; i < n && zeros; i++)
                zeros = buf[i] == 0;
            total += n;
        }
        if (zeros && total > 0)
            return timeout_msg(t, "envoi");
        printf("%lld\n", total);
        return 0;
    }
    if (strcmp(msg, "allô ?") == 0 || (!all && strcmp(msg, "ping") == 0))
        return timeout_msg(t, "réception");
    if (all && strcmp(msg, "requête") == 0) {
        if (say("début de la réponse", strlen("début de la réponse")))
            return 1;
        return timeout_msg(t, "réception");
    }
    if (all && strcmp(msg, "bonjour") == 0) {
        fprintf(stderr, "tcp_client: réception : connexion réinitialisée par le pair\n");
        return 1;
    }
    if (all) { /* a sink: the byte count */
        printf("%zu\n", strlen(msg));
        return 0;
    }
    if (strchr(msg, '\n') != NULL) /* a respond peer: unknowable bytes */
        return 0;
    return say(msg, strlen(msg)); /* an echo */
}
